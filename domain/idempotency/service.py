"""The Idempotency-Key store: claim a key before the request runs, record the answer in the
request's own transaction, release the key when the request's work did not commit.

Claiming and releasing are short transactions of their own (the caller commits them at once), so
a concurrent duplicate sees the claim; on PostgreSQL several API processes agree because the
unique constraint on (principal, key) decides. Services flush; they never commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.idempotency.rules import Verdict, judge
from domain.ids import uuid7
from domain.models.idempotency import IdempotencyKey, KeyState

# Expired keys removed by each claim: enough to keep up with the claims, never a long statement.
PURGE_BATCH = 100


class KeyTakenOver(Exception):
    """The claim's lease ran out and another request with the same key took it over: this
    request's work must not commit (the other one's will)."""


@dataclass(frozen=True)
class Claim:
    id: uuid.UUID
    attempt: uuid.UUID


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    headers: list[list[str]]
    body: bytes | None  # None: not kept (it carried a secret)


@dataclass(frozen=True)
class ClaimResult:
    verdict: Verdict
    claim: Claim | None = None  # when the verdict is start: this request holds the key
    answer: StoredAnswer | None = None  # when the verdict is replay


async def claim_key(
    session: AsyncSession,
    *,
    principal: str,
    key: str,
    fingerprint: str,
    now: datetime,
    lease: timedelta,
    lifetime: timedelta,
) -> ClaimResult:
    """Claim `key` for this request, or say what holds it. The caller commits at once."""
    await purge_expired(session, now=now)
    for _ in range(3):  # a clash with a claim that is then released leaves the key free again
        found = await _on_file(session, principal=principal, key=key)
        if found is None:
            row = IdempotencyKey(principal=principal, key=key)
            _restart(row, fingerprint=fingerprint, now=now, lease=lease, lifetime=lifetime)
            try:
                async with session.begin_nested():
                    session.add(row)
            except IntegrityError:
                continue  # another request claimed it since we looked: read its claim
            return ClaimResult(Verdict.start, claim=Claim(row.id, row.attempt))
        verdict = judge(found, fingerprint=fingerprint, now=now)
        if verdict is Verdict.start:
            _restart(found, fingerprint=fingerprint, now=now, lease=lease, lifetime=lifetime)
            await session.flush()
            return ClaimResult(verdict, claim=Claim(found.id, found.attempt))
        if verdict is Verdict.replay:
            assert found.status is not None and found.headers is not None
            return ClaimResult(verdict, answer=StoredAnswer(found.status, found.headers, found.body))
        return ClaimResult(verdict)
    return ClaimResult(Verdict.in_use)


async def record_answer(
    session: AsyncSession,
    *,
    claim: Claim,
    status: int,
    headers: list[list[str]],
    body: bytes | None,
    now: datetime,
    lifetime: timedelta,
) -> None:
    """Complete the claim with the answer, in the transaction of the work it reports; the key
    is kept `lifetime` from now. Raises KeyTakenOver if the claim is no longer this request's."""
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(IdempotencyKey)
            .where(IdempotencyKey.id == claim.id, IdempotencyKey.attempt == claim.attempt)
            .values(
                state=KeyState.completed,
                locked_until=None,
                expires_at=now + lifetime,
                status=status,
                headers=headers,
                body=body,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise KeyTakenOver(f"the Idempotency-Key claim {claim.id} was taken over by another request")


async def release_key(session: AsyncSession, *, claim: Claim) -> None:
    """Free the key of a request whose work did not commit, unless someone else holds it now."""
    await session.execute(
        delete(IdempotencyKey)
        .where(
            IdempotencyKey.id == claim.id,
            IdempotencyKey.attempt == claim.attempt,
            IdempotencyKey.state == KeyState.processing,
        )
        .execution_options(synchronize_session=False)
    )


async def purge_expired(session: AsyncSession, *, now: datetime, limit: int = PURGE_BATCH) -> int:
    """Delete up to `limit` expired keys, oldest first. On PostgreSQL rows another claim is
    purging are skipped rather than waited for (SKIP LOCKED); SQLite has one writer anyway."""
    expired = (
        select(IdempotencyKey.id)
        .where(IdempotencyKey.expires_at <= now)
        .order_by(IdempotencyKey.expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    result = cast(
        CursorResult[Any],
        await session.execute(
            delete(IdempotencyKey)
            .where(IdempotencyKey.id.in_(expired.scalar_subquery()))
            .execution_options(synchronize_session=False)
        ),
    )
    return int(result.rowcount)


async def _on_file(session: AsyncSession, *, principal: str, key: str) -> IdempotencyKey | None:
    stmt = (
        select(IdempotencyKey)
        .where(IdempotencyKey.principal == principal, IdempotencyKey.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return cast(IdempotencyKey | None, await session.scalar(stmt))


def _restart(row: IdempotencyKey, *, fingerprint: str, now: datetime, lease: timedelta, lifetime: timedelta) -> None:
    """Make `row` a fresh claim for this request: a new attempt, a lease, no answer yet."""
    row.fingerprint = fingerprint
    row.state = KeyState.processing
    row.attempt = uuid7()
    row.locked_until = now + lease
    row.created_at = now
    row.expires_at = now + lifetime
    row.status, row.headers, row.body = None, None, None
