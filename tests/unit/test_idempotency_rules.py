"""Idempotency-Key rules without a database: the header, the fingerprint, what a key on file means."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest

from api.openapi_extras import KEY_PATTERN
from domain.idempotency.rules import (
    MAX_KEY_LENGTH,
    InvalidKey,
    Verdict,
    fingerprint,
    judge,
    kept_headers,
    parse_key,
    withholds_body,
)
from domain.models.idempotency import KeyState

NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
UUID = "8e03978e-40d5-43e8-bc93-6894a57f9324"


@pytest.mark.parametrize(
    "value, key",
    [
        (f'"{UUID}"', UUID),  # the draft's form: a structured-field string
        (UUID, UUID),  # a bare token, for clients that leave the quotes out
        (f'  "{UUID}"\t', UUID),  # surrounding whitespace is not part of a field value
        ('"a key with spaces"', "a key with spaces"),
        (r'"say \"hi\" \\ bye"', 'say "hi" \\ bye'),  # the two escapes of sf-string
        ("order:42/retry", "order:42/retry"),
        ('"' + "k" * MAX_KEY_LENGTH + '"', "k" * MAX_KEY_LENGTH),
    ],
)
def test_accepted_keys(value, key):
    assert parse_key(value) == key
    assert re.fullmatch(KEY_PATTERN, value.strip()), "openapi.json's pattern must accept what the server accepts"


@pytest.mark.parametrize(
    "value, reason",
    [
        ('""', "empty"),
        ("", "structured-field string"),
        ('"' + "k" * (MAX_KEY_LENGTH + 1) + '"', "longer than 255"),
        ("k" * (MAX_KEY_LENGTH + 1), "longer than 255"),
        ('"unterminated', "structured-field string"),
        ('"a", "b"', "structured-field string"),  # a list (or the header sent twice)
        ('"a";p=1', "structured-field string"),  # parameters are not part of this header
        ('"bad \\n escape"', "structured-field string"),
        ('"tab\tinside"', "structured-field string"),
        ('"café"', "structured-field string"),
        ("two words", "structured-field string"),
        ('quote"inside', "structured-field string"),
    ],
)
def test_refused_keys_say_why(value, reason):
    with pytest.raises(InvalidKey, match=reason):
        parse_key(value)
    assert not re.fullmatch(KEY_PATTERN, value.strip()), "openapi.json's pattern must refuse what the server refuses"


def test_the_fingerprint_covers_method_path_query_content_type_and_body():
    base = dict(method="POST", path="/api/v1/programmes", query=b"", content_type="application/json", body=b'{"a":1}')
    same = fingerprint(**base)
    assert same == fingerprint(**base) and len(same) == 64
    for change in (
        {"method": "PUT"},
        {"path": "/api/v1/cycles"},
        {"query": b"allow_duplicate=true"},
        {"content_type": "text/csv"},
        {"body": b'{"a": 1}'},
    ):
        assert fingerprint(**(base | change)) != same, change
    # Length prefixes: moving bytes from one part to the next is another request.
    assert fingerprint(**(base | {"path": "/a", "query": b"bc"})) != fingerprint(
        **(base | {"path": "/ab", "query": b"c"})
    )


def test_a_re_encoded_upload_is_the_same_request():
    """A multipart boundary is random per encoding: a retried upload with a new one is the same request."""

    def upload(boundary: str, csv: bytes = b"name\nAli\n") -> str:
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="plan.csv"\r\n\r\n'.encode()
            + csv
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return fingerprint(
            method="POST",
            path="/api/v1/imports",
            query=b"",
            body=body,
            content_type=f'multipart/form-data; boundary="{boundary}"',
        )

    assert upload("a1b2c3") == upload("z9y8x7w6")
    assert upload("a1b2c3") != upload("a1b2c3", csv=b"name\nOmar\n")


@dataclass
class OnFile:
    fingerprint: str = "f1"
    state: KeyState = KeyState.completed
    locked_until: datetime | None = None
    expires_at: datetime = NOW + timedelta(hours=24)


@pytest.mark.parametrize(
    "found, fp, verdict",
    [
        (None, "f1", Verdict.start),
        (OnFile(), "f1", Verdict.replay),
        (OnFile(), "f2", Verdict.reused),
        (OnFile(state=KeyState.processing, locked_until=NOW + timedelta(minutes=5)), "f1", Verdict.in_use),
        (OnFile(state=KeyState.processing, locked_until=NOW + timedelta(minutes=5)), "f2", Verdict.reused),
        # The first request's process died: its lease ran out and its work was rolled back with it.
        (OnFile(state=KeyState.processing, locked_until=NOW - timedelta(seconds=1)), "f1", Verdict.start),
        (OnFile(state=KeyState.processing, locked_until=NOW - timedelta(seconds=1)), "f2", Verdict.start),
        # Past its lifetime a key counts as absent, whatever it was.
        (OnFile(expires_at=NOW), "f2", Verdict.start),
        (OnFile(expires_at=NOW - timedelta(hours=1)), "f1", Verdict.start),
    ],
)
def test_what_a_key_on_file_means(found, fp, verdict):
    assert judge(found, fingerprint=fp, now=NOW) is verdict


def test_a_replay_repeats_status_body_and_these_headers_only():
    headers = [
        (b"content-type", b"application/json"),
        (b"ETag", b'"1"'),
        (b"location", b"/api/v1/programmes/1"),
        (b"link", b'<x>; rel="next"'),
        (b"set-cookie", b"a=b"),
        (b"content-length", b"12"),
        (b"date", b"now"),
    ]
    assert kept_headers(headers) == [
        ["content-type", "application/json"],
        ["etag", '"1"'],
        ["location", "/api/v1/programmes/1"],
        ["link", '<x>; rel="next"'],
    ]


def test_an_answer_marked_no_store_is_not_kept():
    assert withholds_body([(b"Cache-Control", b"private, no-store")])
    assert not withholds_body([(b"cache-control", b"no-cache")])
    assert not withholds_body([])
