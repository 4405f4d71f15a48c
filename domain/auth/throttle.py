"""Failed sign-ins, limited so that nobody can lock another person out.

A lockout per user name (five wrong passwords and the account waits) lets any stranger lock out
an administrator. Failures are counted per user name and client address instead:

- Pair: from one address, a user name has `sign_in_free_failures` wrong attempts; after that each
  further attempt from that address waits 1, 2, 4, 8... seconds after the one before, at most
  `sign_in_max_delay_seconds`. Other addresses are not touched: the administrator signs in from
  their own desk while a stranger guesses elsewhere.
- Address: `sign_in_address_max_failures` failures from one address across all user names
  (spraying one password over many names), then every attempt from it is refused until its
  failures age out of the window.
- User name: guessed at from many addresses (`sign_in_user_name_failures` failures in all), a name
  loses the free attempts: every address that has failed for it waits from its first failure. An
  address with no failure for that name is never slowed down, so the right password from a fresh
  address always gets in.

Every attempt is counted before the password is checked (one UPSERT that locks the pair's row on
PostgreSQL, so that parallel guesses from one pair queue up instead of slipping past the count);
a success forgets its own pair only, and a refused attempt stays counted (a client hammering
through its wait only lengthens it). Failures are forgotten `sign_in_window_hours` after a pair's
last one. All of it lives in the database: several API processes share it. IPv6 addresses count
by their /64, which one host commonly holds whole."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func, null, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import table_of, utcnow
from domain.errors import TooManyRequests
from domain.i18n import translatable
from domain.ids import uuid7
from domain.models.auth import SignInFailures
from domain.settings import Settings

F = table_of(SignInFailures).c
PURGE_BATCH = 50  # forgotten rows deleted per attempt: the attempts clean up after themselves


def address_key(host: str) -> str:
    """The address failures count by: an IPv4 address (IPv4-mapped IPv6 too), or an IPv6 /64."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def delay_seconds(failures: int, *, free: int, cap: int) -> int:
    """How long after the last of `failures` failures the next attempt waits: nothing for the
    first `free`, then 1, 2, 4... seconds, at most `cap`."""
    if failures < free:
        return 0
    return min(cap, 1 << min(failures - free, 32))


@dataclass(frozen=True)
class Standing:
    """What was counted before this attempt: its pair's failures and when the last was, the user
    name's failures from every address, and the address's failures for every user name."""

    pair: int
    pair_last_at: datetime | None
    user_name: int
    address: int
    address_oldest_at: datetime | None


def refusal(standing: Standing, *, settings: Settings, now: datetime) -> tuple[str, int] | None:
    """Why this attempt is refused and after how many seconds to try again, or None to let it in.
    The wait told is the one that holds once this attempt is counted too."""
    window = timedelta(hours=settings.sign_in_window_hours)
    if standing.address >= settings.sign_in_address_max_failures:
        oldest = standing.address_oldest_at or now
        return "from this address", max(1, int((oldest + window - now).total_seconds()) + 1)
    under_attack = standing.user_name >= settings.sign_in_user_name_failures
    free = 1 if under_attack else settings.sign_in_free_failures
    wait = delay_seconds(standing.pair, free=free, cap=settings.sign_in_max_delay_seconds)
    if wait and standing.pair_last_at is not None and now < standing.pair_last_at + timedelta(seconds=wait):
        return "for this user name from this address", delay_seconds(
            standing.pair + 1, free=free, cap=settings.sign_in_max_delay_seconds
        )
    return None


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table_of(SignInFailures))


async def admit(session: AsyncSession, *, settings: Settings, username: str, address: str) -> str:
    """Count this attempt as a failure (`succeeded` takes it back), then refuse it with a 429 if
    it comes too soon; the count stays either way. Returns the address key it was counted by."""
    now = utcnow()
    since = now - timedelta(hours=settings.sign_in_window_hours)
    key = address_key(address)
    forgotten = F.last_at <= since
    counted = await session.execute(
        _insert(session)
        .values(id=uuid7(), username=username, address=key, failures=1, last_at=now, previous_at=None)
        .on_conflict_do_update(
            index_elements=[F.username, F.address],
            set_={
                "failures": case((forgotten, 1), else_=F.failures + 1),
                "previous_at": case((forgotten, null()), else_=F.last_at),
                "last_at": now,
            },
        )
        .returning(F.failures, F.previous_at)
    )
    failures, previous_at = counted.one()
    by_user_name, by_address, address_oldest_at = (
        await session.execute(
            select(
                func.coalesce(func.sum(case((F.username == username, F.failures), else_=0)), 0),
                func.coalesce(func.sum(case((F.address == key, F.failures), else_=0)), 0),
                func.min(case((F.address == key, F.last_at))),
            ).where(F.last_at > since, or_(F.username == username, F.address == key))
        )
    ).one()
    await _purge(session, since)
    standing = Standing(failures - 1, previous_at, by_user_name - 1, by_address - 1, address_oldest_at)
    refused = refusal(standing, settings=settings, now=now)
    if refused is not None:
        why, retry_after = refused
        if why == "from this address":
            detail = translatable(
                "Too many failed sign-ins from this address; try again in {seconds} seconds.", seconds=retry_after
            )
        else:
            detail = translatable(
                "Too many failed sign-ins for this user name from this address; try again in {seconds} seconds.",
                seconds=retry_after,
            )
        # The token endpoint speaks OAuth: its errors carry an `error` code, this one too (in English:
        # RFC 6749 keeps error_description to ASCII).
        raise TooManyRequests(
            detail,
            retry_after=retry_after,
            keep_changes=True,
            error="temporarily_unavailable",
            error_description=str(detail),
        )
    return key


async def succeeded(session: AsyncSession, *, username: str, address_key: str) -> None:
    """The right password: this pair's failures are forgotten (nobody else's)."""
    await session.execute(delete(SignInFailures).where(F.username == username, F.address == address_key))


async def _purge(session: AsyncSession, since: datetime) -> None:
    """Delete a few forgotten rows. On PostgreSQL rows another attempt holds are skipped."""
    stale = select(F.id).where(F.last_at <= since).limit(PURGE_BATCH).with_for_update(skip_locked=True)
    await session.execute(
        delete(SignInFailures).where(F.id.in_(stale.scalar_subquery())).execution_options(synchronize_session=False)
    )
