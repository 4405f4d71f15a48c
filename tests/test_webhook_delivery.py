"""Delivery end to end: committed events, real workers (a loop in this process, or `python -m
api.worker` processes), a real receiver on 127.0.0.1 verifying every delivery with the
`standardwebhooks` package. The retry schedule is compressed (settings); production's is the
spec's. On a scratch database of its own, dropped afterwards."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from domain.agencies.models import AgencyKind
from domain.agencies.schemas import AgencyCreate
from domain.agencies.service import create_agency
from domain.auth.models import ApiClient, User
from domain.auth.principal import Principal, Role
from domain.db import is_sqlite, make_engine, make_sessionmaker
from domain.events.outbox import emit
from domain.settings import Settings
from domain.webhooks.models import DeliveryStatus, SubscriptionStatus, WebhookDelivery, WebhookSubscription
from domain.webhooks.schemas import WebhookCreate
from domain.webhooks.service import create_webhook
from domain.webhooks.worker import Worker
from tests.conftest import _TMP, DATABASE_URL, migrate, scratch_database
from tests.need_to_know_guard import NeedToKnowGuard
from tests.servers import TLS, free_port
from tests.webhook_receiver import Receiver, receiving

ROOT = Path(__file__).resolve().parents[1]
FAST = {
    "webhook_retry_schedule": "0.1,0.2,0.3,0.3,0.3,0.3",
    "webhook_retry_jitter": 0.2,
    "webhook_poll_seconds": 0.05,
    "webhook_timeout_seconds": 2.0,
    "webhook_lease_seconds": 3.0,
    "webhook_batch_size": 10,
}
postgres_only = pytest.mark.skipif(is_sqlite(DATABASE_URL), reason="several workers share the work on PostgreSQL only")


@pytest.fixture(scope="module")
def scratch_url():
    with scratch_database("webhooks") as url:
        migrate(url)
        yield url


def settings(url: str, **extra) -> Settings:
    return Settings(database_url=url, key_dir=_TMP / "keys", **(FAST | extra))


async def _admin(session) -> Principal:
    user = User(username=f"admin-{uuid.uuid4().hex[:8]}", password_hash="!", role=Role.admin, disabled=False)
    user.programmes = []
    session.add(user)
    await session.flush()
    return Principal(id=user.id, name=user.username, role=Role.admin)


def arrange(url: str, hooks: list[str], events: int, *, owner: str = "admin", agencies: tuple = ()) -> dict:
    """Subscriptions to `hooks` (URLs), then `events` committed events (one transaction each).
    With agencies, each event is about an officer of one of them, in turn."""

    async def run() -> dict:
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        try:
            async with sessions() as session, session.begin():
                admin = await _admin(session)
                made = [
                    (
                        await create_agency(
                            session,
                            principal=admin,
                            data=AgencyCreate(name_en=f"Unit {a}", name_ar="وحدة", kind=AgencyKind.police),
                        )
                    ).id
                    for a in agencies
                ]
                principal = admin
                if owner == "bound":
                    client = ApiClient(
                        client_id=f"tc_{uuid.uuid4().hex[:12]}",
                        name="hr",
                        secret_hash="!",
                        scopes=["events:read", "webhooks:manage"],
                        agency_id=made[0],
                        disabled=False,
                    )
                    session.add(client)
                    await session.flush()
                    principal = Principal(
                        id=client.id,
                        name="client",
                        role=Role.client,
                        agency_id=made[0],
                        scopes=frozenset(client.scopes),
                    )
                secrets = {}
                for hook in hooks:
                    sub, secret = await create_webhook(
                        session, principal=principal, data=WebhookCreate(url=hook), allow_private=True
                    )
                    secrets[httpx.URL(hook).path] = secret
            ids = []
            for n in range(events):
                async with sessions() as session, session.begin():
                    agency = made[n % len(made)] if made else None
                    officer = uuid.uuid4() if agency else None
                    emit(
                        session,
                        "officer.created" if agency else "module.status_changed",
                        resource_id=officer or uuid.uuid4(),
                        officer_id=officer,
                        agency_id=agency,
                        data={"agency_id": agency, "active": True}
                        if agency
                        else {"status": "open", "previous_status": "planned"},
                    )
                    await session.flush()
                async with sessions() as session:
                    from domain.events.models import OutboxEvent

                    ids.append(
                        str(await session.scalar(select(OutboxEvent.id).order_by(OutboxEvent.position.desc()).limit(1)))
                    )
            return {"secrets": secrets, "events": ids, "agencies": made}
        finally:
            await engine.dispose()

    return asyncio.run(run())


def work(url: str, until, *, timeout: float = 20, **extra) -> Worker:
    """Run one in-process worker's rounds until `until()` holds (or the timeout), every statement
    it sends watched for need-to-know (tests/need_to_know_guard.py)."""

    async def run() -> Worker:
        engine = make_engine(url)
        worker = Worker(engine, settings(url, **extra))
        try:
            async with httpx.AsyncClient(timeout=2, follow_redirects=False, verify=TLS) as client:
                deadline = time.monotonic() + timeout
                while not until() and time.monotonic() < deadline:
                    if not await worker.round(client):
                        await asyncio.sleep(0.05)
            return worker
        finally:
            await engine.dispose()

    with NeedToKnowGuard(everywhere=True) as guard:
        worker = asyncio.run(run())
    assert not guard.bypasses, "the worker's queries that bypass domain/access:\n" + "\n".join(guard.bypasses)
    return worker


def deliveries(url: str) -> list[tuple[WebhookDelivery, list]]:
    async def run():
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine)() as session:
                from sqlalchemy.orm import selectinload

                rows = await session.scalars(select(WebhookDelivery).options(selectinload(WebhookDelivery.log)))
                return [(d, list(d.log)) for d in rows]
        finally:
            await engine.dispose()

    return asyncio.run(run())


def subscription(url: str) -> WebhookSubscription:
    """The (only) subscription as stored now."""

    async def run() -> WebhookSubscription:
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine)() as session:
                return await session.scalar(select(WebhookSubscription))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def clear(url: str) -> None:
    async def run():
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine)() as session, session.begin():
                for sub in await session.scalars(select(WebhookSubscription)):
                    await session.delete(sub)
        finally:
            await engine.dispose()

    asyncio.run(run())


def test_receiver_down_for_a_stretch_then_every_event_arrives_once_verified(scratch_url):
    clear(scratch_url)
    port = free_port()
    world = arrange(scratch_url, [f"http://127.0.0.1:{port}/hr"], events=6)
    receiver = Receiver(secrets=world["secrets"])
    # Down: nothing listens. The worker fails its first attempts (connection refused) and retries.
    started = time.monotonic()
    work(scratch_url, until=lambda: time.monotonic() - started > 1.0)
    assert receiver.received == []
    first = {d.event_id: (d.status, d.attempts) for d, _ in deliveries(scratch_url)}
    assert len(first) == 6 and all(status is DeliveryStatus.pending and n >= 1 for status, n in first.values())
    # Up again; and it answers 500 to the first try of each event, so each comes twice.
    tries = Counter()

    def answer(got):
        tries[got.webhook_id] += 1
        return 500 if tries[got.webhook_id] == 1 else 200

    receiver.answer = answer
    with receiving(receiver, port):
        work(scratch_url, until=lambda: all(tries[e] >= 2 for e in world["events"]), timeout=40)
    assert all(r.verified for r in receiver.received)
    assert sorted(set(receiver.ids())) == sorted(world["events"])  # every event, and the webhook-id is the event's id
    by_id = {}
    for r in receiver.received:
        assert r.event["id"] == r.webhook_id
        by_id.setdefault(r.webhook_id, []).append(r.event)
    assert all(len(v) == 2 and v[0] == v[1] for v in by_id.values())  # the duplicate is the same event
    done = deliveries(scratch_url)
    assert {d.status for d, _ in done} == {DeliveryStatus.succeeded}
    d, log = done[0]
    assert [a.status_code for a in log][-2:] == [500, 200] and log[0].error and "Connect" in log[0].error
    assert log[-1].response_excerpt == "ok" and all(a.duration_ms >= 0 for a in log)


def test_410_disables_the_endpoint_and_re_enabling_delivers(scratch_url):
    clear(scratch_url)
    receiver = Receiver(answer=lambda r: 410)
    with receiving(receiver) as port:
        world = arrange(scratch_url, [f"http://127.0.0.1:{port}/gone"], events=3)
        receiver.secrets = world["secrets"]
        work(scratch_url, until=lambda: len(receiver.received) >= 1, timeout=10)
        sent = len(receiver.received)
        work(scratch_url, until=lambda: False, timeout=0.6)  # retries would be due by now

        sub = subscription(scratch_url)
        assert sub.status is SubscriptionStatus.disabled and "410" in sub.disabled_reason
        assert len(receiver.received) == sent  # nothing more was sent once disabled
        kept = deliveries(scratch_url)
        assert len(kept) == 3 and DeliveryStatus.succeeded not in {d.status for d, _ in kept}  # its events are kept


def test_a_bound_clients_webhook_never_carries_another_agencys_officer(scratch_url):
    clear(scratch_url)
    receiver = Receiver()
    with receiving(receiver) as port:
        world = arrange(scratch_url, [f"http://127.0.0.1:{port}/bound"], events=6, owner="bound", agencies=("A", "B"))
        receiver.secrets = world["secrets"]
        ours = world["events"][0::2]
        work(scratch_url, until=lambda: set(receiver.ids()) >= set(ours), timeout=10)
        work(scratch_url, until=lambda: False, timeout=0.3)
    got = receiver.received
    assert sorted(r.webhook_id for r in got) == sorted(ours) and all(r.verified for r in got)
    assert {r.event["data"]["agency_id"] for r in got} == {str(world["agencies"][0])}


def test_a_rotated_secret_signs_with_both(scratch_url):
    clear(scratch_url)
    receiver = Receiver()
    with receiving(receiver) as port:
        world = arrange(scratch_url, [f"http://127.0.0.1:{port}/rot"], events=0)

        async def rotate():
            engine = make_engine(scratch_url)
            from domain.webhooks.service import rotate_secret

            async with make_sessionmaker(engine)() as session, session.begin():
                sub = await session.scalar(select(WebhookSubscription))
                secret, _ = await rotate_secret(
                    session,
                    principal=Principal(id=sub.owner_id, name="a", role=Role.admin),
                    webhook_id=sub.id,
                    overlap_hours=24,
                )
                emit(
                    session,
                    "module.status_changed",
                    resource_id=uuid.uuid4(),
                    data={"status": "open", "previous_status": "planned"},
                )
            await engine.dispose()
            return secret

        new = asyncio.run(rotate())
        old = world["secrets"]["/rot"]
        receiver.secrets = {"/rot": new}
        work(scratch_url, until=lambda: len(receiver.received) >= 1, timeout=10)
    got = receiver.received[0]
    assert got.verified and got.signatures == 2  # verified with the new secret...
    Webhook(old).verify(got.body, got.headers)  # ... and the old one verifies it too (raises otherwise)


def _spawn(url: str, name: str, **env: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONUNBUFFERED": "1",
        **{k.upper(): str(v) for k, v in FAST.items()},
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "api.worker", "--name", name, "--idle-exit", "2"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@postgres_only
def test_two_workers_deliver_each_event_once_per_subscription(scratch_url):
    clear(scratch_url)
    receiver = Receiver(delay=0.01)
    with receiving(receiver) as port:
        world = arrange(scratch_url, [f"http://127.0.0.1:{port}/a", f"http://127.0.0.1:{port}/b"], events=40)
        receiver.secrets = world["secrets"]
        workers = [_spawn(scratch_url, f"w{i}") for i in (1, 2)]
        outputs = [w.communicate(timeout=40)[0] for w in workers]
    for path in ("/a", "/b"):
        assert sorted(receiver.ids(path)) == sorted(world["events"]), outputs  # each event once per subscription
    assert all(r.verified for r in receiver.received)
    counts = [int(o.rsplit("delivered ", 1)[1].split()[0]) for o in outputs]
    assert sum(counts) == 80 and all(c > 0 for c in counts), outputs  # they shared the work


def test_a_worker_killed_mid_batch_loses_nothing(scratch_url):
    clear(scratch_url)
    receiver = Receiver(delay=0.4)
    with receiving(receiver) as port:
        world = arrange(scratch_url, [f"http://127.0.0.1:{port}/k"], events=12)
        receiver.secrets = world["secrets"]
        victim = _spawn(scratch_url, "victim")
        deadline = time.monotonic() + 20
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.02)
        assert receiver.received, "the worker never started sending"
        victim.send_signal(signal.SIGKILL)  # mid-batch: it claimed 10 and is sending them
        killed_at = time.monotonic()
        victim.wait(timeout=10)
        victim.stdout.close()
        seen_before = set(receiver.ids())
        assert len(seen_before) < 12
        # The claims come back after their lease (3 s here); another worker delivers everything,
        # the ones the victim was sending included (it never recorded them).
        work(
            scratch_url,
            until=lambda: set(receiver.ids()) == set(world["events"]) and time.monotonic() > killed_at + 4.5,
            timeout=20,
        )
    assert set(receiver.ids()) == set(world["events"])
    twice = [i for i, n in Counter(receiver.ids()).items() if n > 1]
    assert set(twice) >= seen_before  # at least once: sent again under the same webhook-id
    assert {d.status for d, _ in deliveries(scratch_url)} == {DeliveryStatus.succeeded}


def test_sigterm_stops_a_worker_cleanly(scratch_url):
    clear(scratch_url)
    worker = _spawn(scratch_url, "polite")
    assert "delivering webhooks" in worker.stdout.readline()  # its signal handlers are in place
    worker.send_signal(signal.SIGTERM)
    out, _ = worker.communicate(timeout=10)
    assert worker.returncode == 0 and "polite: stopped" in out


def test_an_endpoint_failing_for_5_days_is_disabled_with_its_reason(scratch_url):
    clear(scratch_url)
    receiver = Receiver(answer=lambda r: 503)
    with receiving(receiver) as port:
        world = arrange(scratch_url, [f"http://127.0.0.1:{port}/sick"], events=1)
        receiver.secrets = world["secrets"]

        async def failing_since(days: float):
            engine = make_engine(scratch_url)
            async with make_sessionmaker(engine)() as session, session.begin():
                sub = await session.scalar(select(WebhookSubscription))
                sub.failing_since = datetime.now(UTC) - timedelta(days=days)
            await engine.dispose()

        asyncio.run(failing_since(4.9))
        work(scratch_url, until=lambda: len(receiver.received) >= 1, timeout=10)
        asyncio.run(failing_since(5.01))
        work(scratch_url, until=lambda: len(receiver.received) >= 2, timeout=10)

        sub = subscription(scratch_url)
    assert sub.status is SubscriptionStatus.disabled
    assert sub.disabled_reason.startswith("every attempt failed since") and "503" in sub.disabled_reason
    assert {d.status for d, _ in deliveries(scratch_url)} == {DeliveryStatus.pending}  # kept for when it is enabled
