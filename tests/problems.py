"""Checks every test makes of an RFC 9457 answer."""

from __future__ import annotations

import httpx

PROBLEM = "application/problem+json"


def assert_problem(r: httpx.Response, status: int, type_: str | None = None) -> dict:
    """The answer is a problem document with this status (and type), and its standard members."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM), r.headers["content-type"]
    body = r.json()
    assert isinstance(body["type"], str) and body["type"]
    assert isinstance(body["title"], str) and body["title"]
    assert body["status"] == status
    if type_ is not None:
        assert body["type"] == type_, body
    return body


def error_fields(body: dict) -> set[str]:
    """The fields a validation problem names; each error has a field and a message."""
    assert isinstance(body.get("errors"), list) and body["errors"], body
    for err in body["errors"]:
        assert set(err) >= {"field", "message"}, err
        assert isinstance(err["field"], str) and err["field"]
        assert isinstance(err["message"], str) and err["message"]
    return {err["field"] for err in body["errors"]}
