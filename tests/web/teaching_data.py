"""The world of the trainer's screens: a module with a session that has started, one to come
(both taught by trainer T), and one of another module taught by someone else; participants of
two agencies enrolled (inserted directly: the nomination service has tests of its own)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest

from domain.agencies.schemas import AgencyCreate
from domain.agencies.service import create_agency
from domain.catalogue.module_service import create_module
from domain.catalogue.resources import create_trainer
from domain.catalogue.schemas import ModuleCreate, SessionCreate, TrainerCreate
from domain.catalogue.session_service import create_session
from domain.db import utcnow
from domain.models.enrolment import Nomination, NominationRole, NominationStatus
from domain.officers.schemas import OfficerCreate
from domain.officers.service import create_officer
from tests.api.catalogue_data import ARRANGER, cycle, disciplines, module_body, programme  # noqa: F401

NAMES = [
    ("حيدر كاظم جواد", "Haider Kadhim Jawad", "male"),
    ("نور صباح مهدي", "Nour Sabah Mahdi", "female"),
    ("ياسر فاضل نعمة", "Yasir Fadhil Nima", "male"),
]


async def officers(db, agency_id: uuid.UUID, count: int, start: int = 0) -> list[uuid.UUID]:
    made = []
    for i in range(start, start + count):
        ar, latin, sex = NAMES[i] if i < len(NAMES) else (f"ضابط رقم {i}", f"Officer {i:03d}", "male")
        officer = await create_officer(
            db,
            principal=ARRANGER,
            data=OfficerCreate(agency_id=agency_id, full_name_ar=ar, name_latin=latin, sex=sex),
        )
        made.append(officer.id)
    return made


async def enrol(db, module_id: uuid.UUID, officer_ids: list[uuid.UUID], agency_id: uuid.UUID) -> None:
    for officer_id in officer_ids:
        db.add(
            Nomination(
                module_id=module_id,
                officer_id=officer_id,
                agency_id=agency_id,
                role=NominationRole.participant,
                status=NominationStatus.enrolled,
                nominated_by="test",
            )
        )
    await db.flush()


async def session(
    db, module_id, trainer_id, starts_in: timedelta, title: str, hours: float = 3, override_reason: str | None = None
):
    start = utcnow().replace(microsecond=0) + starts_in
    made, _ = await create_session(
        db,
        principal=ARRANGER,
        module_id=module_id,
        data=SessionCreate(
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            trainer_ids=[trainer_id],
            override_reason=override_reason,
        ),
    )
    return made


async def teaching_world(db, cycle_id: str, participants: int = 3) -> SimpleNamespace:
    police = await create_agency(
        db,
        principal=ARRANGER,
        data=AgencyCreate(name_en="Federal Police (web)", name_ar="الشرطة الاتحادية", kind="police"),
    )
    trainer = await create_trainer(db, principal=ARRANGER, data=TrainerCreate(name="Trainer T (web)", organisation="T"))
    stranger = await create_trainer(
        db, principal=ARRANGER, data=TrainerCreate(name="Trainer S (web)", organisation="S")
    )
    module = await create_module(
        db, principal=ARRANGER, data=ModuleCreate(**module_body(cycle_id, f"WEB-{uuid.uuid4().hex[:4]}"))
    )
    other = await create_module(
        db, principal=ARRANGER, data=ModuleCreate(**module_body(cycle_id, f"OTH-{uuid.uuid4().hex[:4]}"))
    )
    started = await session(db, module.id, trainer.id, timedelta(hours=-1), "Day 1: started")
    coming = await session(db, module.id, trainer.id, timedelta(days=2), "Day 2: to come")
    strangers = await session(db, other.id, stranger.id, timedelta(hours=-2), "Someone else's")
    people = await officers(db, police.id, participants)
    await enrol(db, module.id, people, police.id)
    await enrol(db, other.id, people[:1], police.id)
    return SimpleNamespace(
        agency=police,
        trainer=trainer,
        stranger=stranger,
        module=module,
        started=started,
        coming=coming,
        strangers=strangers,
        people=people,
    )


@pytest.fixture
async def teaching(db, cycle) -> SimpleNamespace:
    return await teaching_world(db, cycle["id"])
