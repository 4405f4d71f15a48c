"""The RFC 9457 problem document and the `responses=` entries that document it per route."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"


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


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing or invalid credentials",
    403: "Not allowed for this role or scope",
    404: "No such resource (or not visible to you)",
    409: "Conflicts with the current state (the body lists what it collides with)",
    412: "If-Match does not match the current version",
    413: "Request body too large",
    422: "Invalid input or a business rule refused it (the body names which)",
    429: "Too many requests",
    500: "Unexpected server error",
}

# Every route can answer these: bad body/parameters, an oversized body, a server fault; and
# unless it is public, a missing token (401) or a role without the permission (403).
COMMON = (413, 422, 500)
SIGNED_IN = (401, 403)


def problems(*statuses: int, public: bool = False) -> dict[int | str, dict[str, Any]]:
    codes = set(statuses) | set(COMMON) | (set() if public else set(SIGNED_IN))
    return {
        status: {"model": Problem, "description": _DESCRIPTIONS[status], "content": {PROBLEM_MEDIA_TYPE: {}}}
        for status in sorted(codes)
    }
