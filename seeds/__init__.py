"""Seed data: `python -m seeds reference` (disciplines, agencies) or `python -m seeds demo`
(reference + the demo programmes, cycles, modules, sessions and fictional officers).

Idempotent: records are looked up by natural key first, so running twice creates nothing.
Writes go through the domain services; `load` only flushes, the caller commits."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from seeds.tally import Tally

if TYPE_CHECKING:
    from domain.certificates.service import Signer

WHICH = ("reference", "demo")


async def load(
    session: AsyncSession,
    which: str,
    *,
    today: date | None = None,
    now: datetime | None = None,
    signer: Signer | None = None,
) -> Tally:
    """Load `which` ("reference" or "demo", which implies reference) into the session's
    transaction. `today` decides module statuses (default: today in Baghdad); `now` places the
    module running now (seeds/live.py; default: now in Baghdad, or noon of `today` when given);
    `signer` (the API's key ring) signs the demo's certificates (seeds/showcase.py: none without it)."""
    from domain.notifications.hook import quiet
    from seeds.demo import load_demo
    from seeds.reference import load_reference

    if which not in WHICH:
        raise ValueError(f"which must be one of {WHICH}, not {which!r}")
    tally = Tally()
    # The demo's history (modules opened, people accepted, certificates issued years ago) sends no
    # message: messages are decided for what people do from now on (domain/notifications).
    quiet(session)
    agency_ids = await load_reference(session, tally)
    if which == "demo":
        baghdad = ZoneInfo("Asia/Baghdad")
        if now is None:
            now = datetime.combine(today, time(12), tzinfo=baghdad) if today else datetime.now(baghdad)
        await load_demo(session, tally, agency_ids, today or now.date(), now.astimezone(baghdad), signer)
    return tally
