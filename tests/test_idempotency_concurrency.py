"""Idempotency-Key under real concurrency: a real server, client threads, real connections, on a
scratch database of its own (committed data), dropped afterwards.

The first request is held deterministically after it claimed its key and before its own
transaction begins: a test-only override of the session dependency waits on an event while the
request carries X-Test-Hold (a header the fingerprint does not cover). No sleep anywhere."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
import uvicorn
from fastapi import Request
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from api.deps import get_db
from api.main import create_app
from domain.db import Sessions, is_sqlite, make_engine, sync_url, utcnow
from domain.idempotency.rules import Verdict
from domain.idempotency.service import ClaimResult, claim_key
from domain.models.auth import User
from domain.models.programmes import Programme
from tests.conftest import make_settings, migrate, scratch_database
from tests.servers import http_client


class Gate:
    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()


@pytest.fixture(scope="module")
def scratch_url():
    with scratch_database("idempotency") as url:
        yield url


@pytest.fixture(scope="module")
def server(scratch_url):
    migrate(scratch_url)
    app = create_app(make_settings(scratch_url))
    gates: list[Gate] = []

    async def held_db(request: Request) -> AsyncSession:
        if request.headers.get("x-test-hold") and gates:
            gates[-1].entered.set()
            await asyncio.to_thread(gates[-1].release.wait, 30)
        return request.state.uow.session

    app.dependency_overrides[get_db] = held_db
    engine = create_engine(sync_url(scratch_url))
    with Session(engine) as s:
        admin = User(username=f"admin-{uuid.uuid4().hex[:6]}", password_hash="!", role="admin", disabled=False)
        admin.programmes = []
        s.add(admin)
        s.commit()
        admin_id = admin.id
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    token, _ = app.state.keyring.issue_access_token(subject=f"user:{admin_id}", claims={"role": "admin", "cv": 1})
    yield f"http://127.0.0.1:{port}/api/v1", {"Authorization": f"Bearer {token}"}, gates, engine
    srv.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def programmes_named(engine, acronym: str) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(Programme).where(Programme.acronym == acronym))


def test_a_duplicate_while_the_first_runs_is_a_409_and_a_retry_replays_the_first_answer(server):
    base, auth, gates, engine = server
    gate = Gate()
    gates.append(gate)
    body = {"name": "Held programme (test)", "acronym": f"H-{uuid.uuid4().hex[:6]}", "implementer": "Test"}
    key = {"Idempotency-Key": f'"{uuid.uuid4()}"'}
    with http_client(base, headers=auth, timeout=60) as c, ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(c.post, "/programmes", json=body, headers=key | {"X-Test-Hold": "1"})
        assert gate.entered.wait(10), "the first request never reached the app"
        duplicate = c.post("/programmes", json=body, headers=key)
        gate.release.set()
        first = running.result(timeout=30)
        retry = c.post("/programmes", json=body, headers=key)

    assert duplicate.status_code == 409, duplicate.text
    assert duplicate.headers["content-type"] == "application/problem+json"
    assert duplicate.json()["type"] == "/problems/idempotency-key-in-use" and duplicate.headers["retry-after"] == "1"
    assert first.status_code == 201 and "idempotent-replayed" not in first.headers, first.text
    assert retry.status_code == 201 and retry.headers["idempotent-replayed"] == "true"
    assert retry.content == first.content
    assert (retry.headers["location"], retry.headers["etag"]) == (first.headers["location"], first.headers["etag"])
    assert programmes_named(engine, body["acronym"]) == 1


def test_a_burst_of_the_same_request_takes_effect_once(server):
    """Twenty clients send the same key at the same moment: one runs the request, each of the
    others gets a 409 (it is still running) or the replay (it has finished)."""
    base, auth, _, engine = server
    body = {"name": "Burst programme (test)", "acronym": f"B-{uuid.uuid4().hex[:6]}", "implementer": "Test"}
    key = {"Idempotency-Key": f'"{uuid.uuid4()}"'}
    start = threading.Barrier(20)

    def send(_: int) -> httpx.Response:
        with http_client(base, headers=auth | key, timeout=60) as c:
            start.wait(10)
            return c.post("/programmes", json=body)

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(send, range(20)))

    ran = [r for r in answers if r.status_code == 201 and "idempotent-replayed" not in r.headers]
    replayed = [r for r in answers if r.status_code == 201 and r.headers.get("idempotent-replayed") == "true"]
    waiting = [r for r in answers if r.status_code == 409 and r.json()["type"] == "/problems/idempotency-key-in-use"]
    assert len(ran) == 1 and len(ran) + len(replayed) + len(waiting) == 20, [(r.status_code, r.text) for r in answers]
    assert all(r.content == ran[0].content for r in replayed)
    assert programmes_named(engine, body["acronym"]) == 1


async def test_two_claims_at_once_agree_through_the_unique_constraint(server, scratch_url):
    """Two API processes claim the same key at once. On PostgreSQL the second one's insert waits
    on the first one's uncommitted row, then clashes on the unique constraint and reads the
    claim instead; on SQLite the second one waits for the write lock and reads it directly."""
    engine = make_engine(scratch_url)
    sessions = Sessions(engine)
    claim = dict(
        principal=f"user:{uuid.uuid4()}",
        key="same-key",
        fingerprint="f" * 64,
        now=utcnow(),
        lease=timedelta(minutes=5),
        lifetime=timedelta(hours=24),
    )

    async def second() -> ClaimResult:
        async with sessions() as session:
            result = await claim_key(session, **claim)
            await session.commit()
            return result

    try:
        async with sessions() as first_session:
            first = await claim_key(first_session, **claim)
            racing = asyncio.create_task(second())
            await _until_it_waits_for_a_lock(engine, racing)
            await first_session.commit()
        assert first.verdict is Verdict.start
        assert (await racing).verdict is Verdict.in_use
    finally:
        await engine.dispose()


async def _until_it_waits_for_a_lock(engine, task: asyncio.Task) -> None:
    """Until `task` is blocked on the first claim's row (PostgreSQL), or has had turns (SQLite)."""
    for _ in range(500):
        await asyncio.sleep(0)
        assert not task.done(), "the second claim did not wait for the first"
        if is_sqlite(str(engine.url)):
            continue
        async with engine.connect() as watcher:
            waiting = await watcher.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
            )
        if waiting:
            return
