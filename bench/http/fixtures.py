"""The data the HTTP bench runs on: a scratch database migrated by Alembic, the demo seeds, then
a few records of its own made through the product's services (so every rule, audit row and
event is as in use): a cycle of 60 modules (for a 50-row page), per server run an open module
with room for thousands (nominate then accept), a module with 30 enrolled participants whose
sessions come in sets of 32, one set per wrk invocation, every mark primed "late" (so the
invocation's PUTs, "present" then "late" in turn, each correct 30 marks), and a pool of fresh
officers in the focal point's agency."""

from __future__ import annotations

import contextlib
import io
import random
import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from domain.attendance.schemas import AttendanceMarkIn, AttendancePut
from domain.attendance.service import put_attendance
from domain.auth.principal import Principal
from domain.catalogue.module_service import create_module
from domain.catalogue.schemas import ModuleCreate, ModuleTransition, SessionCreate
from domain.catalogue.session_service import create_session
from domain.cycles.schemas import CycleCreate
from domain.cycles.service import create_cycle
from domain.db import make_engine, make_sessionmaker
from domain.enrolment.nominations import create_nomination, decide
from domain.enrolment.schemas import Decision, NominationCreate
from domain.lifecycle.service import transition_module
from domain.models.agencies import Agency
from domain.models.attendance import AttendanceStatus
from domain.models.catalogue import Module, ModuleFormat, ModuleStatus, TrainingSession
from domain.models.officers import Officer, Sex
from domain.models.programmes import Programme
from domain.officers.schemas import NameParts, OfficerCreate
from domain.officers.service import create_officer
from seeds import load as load_seeds
from seeds.names import pools

BENCH = Principal.system("bench")
TZ = ZoneInfo("Asia/Baghdad")
ATTENDEES, SET_SIZE, PAGE_MODULES = 30, 32, 60


@dataclass
class Fixture:
    agency_id: str  # the focal point's agency (MoI)
    module_id: str  # a demo module (GET one)
    cycle_id: str  # the demo cycle with the most delivered modules (cycle results)
    search_q: str  # an Arabic fragment of officers' names the focal point can see
    nomination_module_ids: list[str]  # one per server run: fresh, open, capacity 10,000
    officer_ids: list[str]  # fresh officers of the focal point's agency, never nominated
    attendance_session_sets: list[list[str]]  # [2 * run + 0] for the warm-up, [2 * run + 1] measured
    attendance_officer_ids: list[str]

    def as_dict(self) -> dict:
        return asdict(self)


def _at(day: date, hh: int) -> datetime:
    return datetime.combine(day, time(hh), tzinfo=TZ)


def _working_days(first: date, n: int) -> list[date]:
    days, day = [], first
    while len(days) < n:
        if day.weekday() not in (4, 5):  # Friday, Saturday
            days.append(day)
        day += timedelta(days=1)
    return days


async def _module(
    db,
    cycle_id: uuid.UUID,
    code: str,
    capacity: int,
    days: list[date],
    status: ModuleStatus,
    hours: tuple[int, ...] = (9,),
    deadline: bool = True,
) -> Module:
    module = await create_module(
        db,
        principal=BENCH,
        data=ModuleCreate(
            cycle_id=cycle_id,
            code=code,
            title=f"Bench module {code}",
            discipline="osint",
            format=ModuleFormat.course,
            capacity=capacity,
            nomination_deadline=_at(days[0] - timedelta(days=30), 16) if days and deadline else None,
        ),
    )
    for n, day in enumerate(days, start=1):
        for hh in hours:
            await create_session(
                db,
                principal=BENCH,
                module_id=module.id,
                data=SessionCreate(title=f"Day {n}, {hh}:00", starts_at=_at(day, hh), ends_at=_at(day, hh + 3)),
            )
    ladder = [ModuleStatus.planned, ModuleStatus.open, ModuleStatus.confirmed]
    for to in ladder[: ladder.index(status) + 1] if status in ladder else []:
        await transition_module(db, principal=BENCH, module_id=module.id, data=ModuleTransition(to=to))
    return module


def _people(n: int, agency_id: uuid.UUID) -> list[OfficerCreate]:
    rng, pool = random.Random(20261201), pools(False)
    people = []
    for i in range(n):
        sex = Sex.female if rng.random() < 0.25 else Sex.male
        given = rng.choice(pool["male" if sex is Sex.male else "female"])
        father, grandfather = rng.sample(pool["elders"], 2)
        people.append(
            OfficerCreate(
                agency_id=agency_id,
                full_name_ar=" ".join(p[0] for p in (given, father, grandfather)),
                name_latin=" ".join(p[1] for p in (given, father, grandfather)) + f" {i}",
                sex=sex,
                name_parts=NameParts(given=given[0], father=father[0], grandfather=grandfather[0]),
            )
        )
    return people


async def _build(url: str, runs: int, pool_size: int) -> Fixture:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as db:
            with contextlib.redirect_stdout(io.StringIO()):
                await load_seeds(db, "demo")
            await db.commit()
        async with sessions() as db:
            moi = await db.scalar(select(Agency).where(Agency.acronym == "MoI", Agency.parent_id.is_(None)))
            programme = await db.scalar(select(Programme).where(Programme.acronym == "CT JUST"))
            cycle = await create_cycle(
                db,
                principal=BENCH,
                data=CycleCreate(
                    programme_id=programme.id,
                    partner_country="IQ",
                    title="Bench cycle",
                    starts_on=date.today() - timedelta(days=400),
                    ends_on=date(2028, 12, 31),
                ),
            )
            for i in range(PAGE_MODULES):
                await _module(db, cycle.id, f"BENCH-PAGE-{i:02d}", 25, [], ModuleStatus.draft)
            # 2 sessions a day: a set per invocation. Held in the past (presence is recorded once a
            # session has started), so no nomination deadline either.
            marked = _working_days(date.today() - timedelta(days=60 * runs + 30), runs * SET_SIZE)
            attendance = await _module(
                db, cycle.id, "BENCH-MARKS", ATTENDEES, marked, ModuleStatus.open, hours=(9, 13), deadline=False
            )
            # Each run's module meets on a day of its own, so one officer may sit in all of them.
            nominating = [
                await _module(
                    db,
                    cycle.id,
                    f"BENCH-NOM-{r}",
                    10_000,
                    [date(2028, 6, 4) + timedelta(days=7 * r)],
                    ModuleStatus.open,
                )
                for r in range(runs)
            ]
            officers = [
                await create_officer(db, principal=BENCH, data=p, allow_duplicate=True)
                for p in _people(pool_size + ATTENDEES, moi.id)
            ]
            attendees, fresh = officers[:ATTENDEES], officers[ATTENDEES:]
            for officer in attendees:
                nomination = await create_nomination(
                    db, principal=BENCH, module_id=attendance.id, data=NominationCreate(officer_id=officer.id)
                )
                await decide(db, principal=BENCH, nomination_id=nomination.id, data=Decision(decision="accept"))
            await transition_module(
                db, principal=BENCH, module_id=attendance.id, data=ModuleTransition(to=ModuleStatus.confirmed)
            )
            session_ids = list(
                await db.scalars(
                    select(TrainingSession.id)
                    .where(TrainingSession.module_id == attendance.id)
                    .order_by(TrainingSession.starts_at)
                )
            )
            late = AttendancePut(
                marks=[AttendanceMarkIn(officer_id=o.id, status=AttendanceStatus.late) for o in attendees]
            )
            for session_id in session_ids:
                await put_attendance(db, principal=BENCH, session_id=session_id, data=late)
            await db.commit()
            demo_module = await db.scalar(select(Module.id).where(Module.code == "ILP-01"))
            busiest = await db.scalar(
                select(Module.cycle_id)
                .where(Module.status == ModuleStatus.delivered)
                .group_by(Module.cycle_id)
                .order_by(func.count().desc(), Module.cycle_id)
                .limit(1)
            )
            # A given and a father's name of a demo officer in the focal point's agency subtree.
            sample = await db.scalar(
                select(Officer.full_name_ar)
                .join(Agency, Agency.id == Officer.agency_id)
                .where(Agency.path.startswith(moi.path), Officer.id.not_in([o.id for o in officers]))
                .order_by(Officer.name_latin_key)
                .limit(1)
            )
        return Fixture(
            agency_id=str(moi.id),
            module_id=str(demo_module),
            cycle_id=str(busiest),
            search_q=" ".join(sample.split()[:2]),
            nomination_module_ids=[str(m.id) for m in nominating],
            officer_ids=[str(o.id) for o in fresh],
            attendance_session_sets=[
                [str(s) for s in session_ids[i : i + SET_SIZE]] for i in range(0, len(session_ids), SET_SIZE)
            ],
            attendance_officer_ids=[str(o.id) for o in attendees],
        )
    finally:
        await engine.dispose()


def build(url: str, runs: int, pool_size: int) -> Fixture:
    import asyncio

    return asyncio.run(_build(url, runs, pool_size))
