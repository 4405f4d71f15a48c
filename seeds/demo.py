"""Demo data: programmes, cycles, venues, trainers, modules with their sessions and statuses, and
the fictional officers. Every record is looked up by its natural key first, so a second run
creates nothing; everything is written through the domain services (rules, audit, events)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalogue.module_service import create_module
from domain.catalogue.resources import create_trainer, create_venue
from domain.catalogue.schemas import ModuleCreate, ModuleTransition, SessionCreate, TrainerCreate, VenueCreate
from domain.catalogue.session_service import create_session
from domain.certificates.service import Signer
from domain.cycles.schemas import CycleCreate
from domain.cycles.service import create_cycle
from domain.lifecycle.service import transition_module
from domain.models.catalogue import Module, ModuleStatus, Trainer, TrainingSession, Venue
from domain.models.cycles import DEFAULT_WORKING_DAYS, Cycle
from domain.models.programmes import Programme
from domain.programmes.schemas import ProgrammeCreate
from domain.programmes.service import create_programme
from seeds.accounts import load_accounts
from seeds.demo_data import CYCLES, MODULES, PROGRAMMES, TRAINERS, VENUES, ModuleSpec, iraq_holidays
from seeds.desk import load_desk
from seeds.focal import load_focal_call
from seeds.indicators import load_indicators
from seeds.live import load_live_module
from seeds.officers import load_officers
from seeds.participations import load_participations
from seeds.showcase import load_showcase
from seeds.surveys import load_surveys
from seeds.tally import SEED, Tally

TZ = ZoneInfo("Asia/Baghdad")
LADDER = [ModuleStatus.draft, ModuleStatus.planned, ModuleStatus.open, ModuleStatus.confirmed, ModuleStatus.delivered]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


async def load_programmes(session: AsyncSession, tally: Tally) -> dict[str, uuid.UUID]:
    stored = {p.acronym: p.id for p in await session.scalars(select(Programme))}
    for acronym, name, implementer, funding in PROGRAMMES:
        if acronym in stored:
            tally.found("programme")
            continue
        programme = await create_programme(
            session,
            principal=SEED,
            data=ProgrammeCreate(name=name, acronym=acronym, implementer=implementer, funding_sources=funding),
        )
        stored[acronym] = programme.id
        tally.made("programme")
    return stored


async def load_cycles(session: AsyncSession, tally: Tally, programmes: dict[str, uuid.UUID]) -> dict[str, Cycle]:
    stored = {(c.programme_id, c.title): c for c in await session.scalars(select(Cycle))}
    cycles = {}
    for spec in CYCLES:
        found = stored.get((programmes[spec.programme], spec.title))
        if found is not None:
            cycles[spec.key] = found
            tally.found("cycle")
            continue
        cycles[spec.key] = await create_cycle(
            session,
            principal=SEED,
            data=CycleCreate(
                programme_id=programmes[spec.programme],
                partner_country="IQ",
                title=spec.title,
                starts_on=spec.starts_on,
                ends_on=spec.ends_on,
                female_share_target=spec.female_share_target,
                time_zone="Asia/Baghdad",
                working_days=DEFAULT_WORKING_DAYS,
                holidays=iraq_holidays(spec.starts_on, spec.ends_on),
                funding_source=spec.funding_source,
            ),
        )
        tally.made("cycle")
    return cycles


async def load_venues(session: AsyncSession, tally: Tally) -> dict[str, uuid.UUID]:
    stored = {v.name: v.id for v in await session.scalars(select(Venue))}
    ids = {}
    for key, (name, city, capacity) in VENUES.items():
        if name in stored:
            ids[key] = stored[name]
            tally.found("venue")
            continue
        ids[key] = (
            await create_venue(session, principal=SEED, data=VenueCreate(name=name, city=city, capacity=capacity))
        ).id
        tally.made("venue")
    return ids


async def load_trainers(session: AsyncSession, tally: Tally) -> dict[str, uuid.UUID]:
    stored = {t.name: t.id for t in await session.scalars(select(Trainer))}
    ids = {}
    for key, (name, organisation, nationality, expertise) in TRAINERS.items():
        if name in stored:
            ids[key] = stored[name]
            tally.found("trainer")
            continue
        ids[key] = (
            await create_trainer(
                session,
                principal=SEED,
                data=TrainerCreate(name=name, organisation=organisation, nationality=nationality, expertise=expertise),
            )
        ).id
        tally.made("trainer")
    return ids


def training_days(spec: ModuleSpec, cycle: Cycle) -> list[date]:
    """One working day per topic from the first day on, skipping weekends and listed holidays."""
    holidays = {h["date"] for h in cycle.holidays}
    days, day = [], spec.first_day
    while len(days) < len(spec.topics):
        if WEEKDAYS[day.weekday()] in cycle.working_days and day.isoformat() not in holidays:
            days.append(day)
        day += timedelta(days=1)
    return days


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=TZ)


def local_day(moment: datetime) -> date:
    return moment.astimezone(TZ).date()


def session_plan(
    spec: ModuleSpec, cycle: Cycle, venue_id: uuid.UUID, trainer_ids: dict[str, uuid.UUID]
) -> list[SessionCreate]:
    """Every slot of every day; trainers take turns, two per slot where the module has two."""
    plan = []
    for n, (day, topic) in enumerate(zip(training_days(spec, cycle), spec.topics), start=1):
        for s, (start, end) in enumerate(spec.slots):
            turn = (n - 1) * len(spec.slots) + s
            keys = {spec.trainers[(turn + i) % len(spec.trainers)] for i in range(min(2, len(spec.trainers)))}
            title = f"Day {n}: {topic}" + (" (practical exercise)" if s else "")
            plan.append(
                SessionCreate(
                    title=title,
                    starts_at=at(day, start),
                    ends_at=at(day, end),
                    venue_id=venue_id,
                    trainer_ids=sorted(trainer_ids[k] for k in keys),
                )
            )
    return plan


def target_status(first: date, last: date, today: date) -> ModuleStatus:
    """Delivered once over; confirmed within three weeks (or running); open within three months."""
    if last < today:
        return ModuleStatus.delivered
    ahead = (first - today).days
    if ahead <= 21:
        return ModuleStatus.confirmed
    return ModuleStatus.open if ahead <= 90 else ModuleStatus.planned


async def load_modules(
    session: AsyncSession,
    tally: Tally,
    cycles: dict[str, Cycle],
    venues: dict[str, uuid.UUID],
    trainers: dict[str, uuid.UUID],
    today: date,
) -> None:
    cycle_ids = [c.id for c in cycles.values()]
    stored = {
        (m.cycle_id, m.code): m for m in await session.scalars(select(Module).where(Module.cycle_id.in_(cycle_ids)))
    }
    booked: dict[uuid.UUID, set[datetime]] = {}
    rows = await session.execute(
        select(TrainingSession.module_id, TrainingSession.starts_at)
        .join(Module, Module.id == TrainingSession.module_id)
        .where(Module.cycle_id.in_(cycle_ids))
    )
    for module_id, starts_at in rows:
        booked.setdefault(module_id, set()).add(starts_at)

    for spec in MODULES:
        cycle = cycles[spec.cycle]
        plan = session_plan(spec, cycle, venues[spec.venue], trainers)
        module = stored.get((cycle.id, spec.code))
        if module is None:
            first_day = local_day(plan[0].starts_at)
            module = await create_module(
                session,
                principal=SEED,
                data=ModuleCreate(
                    cycle_id=cycle.id,
                    code=spec.code,
                    title=spec.title,
                    discipline=spec.discipline,
                    format=spec.format,
                    capacity=spec.capacity,
                    venue_id=venues[spec.venue],
                    languages=list(spec.languages),
                    interpretation=spec.interpretation,
                    female_share_target=spec.female_share_target,
                    vetting_required=spec.vetting,
                    nomination_deadline=at(first_day - timedelta(days=21), "16:00"),
                    prerequisite_module_ids=[stored[(cycle.id, code)].id for code in spec.prerequisites],
                ),
            )
            stored[(cycle.id, spec.code)] = module
            tally.made("module")
        else:
            tally.found("module")
        await _sessions(session, tally, module, plan, booked.get(module.id, set()))
        await _advance(
            session, tally, module, target_status(local_day(plan[0].starts_at), local_day(plan[-1].ends_at), today)
        )


async def _sessions(
    session: AsyncSession, tally: Tally, module: Module, plan: list[SessionCreate], booked: set[datetime]
) -> None:
    missing = [s for s in plan if s.starts_at not in booked]
    tally.found("session", len(plan) - len(missing))
    if missing and module.status in (ModuleStatus.delivered, ModuleStatus.closed, ModuleStatus.cancelled):
        tally.note(f"{module.code} is {module.status}: {len(missing)} missing session(s) not added")
        return
    for data in missing:
        _, warnings = await create_session(session, principal=SEED, module_id=module.id, data=data)
        tally.made("session")
        for w in warnings:
            tally.note(f"{module.code} {data.starts_at:%Y-%m-%d}: {w['message']}")


async def _advance(session: AsyncSession, tally: Tally, module: Module, target: ModuleStatus) -> None:
    """Walk the status ladder one step at a time, never backwards (a coordinator may have moved it)."""
    if module.status not in LADDER:
        return
    for status in LADDER[LADDER.index(module.status) + 1 : LADDER.index(target) + 1]:
        await transition_module(session, principal=SEED, module_id=module.id, data=ModuleTransition(to=status))
        tally.made("module transition")


async def load_demo(
    session: AsyncSession,
    tally: Tally,
    agency_ids: dict[str, uuid.UUID],
    today: date,
    now: datetime,
    signer: Signer | None = None,
) -> None:
    programmes = await load_programmes(session, tally)
    cycles = await load_cycles(session, tally, programmes)
    venues = await load_venues(session, tally)
    trainers = await load_trainers(session, tally)
    await load_modules(session, tally, cycles, venues, trainers, today)
    await load_officers(session, tally, agency_ids)
    await load_participations(session, tally)
    await load_live_module(session, tally, cycles, venues, trainers, now)
    await load_accounts(session, tally, agency_ids=agency_ids, programmes=programmes, trainers=trainers)
    await load_desk(session, tally, cycles, venues, trainers, agency_ids)  # after the accounts it acts as
    await load_focal_call(session, tally, cycles, venues, trainers, agency_ids)
    await load_showcase(session, tally, agency_ids, signer)  # what the walkthroughs (README, docs/) show
    await load_indicators(session, tally)  # after the participations it reports on
    await load_surveys(
        session, tally
    )  # ILP-01's surveys, answered: the indicators' reaction score and application rate
