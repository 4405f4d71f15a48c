"""Entity tags of a module's quotas and of its waitlist. Neither is one record with a version, so
its tag is a digest of what the caller was shown (an entity tag is any opaque validator, RFC 9110
§8.8.3): sent back in If-Match, an older tag means someone changed them since, a 412."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from domain.enrolment.schemas import QuotasRead
from domain.errors import PreconditionFailed
from domain.i18n import Translatable, translatable

# api/deps.py's If-Match takes up to 12 digits.
_SPAN = 10**12


def digest(parts: Iterable[str]) -> int:
    raw = hashlib.sha256("\n".join(parts).encode()).digest()
    return int.from_bytes(raw[:8], "big") % _SPAN


def quotas_tag(quotas: QuotasRead) -> int:
    """What the quotas reserve (agency, seats, released), not how many seats are taken: a
    decision on a nomination does not make a quota form stale."""
    return digest(f"{q.agency_id}:{q.seats}:{q.released}" for q in quotas.quotas)


def waitlist_tag(nomination_ids: Iterable[uuid.UUID]) -> int:
    """The waitlist's members in their order."""
    return digest(str(n) for n in nomination_ids)


def check_tag(what: str, current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise PreconditionFailed(
            translatable(
                "The module's {what} changed since you read it (now {current}, you sent {expected}).",
                what=Translatable(what),
                current=current,
                expected=expected,
            ),
            current_version=current,
        )
