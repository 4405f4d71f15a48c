"""The delivery worker: dispatch, claim, send (signed), record; round after round until told to
stop. Sends happen outside any transaction; each step's transaction is short.

Endpoints run independently: the deliveries a round claims for one subscription form a lane, a
task of its own that sends them concurrently (sending.py) and records them in one transaction as
soon as they are done. Meanwhile the next rounds claim work for the other subscriptions only (a
subscription with a running lane is skipped), so a slow receiver holds up its own deliveries and
no one else's."""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Self

import httpcore
import httpx
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.events import feed
from domain.events.schemas import EventRead
from domain.models.events import OutboxEvent
from domain.models.webhooks import (
    AttemptError,
    DeliveryStatus,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from domain.settings import Settings
from domain.webhooks import pinning, queue, sending
from domain.webhooks.owners import owner_principal

log = logging.getLogger("tadrib.worker")
PRUNE_EVERY_S = 600
LEASE_MARGIN_S = 2  # beyond the timeout: to prepare the sends and record them
BUSY_POLL_S = 0.25  # how often, at most, a worker whose lanes are running looks for other endpoints' work


@dataclass
class Job:
    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    attempts: int
    url: str
    send: sending.Send
    missing: bool = False  # not sent: the event is no longer kept, or no longer visible to the owner


class Worker:
    """`async with Worker(...) as worker: await worker.run(stop)`; or round() and settle() by hand."""

    def __init__(
        self,
        sessions: Callable[[], AsyncSession],
        settings: Settings,
        *,
        name: str = "worker",
        network: httpcore.AsyncNetworkBackend | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ):
        self.sessions, self.settings, self.name = sessions, settings, name
        # A lease outlasts a lane (bounded by the timeout, in total) with room to record it: no two
        # workers ever hold one delivery at once.
        self.lease = max(settings.webhook_lease_seconds, settings.webhook_timeout_seconds + LEASE_MARGIN_S)
        self.delivered = 0
        self._last_prune = 0.0
        self._lanes: dict[uuid.UUID, asyncio.Task[None]] = {}
        self._network, self._ssl_context = network, ssl_context
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Self:
        self._client = pinning.pinned_client(
            timeout=self.settings.webhook_timeout_seconds,
            ssl_context=self._ssl_context or httpx.create_ssl_context(),
            network=self._network,
        )
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.settle()
        if self._client is not None:
            await self._client.aclose()

    async def _prepare(self, session: AsyncSession, deliveries: list[WebhookDelivery]) -> list[Job]:
        subscriptions = {
            s.id: s
            for s in await session.scalars(
                select(WebhookSubscription).where(WebhookSubscription.id.in_({d.subscription_id for d in deliveries}))
            )
        }
        events = {
            e.id: e
            for e in await session.scalars(
                select(OutboxEvent).where(OutboxEvent.id.in_({d.event_id for d in deliveries}))
            )
        }
        jobs: list[Job] = []
        now = utcnow()
        for sub_id, subscription in subscriptions.items():
            owner = await owner_principal(session, subscription)
            mine = [d for d in deliveries if d.subscription_id == sub_id]
            present = [events[d.event_id] for d in mine if d.event_id in events]
            bodies = {}
            if owner is not None and present:
                # Only what the owner may read now: a receiver never gets an event its owner lost sight of.
                seen = set(
                    await session.scalars(
                        select(OutboxEvent.id).where(OutboxEvent.id.in_([e.id for e in present]), feed.visible(owner))
                    )
                )
                shown = [e for e in present if e.id in seen]
                for env in await feed.envelopes(session, principal=owner, events=shown):
                    # The feed's own schema writes the body (RFC 3339 times, as published).
                    bodies[env["id"]] = EventRead.model_validate(env).model_dump_json().encode()
            secrets = [subscription.secret]
            if (
                subscription.previous_secret
                and subscription.previous_secret_until
                and subscription.previous_secret_until > now
            ):
                secrets.append(subscription.previous_secret)
            for d in mine:
                send = sending.Send(str(d.event_id), bodies.get(d.event_id, b""), secrets)
                jobs.append(Job(d.id, sub_id, d.attempts, subscription.url, send, missing=d.event_id not in bodies))
        return jobs

    async def _record(
        self,
        session: AsyncSession,
        token: uuid.UUID,
        job: Job,
        outcome: sending.Outcome,
        subscription: WebhookSubscription,
    ) -> None:
        now = utcnow()
        attempts = job.attempts + 1
        values: dict[str, Any]
        if outcome.ok:
            values = {"status": DeliveryStatus.succeeded, "attempts": attempts, "delivered_at": now}
        elif job.missing:
            values = {"status": DeliveryStatus.failed, "attempts": attempts}
        else:
            when = queue.next_attempt(
                attempts,
                self.settings.retry_delays,
                retry_after=outcome.retry_after,
                jitter=self.settings.webhook_retry_jitter,
                rand=random.random(),
                now=now,
            )
            values = {"status": DeliveryStatus.pending if when else DeliveryStatus.failed, "attempts": attempts}
            if when:
                values["next_attempt_at"] = when
        if not await queue.settle(session, delivery_id=job.delivery_id, token=token, values=values):
            return  # the lease ran out and another worker holds it now: its result counts
        session.add(
            WebhookAttempt(
                delivery_id=job.delivery_id,
                at=now,
                status_code=outcome.status_code,
                duration_ms=outcome.duration_ms,
                error=outcome.error,
            )
        )
        if job.missing:
            return
        if outcome.ok:
            self.delivered += 1
            subscription.failing_since = None
        elif outcome.status_code == 410:
            self._disable(subscription, now, "the endpoint answered 410 Gone")
        else:
            subscription.failing_since = subscription.failing_since or now
            if now - subscription.failing_since >= timedelta(hours=self.settings.webhook_disable_after_hours):
                self._disable(
                    subscription,
                    now,
                    f"every attempt failed since {subscription.failing_since.isoformat()} "
                    f"(last: {outcome.error or outcome.status_code})",
                )

    @staticmethod
    def _disable(subscription: WebhookSubscription, now: datetime, reason: str) -> None:
        if subscription.status is SubscriptionStatus.enabled:
            subscription.status, subscription.disabled_at, subscription.disabled_reason = (
                SubscriptionStatus.disabled,
                now,
                reason[:500],
            )

    async def _lane(self, token: uuid.UUID, jobs: list[Job]) -> None:
        """One subscription's claimed deliveries: sent, then recorded together."""
        assert self._client is not None, "use the worker as an async context manager"
        sendable = [j for j in jobs if not j.missing]
        outcomes = dict.fromkeys((j.delivery_id for j in jobs), sending.Outcome(None, 0, AttemptError.event_gone))
        if sendable:
            sent = await sending.send_all(
                self._client,
                sendable[0].url,
                [j.send for j in sendable],
                allowed=self.settings.webhook_networks,
                timeout=self.settings.webhook_timeout_seconds,
            )
            outcomes.update(zip((j.delivery_id for j in sendable), sent))
        async with self.sessions() as session, session.begin():
            subscription = await session.get(
                WebhookSubscription, jobs[0].subscription_id, with_for_update=feed.is_postgres(session)
            )
            if subscription is None:  # deleted meanwhile: its deliveries went with it
                return
            for job in jobs:
                await self._record(session, token, job, outcomes[job.delivery_id], subscription)

    def _reap(self) -> None:
        for sub_id, lane in list(self._lanes.items()):
            if lane.done():
                del self._lanes[sub_id]
                if not lane.cancelled() and lane.exception() is not None:
                    # The database going away, say: the claims come back after their lease.
                    log.error("%s: recording deliveries failed", self.name, exc_info=lane.exception())

    async def _prune(self) -> None:
        if time.monotonic() - self._last_prune < PRUNE_EVERY_S:
            return
        self._last_prune = time.monotonic()
        cutoff = utcnow() - timedelta(days=self.settings.events_retention_days)
        async with self.sessions() as session, session.begin():
            await session.execute(delete(OutboxEvent).where(OutboxEvent.occurred_at < cutoff))

    async def round(self) -> int:
        """Queue new events, claim the due deliveries of subscriptions without a running lane and
        start their lanes; returns how many deliveries it claimed."""
        self._reap()
        await self._prune()
        async with self.sessions() as session, session.begin():
            await queue.dispatch(session)
        async with self.sessions() as session, session.begin():
            token, deliveries = await queue.claim(
                session, limit=self.settings.webhook_batch_size, lease_seconds=self.lease, skip=set(self._lanes)
            )
            jobs = await self._prepare(session, deliveries) if deliveries else []
        lanes: dict[uuid.UUID, list[Job]] = {}
        for job in jobs:
            lanes.setdefault(job.subscription_id, []).append(job)
        for sub_id, lane_jobs in lanes.items():
            self._lanes[sub_id] = asyncio.create_task(self._lane(token, lane_jobs), name=f"{self.name}:{sub_id}")
        return len(jobs)

    async def settle(self) -> None:
        """Wait for every running lane to send and record."""
        await asyncio.gather(*self._lanes.values(), return_exceptions=True)
        self._reap()

    async def _pause(self, stop: asyncio.Event) -> None:
        """Until a lane finishes (its endpoint may have more), `stop`, or the poll interval (at
        least BUSY_POLL_S while lanes run: their sends need the CPU more than rounds that look for
        other endpoints' work)."""
        stopping = asyncio.ensure_future(stop.wait())
        poll = self.settings.webhook_poll_seconds
        try:
            await asyncio.wait(
                [stopping, *self._lanes.values()],
                timeout=max(poll, BUSY_POLL_S) if self._lanes else poll,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            stopping.cancel()

    async def run(self, stop: asyncio.Event, *, idle_exit: float | None = None) -> None:
        """Rounds until `stop` is set (the lanes running then finish first: SIGTERM loses nothing).
        `idle_exit`: also stop after that many seconds with nothing to do (tests, bench)."""
        idle_since = time.monotonic()
        try:
            while not stop.is_set():
                try:
                    claimed = await self.round()
                except Exception:  # the database restarting, say: log, wait, go on; claims come back after their lease
                    log.exception("%s: delivery round failed", self.name)
                    claimed = 0
                if claimed or self._lanes:
                    idle_since = time.monotonic()
                if claimed >= self.settings.webhook_batch_size:
                    continue  # more may be due now; else the next round waits for a lane or the poll
                if idle_exit is not None and time.monotonic() - idle_since > idle_exit:
                    return
                await self._pause(stop)
        finally:
            await self.settle()
