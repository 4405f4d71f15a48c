"""The CT JUST cycle's logframe indicators (issue 22, item 5), as a results framework states them:
three computed from Tadrib's records (individuals trained by sex, the women's share, individuals
with increased knowledge by sex: the delivered modules' past participations carry pre- and post-
test scores), two from the surveys (reaction score, follow-up application rate: seeds/surveys.py), and
one entered by hand with its evidence. ILP-01 gets a knowledge threshold of 70, so that switching
the cycle's knowledge_definition to post_at_threshold shows a figure at once.

Through the services, as the seed; a later run finds the indicators and changes nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.catalogue.module_service import update_module
from domain.catalogue.schemas import ModuleUpdate
from domain.indicators.schemas import IndicatorCreate, IndicatorValueCreate
from domain.indicators.service import create_indicator, create_value
from domain.models.catalogue import Module
from domain.models.cycles import Cycle
from domain.models.indicators import Disaggregation, Indicator
from domain.models.indicators import IndicatorSource as S
from seeds.tally import SEED, Tally

CYCLE = "EU–Iraq bilateral cooperation cycle 2024–2026"
TRACKED = "Tadrib: attendance, completion and test records"
SEX, NONE = Disaggregation.sex, Disaggregation.none
# code, title, unit, baseline, target, disaggregation, source, data source, approved
INDICATORS = [
    (
        "CT-1.1",
        "Number of individuals trained by the action",
        "persons",
        0,
        300,
        SEX,
        S.trained_individuals,
        TRACKED,
        True,
    ),
    ("CT-1.2", "Share of women among the individuals trained", "%", 12, 25, NONE, S.women_share, TRACKED, True),
    (
        "CT-1.3",
        "Number of individuals trained who increased their knowledge and/or skills",
        "persons",
        0,
        220,
        SEX,
        S.increased_knowledge,
        "Pre- and post-training test reports (Tadrib)",
        True,
    ),
    (
        "CT-1.4",
        "Participants' mean rating of the training",
        "score (0-100)",
        None,
        75,
        NONE,
        S.reaction_mean,
        "End-of-course evaluations (Tadrib reaction surveys)",
        False,
    ),
    (
        "CT-2.1",
        "Share of trainees applying what they learnt six months later",
        "%",
        None,
        60,
        SEX,
        S.followup_application_rate,
        "Follow-up surveys of trainees and their supervisors",
        False,
    ),
    (
        "CT-3.1",
        "Joint standard operating procedures adopted by partner agencies",
        "SOPs",
        0,
        4,
        NONE,
        S.entered,
        "Adoption letters of the partner agencies",
        True,
    ),
]
# Entered by hand, with its evidence: code -> (period start, period end, value, evidence)
ENTERED = {
    "CT-3.1": (
        date(2025, 1, 1),
        date(2025, 6, 30),
        1,
        "Ministry of Interior letter adopting the joint intelligence-led policing SOP (fictional, demo)",
    )
}


async def load_indicators(session: AsyncSession, tally: Tally) -> None:
    cycle = await session.scalar(select(Cycle).where(Cycle.title == CYCLE))
    if cycle is None:
        return
    ilp = await session.scalar(select(Module).where(Module.cycle_id == cycle.id, Module.code == "ILP-01"))
    if ilp is not None and ilp.knowledge_threshold is None:
        await update_module(
            session,
            principal=SEED,
            module_id=ilp.id,
            data=ModuleUpdate(knowledge_threshold=70),
            expected_version=None,
        )
        tally.made("knowledge threshold")
    existing = set(await session.scalars(select(Indicator.code).where(Indicator.cycle_id == cycle.id)))
    for code, title, unit, baseline, target, disaggregation, source, data_source, approved in INDICATORS:
        if code in existing:
            tally.found("indicator")
            continue
        data = IndicatorCreate(
            code=code,
            title=title,
            unit=unit,
            baseline=baseline,
            target=target,
            disaggregation=disaggregation,
            source=source,
            data_source=data_source,
            approved=approved,
        )
        indicator = await create_indicator(session, principal=SEED, cycle_id=cycle.id, data=data)
        tally.made("indicator")
        if code in ENTERED:
            start, end, value, evidence = ENTERED[code]
            entered = IndicatorValueCreate(period_start=start, period_end=end, value=value, evidence=evidence)
            await create_value(session, principal=SEED, cycle_id=cycle.id, indicator_id=indicator.id, data=entered)
            tally.made("indicator value")
