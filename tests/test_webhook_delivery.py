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

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from domain.auth.principal import Principal, Role
from domain.db import is_sqlite, make_engine, make_sessionmaker
from domain.models.webhooks import DeliveryStatus, SubscriptionStatus, WebhookSubscription
from domain.outbox.service import emit
from tests.conftest import DATABASE_URL, ROOT, migrate, scratch_database
from tests.servers import free_port
from tests.webhook_receiver import Receiver, receiving
from tests.webhook_world import FAST, arrange, clear, deliveries, subscription, work


@pytest.fixture(scope="module")
def scratch_url():
    with scratch_database("webhooks") as url:
        migrate(url)
        yield url


postgres_only = pytest.mark.skipif(is_sqlite(DATABASE_URL), reason="several workers share the work on PostgreSQL only")


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
    assert [a.status_code for a in log][-2:] == [500, 200] and log[0].error == "connect-failed"
    assert log[-1].error is None and all(a.duration_ms >= 0 for a in log)


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
