"""The pure rules of Idempotency-Key (draft-ietf-httpapi-idempotency-key-header-07): reading the
header, the request's fingerprint, what a key already on file means for a new request, and which
parts of an answer are kept for replay. No database, no HTTP framework."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from domain.models.idempotency import KeyState

MAX_KEY_LENGTH = 255  # Stripe's limit; a UUID (36) is what clients are asked to send
# How long a client should wait before retrying while the first request with its key still runs.
IN_USE_RETRY_AFTER_S = 1
# The parts of an answer a replay repeats (with its status and body); the rest is the server's.
KEPT_HEADERS = ("content-type", "location", "etag", "link")

# RFC 8941 sf-string: printable ASCII between double quotes, with \" and \\ as the only escapes.
_SF_STRING = re.compile(r'"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"')
_ESCAPE = re.compile(r'\\(["\\])')
# A bare key, for clients that leave the quotes out: RFC 9110 token characters, ":" and "/".
_BARE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z:/]+")


class InvalidKey(ValueError):
    """The header's value is not a key this API accepts; the message says why."""


def parse_key(value: str) -> str:
    """The key in an Idempotency-Key value: a structured-field string ("...") or a bare token."""
    text = value.strip(" \t")
    quoted = _SF_STRING.fullmatch(text)
    if quoted:
        key = _ESCAPE.sub(r"\1", quoted.group(1))
    elif _BARE.fullmatch(text):
        key = text
    else:
        raise InvalidKey(
            'it must be a structured-field string of printable ASCII, e.g. "8e03978e-40d5-43e8-bc93-6894a57f9324" '
            "(one value, no list, no parameters)"
        )
    if not key:
        raise InvalidKey("it is empty")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidKey(f"it is longer than {MAX_KEY_LENGTH} characters")
    return key


def fingerprint(*, method: str, path: str, query: bytes, content_type: str, body: bytes) -> str:
    """The request a key stands for: the same key with another fingerprint is another request.
    Each part is length-prefixed, so no two different requests run together into one text."""
    content_type, body = _without_boundary(content_type, body)
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), query, content_type.encode("latin-1"), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


_BOUNDARY = re.compile(r';\s*boundary="?([^";]+)"?', re.IGNORECASE)


def _without_boundary(content_type: str, body: bytes) -> tuple[str, bytes]:
    """A multipart body's boundary is drawn at random each time a client encodes it (a retried
    upload often is re-encoded), and by definition occurs nowhere else: it is left out."""
    found = _BOUNDARY.search(content_type) if content_type.lower().startswith("multipart/") else None
    if found is None:
        return content_type, body
    return _BOUNDARY.sub("", content_type), body.replace(b"--" + found.group(1).encode("latin-1"), b"--")


class KeyRecord(Protocol):
    """What `judge` reads of a key on file (the model has these attributes)."""

    fingerprint: str
    state: KeyState
    locked_until: datetime | None
    expires_at: datetime


class Verdict(StrEnum):
    start = "start"  # no live key: claim it (new, expired, or its first request died) and run the request
    replay = "replay"  # the same request completed: answer what it answered
    reused = "reused"  # the key stands for another request: 422
    in_use = "in_use"  # the same key is held by a request still running: 409


def judge(found: KeyRecord | None, *, fingerprint: str, now: datetime) -> Verdict:
    """What a request with this key and fingerprint meets, given the key on file (if any).

    A key is bound to a request only while that request runs or once its work committed: a
    request that failed released its key, and one whose process died left a lease that runs out
    (its work was rolled back with it), so in both cases the key is free again."""
    if found is None or found.expires_at <= now:
        return Verdict.start
    if found.state == KeyState.processing and (found.locked_until is None or found.locked_until <= now):
        return Verdict.start
    if found.fingerprint != fingerprint:
        return Verdict.reused
    if found.state == KeyState.processing:
        return Verdict.in_use
    return Verdict.replay


def kept_headers(headers: list[tuple[bytes, bytes]]) -> list[list[str]]:
    """The headers a replay repeats, as [name, value] pairs in their original order."""
    return [
        [name.decode("latin-1").lower(), value.decode("latin-1")]
        for name, value in headers
        if name.decode("latin-1").lower() in KEPT_HEADERS
    ]


def withholds_body(headers: list[tuple[bytes, bytes]]) -> bool:
    """An answer marked Cache-Control: no-store (a secret shown once) must not be kept."""
    return any(name.lower() == b"cache-control" and b"no-store" in value.lower() for name, value in headers)
