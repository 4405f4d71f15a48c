"""Time-ordered UUIDs (RFC 9562 version 7): unguessable, yet they sort by creation time,
which keeps indexes compact and gives the change feed a natural order.

uuid_utils (Rust) generates them; its compat module returns the standard library's uuid.UUID,
which is what the Uuid columns, pydantic and the JSON encoders expect."""

from uuid_utils.compat import uuid7

__all__ = ["uuid7"]
