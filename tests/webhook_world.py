"""The world of the webhook delivery tests: a scratch database's subscriptions and committed
events, in-process workers that reach loopback only, and what they stored."""

from __future__ import annotations

import asyncio
import time
import uuid
from ipaddress import ip_network

import httpx
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain.agencies.schemas import AgencyCreate
from domain.agencies.service import create_agency
from domain.auth.principal import Principal, Role
from domain.db import Sessions, make_engine, make_sessionmaker
from domain.models.agencies import AgencyKind
from domain.models.auth import ApiClient, User
from domain.models.events import OutboxEvent
from domain.models.webhooks import WebhookDelivery, WebhookSubscription
from domain.outbox.service import emit
from domain.settings import Settings
from domain.webhooks.schemas import WebhookCreate
from domain.webhooks.service import create_webhook
from domain.webhooks.worker import Worker
from tests.conftest import make_settings
from tests.need_to_know_guard import NeedToKnowGuard
from tests.servers import TLS
from tests.webhook_receiver import LoopbackOnly

FAST = {
    "webhook_retry_schedule": "0.1,0.2,0.3,0.3,0.3,0.3",
    "webhook_retry_jitter": 0.2,
    "webhook_poll_seconds": 0.05,
    "webhook_timeout_seconds": 2.0,
    "webhook_lease_seconds": 3.0,
    "webhook_batch_size": 10,
    "webhook_allowed_networks": "127.0.0.0/8",  # the test receivers; nothing else is ever reached (LoopbackOnly)
}
LOOPBACK = (ip_network("127.0.0.0/8"),)


def settings(url: str, **extra) -> Settings:
    return make_settings(url, **(FAST | extra))


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
                secrets, subscriptions = {}, {}
                for hook in hooks:
                    sub, secret = await create_webhook(
                        session, principal=principal, data=WebhookCreate(url=hook), allowed_networks=LOOPBACK
                    )
                    secrets[httpx.URL(hook).path] = secret
                    subscriptions[httpx.URL(hook).path] = str(sub.id)
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
                    ids.append(
                        str(await session.scalar(select(OutboxEvent.id).order_by(OutboxEvent.position.desc()).limit(1)))
                    )
            return {"secrets": secrets, "events": ids, "agencies": made, "subscriptions": subscriptions}
        finally:
            await engine.dispose()

    return asyncio.run(run())


def work(url: str, until, *, timeout: float = 20, ssl_context=TLS, **extra) -> Worker:
    """Run one in-process worker (its own loop, as `python -m api.worker` runs it) until `until()`
    holds or the timeout; its lanes finish first. It connects through LoopbackOnly: the test fails
    if it ever tried another address, or sent a statement that bypasses need-to-know
    (tests/need_to_know_guard.py)."""
    network = LoopbackOnly()

    async def run() -> Worker:
        engine = make_engine(url)
        stop = asyncio.Event()
        try:
            worker = Worker(Sessions(engine), settings(url, **extra), network=network, ssl_context=ssl_context)
            async with worker:
                running = asyncio.create_task(worker.run(stop))
                deadline = time.monotonic() + timeout
                # `until` in a thread of its own: it may read the database with asyncio.run.
                while not await asyncio.to_thread(until) and time.monotonic() < deadline and not running.done():
                    await asyncio.sleep(0.02)
                stop.set()
                await running
            worker.network = network  # type: ignore[attr-defined]  # for the tests that look at connections
            return worker
        finally:
            await engine.dispose()

    with NeedToKnowGuard(everywhere=True) as guard:  # every statement it sends is watched for need-to-know
        worker = asyncio.run(run())
    assert network.outside == [], f"a worker tried to reach {network.outside}"
    assert not guard.bypasses, "the worker's queries that bypass domain/access:\n" + "\n".join(guard.bypasses)
    return worker


def deliveries(url: str) -> list[tuple[WebhookDelivery, list]]:
    async def run():
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine)() as session:
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


def emit_events(url: str, n: int) -> list[tuple[str, float]]:
    """`n` events committed one by one: each id, with when its transaction had committed."""

    async def run() -> list[tuple[str, float]]:
        engine = make_engine(url)
        made = []
        try:
            for _ in range(n):
                async with make_sessionmaker(engine)() as session, session.begin():
                    emit(
                        session,
                        "module.status_changed",
                        resource_id=uuid.uuid4(),
                        data={"status": "open", "previous_status": "planned"},
                    )
                committed = time.monotonic()
                async with make_sessionmaker(engine)() as session:
                    event = await session.scalar(select(OutboxEvent.id).order_by(OutboxEvent.position.desc()).limit(1))
                made.append((str(event), committed))
            return made
        finally:
            await engine.dispose()

    return asyncio.run(run())


def set_url(url: str, path: str, target: str) -> None:
    """Point the subscription made for `path` elsewhere behind the API's back (as a DNS change would)."""

    async def run() -> None:
        engine = make_engine(url)
        try:
            async with make_sessionmaker(engine)() as session, session.begin():
                for sub in await session.scalars(select(WebhookSubscription)):
                    if httpx.URL(sub.url).path == path:
                        sub.url = target
        finally:
            await engine.dispose()

    asyncio.run(run())
