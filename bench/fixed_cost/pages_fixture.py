"""The records the page rows need, made through the product's services on the bench's database:
a module of 40 participants (officers of the focal point's agency) with a session that started an
hour ago, taught by the demo trainer (the demo "trainer" account's), so that /trainer/sessions/{id}
shows a roster of 40. The focal point's and the coordinator's pages run on the demo data and the
HTTP bench's own records (bench/http/fixtures.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bench.http.fixtures import BENCH, _people
from domain.catalogue.module_service import create_module
from domain.catalogue.schemas import ModuleCreate, ModuleTransition, SessionCreate
from domain.catalogue.session_service import create_session
from domain.db import make_engine, make_sessionmaker, utcnow
from domain.enrolment.nominations import create_nomination, decide
from domain.enrolment.schemas import Decision, NominationCreate
from domain.lifecycle.service import transition_module
from domain.models.agencies import Agency
from domain.models.auth import User
from domain.models.catalogue import ModuleFormat, ModuleStatus
from domain.models.cycles import Cycle
from domain.officers.service import create_officer

ROSTER = 40


async def _build(url: str) -> str:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as db:
            trainer_id = await db.scalar(select(User.trainer_id).where(User.username == "trainer"))
            moi = await db.scalar(select(Agency).where(Agency.acronym == "MoI", Agency.parent_id.is_(None)))
            cycle_id = await db.scalar(select(Cycle.id).where(Cycle.title == "Bench cycle"))
            module = await create_module(
                db,
                principal=BENCH,
                data=ModuleCreate(
                    cycle_id=cycle_id,
                    code="BENCH-ROSTER",
                    title="Bench roster of 40",
                    discipline="osint",
                    format=ModuleFormat.course,
                    capacity=ROSTER,
                ),
            )
            starts = utcnow() - timedelta(hours=1)
            session, _ = await create_session(
                db,
                principal=BENCH,
                module_id=module.id,
                data=SessionCreate(
                    title="Roster day",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=3),
                    trainer_ids=[trainer_id],
                    override_reason="the bench's roster of 40",
                ),
            )
            for to in (ModuleStatus.planned, ModuleStatus.open):
                await transition_module(db, principal=BENCH, module_id=module.id, data=ModuleTransition(to=to))
            for person in _people(ROSTER, moi.id):
                officer = await create_officer(db, principal=BENCH, data=person, allow_duplicate=True)
                nomination = await create_nomination(
                    db, principal=BENCH, module_id=module.id, data=NominationCreate(officer_id=officer.id)
                )
                await decide(db, principal=BENCH, nomination_id=nomination.id, data=Decision(decision="accept"))
            await transition_module(
                db, principal=BENCH, module_id=module.id, data=ModuleTransition(to=ModuleStatus.confirmed)
            )
            await db.commit()
            return str(session.id)
    finally:
        await engine.dispose()


def build(url: str) -> str:
    """The roster session's id."""
    return asyncio.run(_build(url))
