"""The focal point's workspace at work: a CT PHARE course open for nominations, dated from the day
the seed first runs, for which the demo focal point of the Ministry of Interior (focal.moi,
seeds/accounts.py) has officers of both sexes not yet nominated, and a quota of six seats. Nobody is
nominated yet: that is the demo's to do (sign in as focal.moi, open the call, tick two officers,
watch the women's-share meter move).

- PHARE-07 (open, no vetting): its nomination deadline in ten days, its two sessions in three weeks
  at the EUAM Iraq premises; capacity 16, the Ministry of Interior's quota 6 (its sub-units
  included), the Federal Intelligence and Investigation Agency's 4.

A later run finds the module by its code and changes nothing."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalogue.models import Module, ModuleFormat, ModuleStatus
from domain.catalogue.module_service import create_module
from domain.catalogue.schemas import ModuleCreate, ModuleTransition, SessionCreate
from domain.catalogue.session_service import create_session
from domain.cycles.models import Cycle
from domain.enrolment.lifecycle import transition_module
from domain.enrolment.quotas import put_quotas
from domain.enrolment.schemas import QuotaSet, QuotasPut
from seeds.tally import SEED, Tally

TZ = ZoneInfo("Asia/Baghdad")
CODE = "PHARE-07"
TITLE = "Following the money: financial investigation of armed groups, a course for analysts"


def _working(cycle: Cycle, day: date) -> date:
    holidays = {h["date"] for h in cycle.holidays}
    while day.strftime("%A").lower() not in cycle.working_days or day.isoformat() in holidays:
        day += timedelta(days=1)
    return day


def _at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=TZ)


async def load_focal_call(
    session: AsyncSession,
    tally: Tally,
    cycles: dict[str, Cycle],
    venues: dict[str, uuid.UUID],
    trainers: dict[str, uuid.UUID],
    agencies: dict[str, uuid.UUID],
) -> None:
    """Dated from the real day (the nomination rules read the clock)."""
    cycle = cycles["phare"]
    if await session.scalar(select(Module.id).where(Module.cycle_id == cycle.id, Module.code == CODE)):
        tally.found("focal call")
        return
    today = datetime.now(TZ).date()
    module = await create_module(
        session,
        principal=SEED,
        data=ModuleCreate(
            cycle_id=cycle.id,
            code=CODE,
            title=TITLE,
            discipline="criminal-intelligence-analysis",
            format=ModuleFormat.course,
            capacity=16,
            venue_id=venues["euam"],
            languages=["ar", "en"],
            interpretation=True,
            nomination_deadline=_at(today + timedelta(days=10), "16:00"),
        ),
    )
    first = _working(cycle, today + timedelta(days=21))
    second = _working(cycle, first + timedelta(days=1))
    experts = [trainers[k] for k in ("es-ilp", "be-digital") if k in trainers]
    for n, day in enumerate((first, second), start=1):
        await create_session(
            session,
            principal=SEED,
            module_id=module.id,
            data=SessionCreate(
                title=f"Day {n}: " + ("Tracing funds and front companies" if n == 1 else "Case exercise and review"),
                starts_at=_at(day, "09:00"),
                ends_at=_at(day, "13:00"),
                venue_id=venues["euam"],
                trainer_ids=experts[n - 1 : n],
            ),
        )
    for status in (ModuleStatus.planned, ModuleStatus.open):
        await transition_module(session, principal=SEED, module_id=module.id, data=ModuleTransition(to=status))
    quotas = [QuotaSet(agency_id=agencies["moi"], seats=6)]
    if "fiia" in agencies:
        quotas.append(QuotaSet(agency_id=agencies["fiia"], seats=4))
    await put_quotas(session, principal=SEED, module_id=module.id, data=QuotasPut(quotas=quotas))
    tally.made("focal call")
