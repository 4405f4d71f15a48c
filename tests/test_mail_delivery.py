"""The mail worker killed mid-send (a real `python -m api.worker` process, SIGKILL) and another
taking over: every message is delivered, under one Message-ID each, and the copies a kill makes
are counted at each point. On a scratch database of its own (committed data), dropped afterwards.

What SMTP allows: a message the server accepted before the worker recorded it is sent again when
the lease runs out (the server cannot be asked whether it has it); the copy carries the same
Message-ID, the message's idempotency key, so the receiving side can recognise it. A worker
killed before the server accepted the message causes no copy."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest
from sqlalchemy import delete, select

from domain.auth.principal import Role
from domain.db import make_engine, make_sessionmaker, utcnow
from domain.models.auth import User
from domain.models.notifications import Message, MessageStatus
from tests.conftest import ROOT, migrate, scratch_database
from tests.smtp_inbox import Inbox, smtp_server

MESSAGES = 3
FAST = {
    "MAIL_POLL_SECONDS": "0.05",
    "MAIL_TIMEOUT_SECONDS": "3",  # the lease is this and 2 s: 5 s
    "MAIL_LEASE_SECONDS": "1",
    "MAIL_RETRY_SCHEDULE": "0.2,0.2,0.2",
    "WEBHOOK_POLL_SECONDS": "0.2",
}


@pytest.fixture(scope="module")
def scratch_url():
    with scratch_database("mail") as url:
        migrate(url)
        yield url


def arrange(url: str) -> list[uuid.UUID]:
    """MESSAGES pending messages, each to an account with an address (committed)."""

    async def run() -> list[uuid.UUID]:
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine)() as session, session.begin():
                await session.execute(delete(Message))
                ids = []
                for i in range(MESSAGES):
                    user = User(
                        username=f"fp-{uuid.uuid4().hex[:8]}",
                        password_hash="!",
                        role=Role.observer,
                        disabled=False,
                        email=f"person{i}@example.org",
                    )
                    user.programmes = []
                    session.add(user)
                    await session.flush()
                    message = Message(
                        cause_key=f"test:{uuid.uuid4()}",
                        kind="call_for_nominations",
                        audience="focal_point",
                        user_id=user.id,
                        language="ar",
                        to_address=user.email,
                        subject=f"دعوة للترشيح {i}",
                        body="باب الترشيح مفتوح.\n",
                        status=MessageStatus.pending,
                        attempts=0,
                        next_attempt_at=utcnow(),
                        created_at=utcnow(),
                    )
                    session.add(message)
                    await session.flush()
                    ids.append(message.id)
                return ids
        finally:
            await engine.dispose()

    return asyncio.run(run())


def stored(url: str) -> list[Message]:
    async def run() -> list[Message]:
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine)() as session:
                return list(await session.scalars(select(Message)))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def spawn(url: str, port: int, name: str, idle_exit: float) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "SMTP_URL": f"smtp://127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
        **FAST,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "api.worker", "--name", name, "--idle-exit", str(idle_exit)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def killed_then_taken_over(url: str, inbox: Inbox, port: int) -> tuple[list[uuid.UUID], str]:
    ids = arrange(url)
    victim = spawn(url, port, "victim", idle_exit=30)
    assert inbox.held.wait(timeout=30), "the worker never reached the server"
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    victim.stdout.close()
    # Its claims are 'sending' until the lease runs out; then another worker takes them over.
    heir = spawn(url, port, "heir", idle_exit=60)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and {m.status for m in stored(url)} != {MessageStatus.sent}:
        time.sleep(0.2)
    heir.send_signal(signal.SIGTERM)  # stops cleanly once its round is done
    output = heir.communicate(timeout=30)[0]
    return ids, output


@pytest.mark.parametrize(
    ("point", "copies"),
    [
        ("before the server accepted (held at RCPT)", 0),
        ("after the server accepted, before the worker recorded it", 1),
    ],
)
def test_a_worker_killed_mid_send_delivers_each_message_with_a_stable_message_id(scratch_url, point, copies):
    inbox = Inbox()
    if point.startswith("before"):
        inbox.hold_at_rcpt = 2.5
    else:
        inbox.hold_after_data = 2.5
    with smtp_server(inbox) as (inbox, port):
        started = time.monotonic()
        ids, output = killed_then_taken_over(scratch_url, inbox, port)
        elapsed = time.monotonic() - started
    messages = {m.id: m for m in stored(scratch_url)}
    assert {m.status for m in messages.values()} == {MessageStatus.sent}, output
    per_id = Counter(r.message_id for r in inbox.received)
    # Every message delivered, each under its own Message-ID: <message id@sender's domain>.
    assert set(per_id) == {f"<{i}@tadrib.invalid>" for i in ids}, output
    # The copies a kill at this point makes: none before acceptance, one after (same Message-ID).
    assert sum(per_id.values()) - len(ids) == copies, (point, per_id, output)
    for received in inbox.received:
        assert received.message["Subject"].startswith("دعوة للترشيح")
    print(f"\nkilled {point}: {len(ids)} messages, {copies} copy(ies), taken over in {elapsed:.1f} s")
