"""A module running now, so that a fresh `make run` shows the trainer's screens at work: the demo
trainer (seeds/accounts.py binds them to the first trainer) teaches a three-day workshop whose
first session was yesterday (its attendance still to take), whose second has started today, in
Asia/Baghdad, and whose third is tomorrow. Its participants are nominated and accepted through
the services, and no attendance is taken: that is the demo's to do.

The dates are relative to the day the seed first runs; a later run finds the module by its code
and changes nothing (its sessions then lie in the past, waiting in "to take" if still unmarked)."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalogue.module_service import create_module
from domain.catalogue.schemas import ModuleCreate, ModuleTransition, SessionCreate
from domain.catalogue.session_service import create_session
from domain.enrolment.nominations import create_nomination, decide
from domain.enrolment.schemas import Decision, NominationCreate
from domain.lifecycle.service import transition_module
from domain.models.catalogue import Module, ModuleFormat, ModuleStatus
from domain.models.cycles import Cycle
from domain.models.officers import Officer, Sex
from seeds.demo_data import TRAINERS
from seeds.tally import SEED, Tally

CODE = "PHARE-LIVE"
TITLE = "Human rights in intelligence-led policing: a workshop for analysts"
TOPICS = ("Rights-compliant intelligence collection", "Analysis under oversight", "Case exercise and review")
PARTICIPANTS = 18  # about a quarter women, as the cycle's target asks
STEPS = (ModuleStatus.planned, ModuleStatus.open)


def first_session_start(now: datetime) -> datetime:
    """Today's session began on the hour before the current one (never before today's midnight),
    so that it has started whenever the seed runs."""
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    midnight = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
    return max(start, midnight)


def plan(now: datetime, venue_id: uuid.UUID, trainer_ids: list[uuid.UUID]) -> list[SessionCreate]:
    """Yesterday 09:00-12:30, today from the hour before now for three hours, tomorrow 09:00-12:30."""
    today = first_session_start(now)
    yesterday = datetime.combine(now.date() - timedelta(days=1), time(9), tzinfo=now.tzinfo)
    tomorrow = datetime.combine(now.date() + timedelta(days=1), time(9), tzinfo=now.tzinfo)
    slots = [
        (yesterday, timedelta(hours=3, minutes=30)),
        (today, timedelta(hours=3)),
        (tomorrow, timedelta(hours=3, minutes=30)),
    ]
    return [
        SessionCreate(
            title=f"Day {n}: {topic}",
            starts_at=start,
            ends_at=start + length,
            venue_id=venue_id,
            trainer_ids=trainer_ids,
        )
        for n, (topic, (start, length)) in enumerate(zip(TOPICS, slots), start=1)
    ]


async def load_live_module(
    session: AsyncSession,
    tally: Tally,
    cycles: dict[str, Cycle],
    venues: dict[str, uuid.UUID],
    trainers: dict[str, uuid.UUID],
    now: datetime,
) -> None:
    cycle = cycles["phare"]
    if await session.scalar(select(Module.id).where(Module.cycle_id == cycle.id, Module.code == CODE)):
        tally.found("live module")
        return
    teachers = sorted({trainers[next(iter(TRAINERS))], trainers["iij-rights"]})
    module = await create_module(
        session,
        principal=SEED,
        data=ModuleCreate(
            cycle_id=cycle.id,
            code=CODE,
            title=TITLE,
            discipline="human-rights",
            format=ModuleFormat.workshop,
            capacity=25,
            venue_id=venues["euam"],
            languages=["ar", "en"],
            interpretation=True,
        ),
    )
    for data in plan(now, venues["euam"], teachers):
        _, warnings = await create_session(session, principal=SEED, module_id=module.id, data=data)
        for w in warnings:
            tally.note(f"{CODE} {data.starts_at:%Y-%m-%d}: {w['message']}")
    for status in STEPS:
        await transition_module(session, principal=SEED, module_id=module.id, data=ModuleTransition(to=status))
    for officer_id in await _participants(session):
        nomination = await create_nomination(
            session, principal=SEED, module_id=module.id, data=NominationCreate(officer_id=officer_id)
        )
        await decide(session, principal=SEED, nomination_id=nomination.id, data=Decision(decision="accept"))
    await transition_module(
        session, principal=SEED, module_id=module.id, data=ModuleTransition(to=ModuleStatus.confirmed)
    )
    tally.made("live module")
    tally.made("live participant", PARTICIPANTS)


async def _participants(session: AsyncSession) -> list[uuid.UUID]:
    """A fixed draw of the fictional officers: the same people on every fresh database."""
    officers = list(
        await session.execute(
            select(Officer.id, Officer.sex).where(Officer.erased_at.is_(None)).order_by(Officer.name_latin_key)
        )
    )
    rng = random.Random(2026)
    women = [o.id for o in officers if o.sex is Sex.female]
    men = [o.id for o in officers if o.sex is Sex.male]
    n_women = min(len(women), PARTICIPANTS // 4 + 1)
    return rng.sample(women, n_women) + rng.sample(men, min(len(men), PARTICIPANTS - n_women))
