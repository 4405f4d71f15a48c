"""Idempotency-Key through HTTP: replay, reuse, scope per principal, malformed keys, what an error
leaves behind, and keys found in use, expired or taken over. The concurrent cases with real
threads and a real server are in tests/test_idempotency_concurrency.py."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from fastapi import Request
from sqlalchemy import func, select, update

from api.deps import get_db
from domain.db import utcnow
from domain.idempotency.rules import fingerprint
from domain.ids import uuid7
from domain.models.idempotency import IdempotencyKey, KeyState
from domain.models.programmes import Programme
from tests.problems import assert_problem


def key() -> dict[str, str]:
    return {"Idempotency-Key": f'"{uuid.uuid4()}"'}


def programme_body(**overrides) -> dict:
    return {
        "name": "Retry-safe programme (test)",
        "acronym": f"RS-{uuid.uuid4().hex[:6]}",
        "implementer": "Test",
    } | overrides


async def programmes_named(db, acronym: str) -> int:
    return await db.scalar(select(func.count()).select_from(Programme).where(Programme.acronym == acronym))


async def keys_of(db, user_id) -> list[IdempotencyKey]:
    return list(
        await db.scalars(
            select(IdempotencyKey)
            .where(IdempotencyKey.principal == f"user:{user_id}")
            .execution_options(populate_existing=True)
        )
    )


async def test_a_retried_create_replays_the_first_answer_and_creates_nothing(client, db):
    body, headers = programme_body(), key()
    first = await client.post("/programmes", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = await client.post("/programmes", json=body, headers=headers)
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    for name in ("location", "etag", "content-type"):
        assert again.headers[name] == first.headers[name], name
    assert await programmes_named(db, body["acronym"]) == 1
    [stored] = await keys_of(db, client.user_id)
    assert stored.state == KeyState.completed and stored.status == 201 and stored.locked_until is None
    assert timedelta(hours=23, minutes=59) < stored.expires_at - utcnow() <= timedelta(hours=24)


async def test_the_same_key_for_another_request_is_a_422_naming_the_header(client, db):
    body, headers = programme_body(), key()
    assert (await client.post("/programmes", json=body, headers=headers)).status_code == 201
    other = programme_body()
    problem = assert_problem(
        await client.post("/programmes", json=other, headers=headers), 422, "/problems/idempotency-key-reused"
    )
    assert "Idempotency-Key" in problem["detail"]
    assert_problem(
        await client.post("/agencies", json={"name_en": "X", "name_ar": "س", "kind": "police"}, headers=headers),
        422,
        "/problems/idempotency-key-reused",
    )  # another path is another request too
    assert await programmes_named(db, other["acronym"]) == 0


async def test_keys_belong_to_their_principal(client, sign_in, db):
    headers = key()
    mine = await client.post("/programmes", json=programme_body(), headers=headers)
    colleague = await sign_in("admin")
    theirs = await colleague.post("/programmes", json=programme_body(), headers=headers)
    assert theirs.status_code == 201 and "idempotent-replayed" not in theirs.headers
    assert theirs.json()["id"] != mine.json()["id"]
    assert (await client.post("/programmes", json=programme_body(), headers=headers)).status_code == 422  # still mine


async def test_a_bare_key_is_the_same_key_as_its_quoted_form(client):
    body, bare = programme_body(), str(uuid.uuid4())
    first = await client.post("/programmes", json=body, headers={"Idempotency-Key": bare})
    again = await client.post("/programmes", json=body, headers={"Idempotency-Key": f'"{bare}"'})
    assert again.headers["idempotent-replayed"] == "true" and again.json()["id"] == first.json()["id"]


async def test_a_malformed_key_is_a_400_naming_the_header(client, db):
    body = programme_body()
    for value in ('""', '"' + "k" * 256 + '"', "two words", '"a", "b"', '"unterminated'):
        problem = assert_problem(
            await client.post("/programmes", json=body, headers={"Idempotency-Key": value}),
            400,
            "/problems/idempotency-key-invalid",
        )
        assert "Idempotency-Key" in problem["detail"], value
    # The header sent twice is a list, not a key.
    twice = [("Idempotency-Key", '"a"'), ("Idempotency-Key", '"b"')]
    assert_problem(await client.post("/programmes", json=body, headers=twice), 400, "/problems/idempotency-key-invalid")
    assert await programmes_named(db, body["acronym"]) == 0


async def test_a_conflict_frees_the_key(client, db):
    """Nothing is stored for an answer whose work did not commit: the retry runs afresh."""
    taken = programme_body()
    assert (await client.post("/programmes", json=taken)).status_code == 201
    headers, clash = key(), programme_body(acronym=taken["acronym"])
    assert_problem(await client.post("/programmes", json=clash, headers=headers), 409)
    again = await client.post("/programmes", json=clash, headers=headers)
    assert_problem(again, 409)
    assert "idempotent-replayed" not in again.headers  # run again, not replayed
    fixed = programme_body()
    assert (await client.post("/programmes", json=fixed, headers=headers)).status_code == 201  # the key was free
    assert await keys_of(db, client.user_id) != []


async def test_a_refused_or_invalid_request_leaves_no_key(client, db):
    headers = key()
    assert_problem(
        await client.post("/programmes", json={"name": "no acronym"}, headers=headers),
        422,
        "/problems/validation-error",
    )
    assert_problem(await client.post("/no-such-route", json={}, headers=headers), 404)
    assert await keys_of(db, client.user_id) == []


async def test_without_a_valid_token_nothing_is_claimed(anonymous, db):
    for auth in ({}, {"Authorization": "Bearer not-a-token"}):
        r = await anonymous.post("/programmes", json=programme_body(), headers=key() | auth)
        assert_problem(r, 401)
    assert await db.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


async def test_the_token_endpoint_and_other_methods_ignore_the_header(client, anonymous):
    r = await anonymous.post(
        "/auth/token",
        data={"grant_type": "password", "username": "nobody", "password": "x"},
        headers={"Idempotency-Key": "not a key"},
    )
    assert r.json().get("type") != "/problems/idempotency-key-invalid"
    created = (await client.post("/programmes", json=programme_body())).json()
    patched = await client.patch(
        f"/programmes/{created['id']}", json={"name": "Renamed (test)"}, headers={"Idempotency-Key": "not a key"}
    )
    assert patched.status_code == 200, patched.text


async def test_a_key_in_use_is_a_409_with_retry_after_until_its_lease_runs_out(client, db):
    body = json.dumps(programme_body()).encode()
    send = {"Content-Type": "application/json", "Idempotency-Key": (raw := str(uuid.uuid4()))}
    now = utcnow()
    db.add(
        IdempotencyKey(
            principal=f"user:{client.user_id}",
            key=raw,
            state=KeyState.processing,
            attempt=uuid7(),
            fingerprint=fingerprint(
                method="POST", path="/api/v1/programmes", query=b"", content_type="application/json", body=body
            ),
            locked_until=now + timedelta(minutes=5),
            created_at=now,
            expires_at=now + timedelta(hours=24),
        )
    )
    await db.flush()
    r = await client.post("/programmes", content=body, headers=send)
    assert_problem(r, 409, "/problems/idempotency-key-in-use")
    assert r.headers["retry-after"] == "1"
    # Another request with the key is a reuse, even while the first runs.
    assert_problem(
        await client.post("/programmes", content=body + b" ", headers=send), 422, "/problems/idempotency-key-reused"
    )
    assert await programmes_named(db, json.loads(body)["acronym"]) == 0
    # The first request's process died: once its lease has run out, the retry takes the key over.
    await db.execute(
        update(IdempotencyKey).where(IdempotencyKey.key == raw).values(locked_until=now - timedelta(seconds=1))
    )
    assert (await client.post("/programmes", content=body, headers=send)).status_code == 201
    assert await programmes_named(db, json.loads(body)["acronym"]) == 1


async def test_an_expired_key_counts_as_absent_and_expired_keys_are_purged(client, db):
    body, raw = programme_body(), str(uuid.uuid4())
    past = utcnow() - timedelta(hours=25)
    stale = [
        IdempotencyKey(
            principal=f"user:{uuid.uuid4()}",
            key=f"old-{i}",
            fingerprint="0" * 64,
            state=KeyState.completed,
            attempt=uuid7(),
            created_at=past,
            expires_at=past + timedelta(hours=24),
            status=201,
            headers=[],
            body=b"{}",
        )
        for i in range(3)
    ]
    db.add_all(
        stale
        + [
            IdempotencyKey(
                principal=f"user:{client.user_id}",
                key=raw,
                fingerprint="0" * 64,
                state=KeyState.completed,
                attempt=uuid7(),
                created_at=past,
                expires_at=past + timedelta(hours=24),
                status=201,
                headers=[],
                body=b"{}",
            )
        ]
    )
    await db.flush()
    r = await client.post("/programmes", json=body, headers={"Idempotency-Key": raw})
    assert r.status_code == 201 and "idempotent-replayed" not in r.headers  # not a 422: the old use has expired
    left = set(await db.scalars(select(IdempotencyKey.key).where(IdempotencyKey.key.like("old-%"))))
    assert left == set()


async def test_a_request_whose_key_was_taken_over_stores_nothing(app, client, db):
    """Fencing: if a retry took the key over while this request ran (its lease ran out), this
    request's work is rolled back rather than counted twice."""
    body, headers = programme_body(), key()

    async def taken_over_while_running(request: Request):
        await db.execute(update(IdempotencyKey).values(attempt=uuid7()))  # what a takeover does to the row
        return request.state.uow.session

    app.dependency_overrides[get_db] = taken_over_while_running
    try:
        r = await client.post("/programmes", json=body, headers=headers)
    finally:
        app.dependency_overrides.pop(get_db)
    assert_problem(r, 409, "/problems/idempotency-key-in-use")
    assert await programmes_named(db, body["acronym"]) == 0


async def test_an_oversized_body_is_still_a_413(client):
    async def chunks():
        for _ in range(12):
            yield b"x" * 100_000

    r = await client.post("/programmes", content=chunks(), headers={"Content-Type": "application/json"} | key())
    assert_problem(r, 413)
