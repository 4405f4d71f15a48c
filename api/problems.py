"""The RFC 9457 problem document and the `responses=` entries that document it per route."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api import problem_types as P
from domain.schemas import Reference, ScheduleConflict

PROBLEM_MEDIA_TYPE = "application/problem+json"
# How long a client should wait before retrying while the database is unavailable.
RETRY_AFTER_UNAVAILABLE_S = 5


def problem_body(body: dict[str, Any]) -> tuple[bytes, str]:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), PROBLEM_MEDIA_TYPE


def database_unavailable() -> tuple[dict[str, Any], dict[str, str]]:
    """The answer while the database cannot be reached: nothing was changed, retry later."""
    body = {
        "type": P.DATABASE_UNAVAILABLE.uri,
        "title": "Service Unavailable",
        "status": 503,
        "detail": "The database is unavailable; nothing was changed. Retry after the time in Retry-After.",
    }
    return body, {"Retry-After": str(RETRY_AFTER_UNAVAILABLE_S)}


def unique_conflict() -> dict[str, Any]:
    return {
        "type": P.UNIQUE_CONFLICT.uri,
        "title": "Conflict",
        "status": 409,
        "detail": "The change collides with an existing record.",
    }


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details. Extra members carry the specifics (conflicts, candidates...)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["/problems/not-found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldError] | None = None
    conflicts: list[ScheduleConflict] | None = Field(None, description="schedule-conflict: each double booking")
    references: list[Reference] | None = Field(None, description="in-use: what still refers to the record")


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing or invalid credentials",
    403: "Not allowed for this role or scope",
    404: "No such resource (or not visible to you)",
    409: "Conflicts with the current state (the body lists what it collides with)",
    410: "No longer kept (the body says what expired)",
    412: "If-Match does not match the current version",
    413: "Request body too large",
    422: "Invalid input or a business rule refused it (the body names which)",
    429: "Too many requests",
    500: "Unexpected server error",
    503: "The database is unavailable; retry after Retry-After seconds (nothing was changed)",
}

# Every route can answer these: bad body/parameters, an oversized body, a server fault; and
# unless it is public, a missing token (401) or a role without the permission (403).
COMMON = (413, 422, 500, 503)
SIGNED_IN = (401, 403)


def problems(*statuses: int, public: bool = False) -> dict[int | str, dict[str, Any]]:
    codes = set(statuses) | set(COMMON) | (set() if public else set(SIGNED_IN))
    return {
        status: {"model": Problem, "description": _DESCRIPTIONS[status], "content": {PROBLEM_MEDIA_TYPE: {}}}
        for status in sorted(codes)
    }
