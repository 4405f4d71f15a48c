"""The seeds load through the services into a real database, and a second run creates nothing."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.models.agencies import Agency
from domain.models.catalogue import Discipline, Module, ModuleStatus, TrainingSession
from domain.models.cycles import Cycle
from domain.models.officers import Officer, Sex
from domain.registry import metadata
from seeds import load

TODAY = date(2026, 11, 23)


async def row_counts(db: AsyncSession) -> dict[str, int]:
    return {t.name: await db.scalar(select(func.count()).select_from(t)) for t in metadata.sorted_tables}


async def test_demo_seed_is_idempotent_and_tells_the_stories(db):
    before = await row_counts(db)
    first = await load(db, "demo", today=TODAY)
    after_first = await row_counts(db)
    assert first.total_created > 0
    assert after_first["audit_log"] > before["audit_log"]  # written through the services

    second = await load(db, "demo", today=TODAY)
    assert second.total_created == 0, second.summary()
    assert await row_counts(db) == after_first

    officers = after_first["officers"] - before["officers"]
    assert officers >= 250
    by_sex = dict((await db.execute(select(Officer.sex, func.count()).group_by(Officer.sex))).all())
    assert by_sex.get(Sex.female, 0) > 0 and by_sex.get(Sex.male, 0) > 0
    assert 0.2 <= by_sex[Sex.female] / (by_sex[Sex.female] + by_sex[Sex.male]) <= 0.3

    cycle = await db.scalar(select(Cycle).where(Cycle.title == "EU–Iraq bilateral cooperation cycle 2024–2026"))
    assert cycle.female_share_target == 0.25 and cycle.time_zone == "Asia/Baghdad"
    modules = {
        m.code: m
        for m in await db.scalars(
            select(Module).where(Module.cycle_id == cycle.id).options(selectinload(Module.prerequisites))
        )
    }
    assert set(modules) == {"ILP-01", "OPINT-01", "DIGEV-01", "JUDCOOP-01"}
    assert modules["DIGEV-01"].prerequisite_module_ids == [modules["OPINT-01"].id]
    assert all(m.status is ModuleStatus.delivered for m in modules.values())

    leahy = await db.scalars(select(Module.code).where(Module.vetting_required == "leahy"))
    assert {"SURV-01", "CIA-01", "GCMS-01", "GCMS-02"} <= set(leahy)
    statuses = set(await db.scalars(select(Module.status)))
    assert {ModuleStatus.planned, ModuleStatus.open, ModuleStatus.confirmed, ModuleStatus.delivered} <= statuses
    # Every module has sessions, and they sit on Baghdad working hours.
    without_sessions = await db.scalar(
        select(func.count()).select_from(Module).where(~Module.id.in_(select(TrainingSession.module_id)))
    )
    assert without_sessions == 0


async def test_reference_seed_only_loads_the_vocabulary_and_the_agencies(db):
    before = await row_counts(db)
    tally = await load(db, "reference")
    after = await row_counts(db)
    assert after["officers"] == before["officers"] and after["modules"] == before["modules"]
    codes = set(await db.scalars(select(Discipline.code)))
    assert {
        "ilp",
        "osint",
        "humint",
        "geoint",
        "digital-evidence",
        "gc-ms",
        "criminal-intelligence-analysis",
        "surveillance",
        "judicial-cooperation",
        "human-rights",
        "border-control",
        "juvenile-justice",
    } <= codes
    moi = await db.scalar(select(Agency).where(Agency.name_en == "Ministry of Interior", Agency.parent_id.is_(None)))
    under_moi = set(await db.scalars(select(Agency.name_en).where(Agency.parent_id == moi.id)))
    assert {
        "Federal Police",
        "Criminal Evidence Investigation Directorate",
        "Federal Intelligence and Investigation Agency",
    } <= under_moi
    assert (await load(db, "reference")).total_created == 0
    assert tally.created["agency"] + tally.kept["agency"] >= 19
