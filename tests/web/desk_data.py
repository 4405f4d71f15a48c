"""The coordinator's desk world: a programme with a cycle running now (dates relative to the test's
day), and modules that each put one item of every kind on the dashboard, arranged through the
services (the nominations' completion, which only years of history give, inserted directly).

Per module M-i (open, capacity 4, Asia/Baghdad): a session in 5 days without a trainer, one held
yesterday without attendance; a quota of 3 seats for agency A (2 nominated: not filled) and
the deadline in 3 days; one man of A enrolled (0 % women, below the 30 % target); a woman of A and
a man of B awaiting a decision; a man of B waiting in line; a clashing session kept with a reason
(same trainer as the module before it, or as the first session of a companion module), and one on
a Friday. Beside them: a delivered module with two participants who completed and no certificate,
and a module needing courtesy vetting with one participant whose request has no result yet."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from domain.agencies.schemas import AgencyCreate
from domain.agencies.service import create_agency
from domain.catalogue.module_service import create_module
from domain.catalogue.resources import create_discipline, create_trainer, create_venue
from domain.catalogue.schemas import (
    DisciplineCreate,
    ModuleCreate,
    ModuleTransition,
    SessionCreate,
    TrainerCreate,
    VenueCreate,
)
from domain.catalogue.session_service import create_session
from domain.cycles.schemas import CycleCreate
from domain.cycles.service import create_cycle
from domain.db import utcnow
from domain.enrolment.nominations import create_nomination, decide
from domain.enrolment.quotas import put_quotas
from domain.enrolment.schemas import Decision, NominationCreate, QuotaSet, QuotasPut
from domain.lifecycle.service import transition_module
from domain.models.catalogue import Discipline, ModuleStatus
from domain.models.enrolment import Nomination, NominationRole, NominationStatus
from domain.officers.schemas import OfficerCreate
from domain.officers.service import create_officer
from domain.programmes.schemas import ProgrammeCreate
from domain.programmes.service import create_programme
from domain.vetting.schemas import VettingCreate
from domain.vetting.service import create_vetting
from tests.api.catalogue_data import ARRANGER

TZ = ZoneInfo("Asia/Baghdad")
WORKING = ["sunday", "monday", "tuesday", "wednesday", "thursday"]


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=TZ)


def working(day: date) -> date:
    while day.weekday() in (4, 5):  # Friday, Saturday
        day += timedelta(days=1)
    return day


async def people(db, agency_id: uuid.UUID, sexes: str, tag: str) -> list[uuid.UUID]:
    made = []
    for i, sex in enumerate(sexes):
        officer = await create_officer(
            db,
            principal=ARRANGER,
            data=OfficerCreate(
                agency_id=agency_id,
                full_name_ar=f"ضابط {tag} {i}",
                name_latin=f"Officer {tag}-{i}",
                sex="female" if sex == "f" else "male",
            ),
        )
        made.append(officer.id)
    return made


async def nominate(db, module_id, officer_id, decision: str | None = None, **extra) -> uuid.UUID:
    made = await create_nomination(
        db, principal=ARRANGER, module_id=module_id, data=NominationCreate(officer_id=officer_id, **extra)
    )
    if decision:
        await decide(db, principal=ARRANGER, nomination_id=made.id, data=Decision(decision=decision))
    return made.id


async def session(db, module_id, title, starts: datetime, hours: float = 3, **extra):
    made, _ = await create_session(
        db,
        principal=ARRANGER,
        module_id=module_id,
        data=SessionCreate(title=title, starts_at=starts, ends_at=starts + timedelta(hours=hours), **extra),
    )
    return made


async def open_up(db, module_id) -> None:
    for status in (ModuleStatus.planned, ModuleStatus.open):
        await transition_module(db, principal=ARRANGER, module_id=module_id, data=ModuleTransition(to=status))


async def desk_world(db, *, modules: int = 1, acronym: str | None = None) -> SimpleNamespace:
    today = utcnow().astimezone(TZ).date()
    if await db.get(Discipline, "ilp") is None:
        await create_discipline(
            db, principal=ARRANGER, data=DisciplineCreate(code="ilp", label_en="Intelligence-led policing")
        )
    tag = uuid.uuid4().hex[:6]
    programme = await create_programme(
        db,
        principal=ARRANGER,
        data=ProgrammeCreate(name=f"Desk programme {tag}", acronym=acronym or f"DSK-{tag}", implementer="Test"),
    )
    cycle = await create_cycle(
        db,
        principal=ARRANGER,
        data=CycleCreate(
            programme_id=programme.id,
            partner_country="IQ",
            title=f"Desk cycle {tag}",
            starts_on=today - timedelta(days=400),
            ends_on=today + timedelta(days=400),
            female_share_target=0.3,
            time_zone="Asia/Baghdad",
            working_days=WORKING,
            holidays=[],
        ),
    )
    venue = await create_venue(
        db, principal=ARRANGER, data=VenueCreate(name=f"Hall {tag}", city="Baghdad", capacity=20)
    )
    trainer = await create_trainer(db, principal=ARRANGER, data=TrainerCreate(name=f"Trainer {tag}", organisation="T"))
    a = await create_agency(
        db, principal=ARRANGER, data=AgencyCreate(name_en=f"Ministry {tag}", name_ar="وزارة", kind="ministry")
    )
    b = await create_agency(
        db, principal=ARRANGER, data=AgencyCreate(name_en=f"Council {tag}", name_ar="مجلس", kind="judiciary")
    )
    world = SimpleNamespace(
        programme=programme, cycle=cycle, venue=venue, trainer=trainer, a=a, b=b, modules=[], today=today
    )
    soon = working(today + timedelta(days=5))
    friday = today + timedelta(days=(4 - today.weekday()) % 7 + 14)
    for i in range(modules):
        # Each module its own hall and teacher; the shared trainer only for the clashing sessions.
        hall = await create_venue(
            db, principal=ARRANGER, data=VenueCreate(name=f"Hall {tag}-{i}", city="Baghdad", capacity=20)
        )
        teacher = await create_trainer(
            db, principal=ARRANGER, data=TrainerCreate(name=f"Teacher {tag}-{i}", organisation="T")
        )
        module = await create_module(
            db,
            principal=ARRANGER,
            data=ModuleCreate(
                cycle_id=cycle.id,
                code=f"M-{i:02d}",
                title=f"Module {i} ({tag})",
                discipline="ilp",
                format="course",
                capacity=4,
                venue_id=hall.id,
                nomination_deadline=at(today + timedelta(days=3), "16:00"),
            ),
        )
        unready = await session(db, module.id, "Not ready", at(soon, "09:00"), venue_id=hall.id)
        held = await session(
            db,
            module.id,
            "Held",
            utcnow().replace(microsecond=0) - timedelta(days=1),
            venue_id=hall.id,
            trainer_ids=[teacher.id],
        )
        clash = await session(
            db,
            module.id,
            "Clashing",
            at(soon, "14:00") + timedelta(days=1),
            trainer_ids=[trainer.id],
            override_reason="kept for the test" if i else None,
        )
        weekend = await session(
            db, module.id, "On a Friday", at(friday, "09:00"), venue_id=hall.id, trainer_ids=[teacher.id]
        )
        await open_up(db, module.id)
        await put_quotas(
            db, principal=ARRANGER, module_id=module.id, data=QuotasPut(quotas=[QuotaSet(agency_id=a.id, seats=3)])
        )
        man_a, woman_a = await people(db, a.id, "mf", f"{tag}-{i}-a")
        man_b, waiting_b = await people(db, b.id, "mm", f"{tag}-{i}-b")
        enrolled = await nominate(db, module.id, man_a, "accept")
        waiting = await nominate(db, module.id, waiting_b, "waitlist")
        pending = [await nominate(db, module.id, woman_a), await nominate(db, module.id, man_b)]
        world.modules.append(
            SimpleNamespace(
                module=module,
                unready=unready,
                held=held,
                clash=clash,
                weekend=weekend,
                enrolled=enrolled,
                waiting=waiting,
                pending=pending,
                officers=SimpleNamespace(man_a=man_a, woman_a=woman_a, man_b=man_b, waiting_b=waiting_b),
            )
        )
    # Each module's clashing session shares the trainer with the next one's (the last with a companion's).
    companion = await create_module(
        db,
        principal=ARRANGER,
        data=ModuleCreate(
            cycle_id=cycle.id,
            code="COMPANION",
            title=f"Companion ({tag})",
            discipline="ilp",
            format="course",
            capacity=10,
        ),
    )
    world.companion_clash = await session(
        db,
        companion.id,
        "Companion",
        at(soon, "14:00") + timedelta(days=1),
        trainer_ids=[trainer.id],
        override_reason="kept",
    )
    world.companion = companion
    # Delivered, with two who completed and no certificate yet.
    delivered = await create_module(
        db,
        principal=ARRANGER,
        data=ModuleCreate(
            cycle_id=cycle.id, code="DONE", title=f"Delivered ({tag})", discipline="ilp", format="course", capacity=10
        ),
    )
    await session(db, delivered.id, "Long ago", utcnow().replace(microsecond=0) - timedelta(days=30), venue_id=venue.id)
    for status in (ModuleStatus.planned, ModuleStatus.open, ModuleStatus.confirmed, ModuleStatus.delivered):
        await transition_module(db, principal=ARRANGER, module_id=delivered.id, data=ModuleTransition(to=status))
    graduates = await people(db, a.id, "fm", f"{tag}-done")
    for officer_id in graduates:
        db.add(
            Nomination(
                module_id=delivered.id,
                officer_id=officer_id,
                agency_id=a.id,
                role=NominationRole.participant,
                status=NominationStatus.completed,
                nominated_by="test",
            )
        )
    await db.flush()
    world.delivered, world.graduates = delivered, graduates
    # Courtesy vetting required; one participant's request has no result yet.
    vetted = await create_module(
        db,
        principal=ARRANGER,
        data=ModuleCreate(
            cycle_id=cycle.id,
            code="VET",
            title=f"Vetted ({tag})",
            discipline="ilp",
            format="course",
            capacity=10,
            vetting_required="courtesy",
        ),
    )
    await session(
        db,
        vetted.id,
        "Vetted day",
        at(working(today + timedelta(days=30)), "09:00"),
        venue_id=venue.id,
        trainer_ids=[trainer.id],
    )
    await open_up(db, vetted.id)
    (candidate,) = await people(db, b.id, "f", f"{tag}-vet")
    await nominate(db, vetted.id, candidate, "accept")
    vetting = await create_vetting(
        db,
        principal=ARRANGER,
        officer_id=candidate,
        data=VettingCreate(
            type="courtesy", requested_on=today, needed_by=today + timedelta(days=20), module_id=vetted.id
        ),
    )
    world.vetted, world.candidate, world.vetting = vetted, candidate, vetting
    await db.flush()
    return world
