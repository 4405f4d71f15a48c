"""The delivery worker: dispatch, claim, send (signed, concurrently), record; round after round
until told to stop. Sends happen outside any transaction; each step's transaction is short."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.db import Sessions, utcnow
from domain.events import feed
from domain.events.models import OutboxEvent
from domain.settings import Settings
from domain.webhooks import queue, signing, targets
from domain.webhooks.models import DeliveryStatus, SubscriptionStatus, WebhookAttempt, WebhookSubscription
from domain.webhooks.owners import owner_principal

log = logging.getLogger("tadrib.worker")
EXCERPT_BYTES = 500
PRUNE_EVERY_S = 600


@dataclass
class Job:
    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    attempts: int
    url: str = ""
    secrets: list[str] = field(default_factory=list)
    msg_id: str = ""
    body: bytes = b""
    missing: str | None = None  # why it cannot be sent (the event expired)


@dataclass
class Outcome:
    status_code: int | None
    duration_ms: int
    excerpt: str | None
    error: str | None
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            return None


class Worker:
    def __init__(self, engine: AsyncEngine, settings: Settings, *, name: str = "worker"):
        self.engine, self.settings, self.name = engine, settings, name
        self.sessions = Sessions(engine)
        # A lease outlasts any send (bounded by the timeout, in total) with room to record it: no two
        # workers ever hold one delivery at once.
        self.lease = max(settings.webhook_lease_seconds, settings.webhook_timeout_seconds + 2)
        self.delivered = 0
        self._last_prune = 0.0

    async def _prepare(self, session: AsyncSession, deliveries: list[Any]) -> list[Job]:
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
                    bodies[env["id"]] = json.dumps(env, default=str, separators=(",", ":")).encode()
            secrets = [subscription.secret]
            if (
                subscription.previous_secret
                and subscription.previous_secret_until
                and subscription.previous_secret_until > now
            ):
                secrets.append(subscription.previous_secret)
            for d in mine:
                job = Job(d.id, sub_id, d.attempts, url=subscription.url, secrets=secrets, msg_id=str(d.event_id))
                if d.event_id in bodies:
                    job.body = bodies[d.event_id]
                else:
                    job.missing = "the event is no longer kept or no longer visible to the subscription's owner"
                jobs.append(job)
        return jobs

    async def _send(self, client: httpx.AsyncClient, job: Job) -> Outcome:
        started = time.monotonic()
        try:
            await targets.check_target(job.url, allow_private=self.settings.private_webhook_targets)
            headers = signing.headers(job.secrets, job.msg_id, int(time.time()), job.body)
            response = await asyncio.wait_for(
                client.post(job.url, content=job.body, headers=headers), timeout=self.settings.webhook_timeout_seconds
            )
            excerpt = response.content[:EXCERPT_BYTES].decode("utf-8", "replace")
            duration = int((time.monotonic() - started) * 1000)
            error = None
            if 300 <= response.status_code < 400:
                error = "redirects are not followed: a 3xx counts as a failure"
            return Outcome(
                response.status_code, duration, excerpt, error, _retry_after(response.headers.get("retry-after"))
            )
        except Exception as exc:  # a refused target, a timeout, a reset: all are failed attempts
            return Outcome(None, int((time.monotonic() - started) * 1000), None, f"{type(exc).__name__}: {exc}"[:500])

    async def _record(
        self,
        session: AsyncSession,
        token: uuid.UUID,
        job: Job,
        outcome: Outcome,
        subscriptions: dict[uuid.UUID, WebhookSubscription | None],
    ) -> None:
        now = utcnow()
        if job.subscription_id not in subscriptions:  # locked once per round, not once per delivery
            subscriptions[job.subscription_id] = await session.get(
                WebhookSubscription, job.subscription_id, with_for_update=feed.is_postgres(session)
            )
        subscription = subscriptions[job.subscription_id]
        if subscription is None:
            return
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
                response_excerpt=outcome.excerpt,
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

    async def _prune(self) -> None:
        if time.monotonic() - self._last_prune < PRUNE_EVERY_S:
            return
        self._last_prune = time.monotonic()
        cutoff = utcnow() - timedelta(days=self.settings.events_retention_days)
        async with self.sessions() as session, session.begin():
            await session.execute(delete(OutboxEvent).where(OutboxEvent.occurred_at < cutoff))

    async def round(self, client: httpx.AsyncClient) -> int:
        """One round; returns how many deliveries it attempted."""
        await self._prune()
        async with self.sessions() as session, session.begin():
            await queue.dispatch(session)
        async with self.sessions() as session, session.begin():
            token, deliveries = await queue.claim(
                session, limit=self.settings.webhook_batch_size, lease_seconds=self.lease
            )
            jobs = await self._prepare(session, deliveries) if deliveries else []
        if not jobs:
            return 0
        missing = Outcome(None, 0, None, "not sent: the event is no longer kept or visible")
        outcomes = await asyncio.gather(*(self._send(client, j) if not j.missing else _done(missing) for j in jobs))
        async with self.sessions() as session, session.begin():
            subscriptions: dict[uuid.UUID, WebhookSubscription | None] = {}
            for job, outcome in zip(jobs, outcomes, strict=True):
                await self._record(session, token, job, outcome, subscriptions)
        return len(jobs)

    async def run(self, stop: asyncio.Event, *, idle_exit: float | None = None) -> None:
        """Rounds until `stop` is set (the current round finishes first: SIGTERM loses nothing).
        `idle_exit`: also stop after that many seconds with nothing to do (tests, bench)."""
        idle_since = time.monotonic()
        timeout = httpx.Timeout(self.settings.webhook_timeout_seconds)
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            while not stop.is_set():
                try:
                    done = await self.round(client)
                except Exception:  # the database restarting, say: log, wait, go on; claims come back after their lease
                    log.exception("%s: delivery round failed", self.name)
                    done = 0
                if done:
                    idle_since = time.monotonic()
                    continue
                if idle_exit is not None and time.monotonic() - idle_since > idle_exit:
                    return
                try:
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.webhook_poll_seconds)
                except TimeoutError:
                    pass


async def _done(outcome: Outcome) -> Outcome:
    return outcome
