"""The indicator report (issue 22, item 5): a cycle's logframe indicators for a reporting period,
shaped for typing into OPSYS (code, title, unit, baseline, target, current value, by sex).

Computed indicators take their figures from the existing reports for the same filters, so that
they are identical by construction: trained_individuals and women_share from the cycle results,
increased_knowledge from the knowledge-gain report (with its denominator), reaction_mean and
followup_application_rate from the cycle's survey results (domain/survey_results). Small counts are
withheld there for observers and machine clients, and stay withheld here. Entered indicators show
the latest value entered for a period within the one asked for, with its evidence. A fixed number
of statements whatever the data: the cycle, the indicators, the entered values, and each report
that an indicator needs."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.principal import Principal
from domain.errors import InvalidInput
from domain.i18n import translatable
from domain.indicators.schemas import IndicatorFigure, IndicatorReport, IndicatorReportPeriod
from domain.indicators.service import readable_cycle
from domain.models.indicators import Disaggregation, Indicator, IndicatorSource, IndicatorValue
from domain.models.surveys import SurveyKind
from domain.reporting.cycle_results import PERIOD_RULE, cycle_results
from domain.reporting.knowledge import knowledge_gain
from domain.reporting.schemas import CycleResults, KnowledgeGain, SexSplit
from domain.survey_results.schemas import SexMeans, SurveyResults
from domain.survey_results.service import cycle_survey_results

_SURVEY_SOURCES = {
    IndicatorSource.reaction_mean: SurveyKind.reaction,
    IndicatorSource.followup_application_rate: SurveyKind.followup,
}
ENTERED_RULE = "An entered indicator shows the latest value entered for a period within the one asked for."


async def indicator_report(
    session: AsyncSession,
    *,
    principal: Principal,
    cycle_id: uuid.UUID,
    period_start: date | None = None,
    period_end: date | None = None,
    threshold: int | None = None,
) -> IndicatorReport:
    if period_start and period_end and period_start > period_end:
        raise InvalidInput(
            translatable("The period ends before it starts."),
            errors=[{"field": "period_end", "message": "must be on or after period_start"}],
        )
    cycle = await readable_cycle(session, principal, cycle_id)
    indicators = list(
        await session.scalars(select(Indicator).where(Indicator.cycle_id == cycle_id).order_by(Indicator.code))
    )
    sources = {i.source for i in indicators}
    results: CycleResults | None = None
    knowledge: KnowledgeGain | None = None
    if sources & {IndicatorSource.trained_individuals, IndicatorSource.women_share}:
        results = await cycle_results(
            session,
            principal=principal,
            cycle_id=cycle_id,
            date_from=period_start,
            date_to=period_end,
            threshold=threshold,
        )
    if IndicatorSource.increased_knowledge in sources:
        knowledge = await knowledge_gain(
            session,
            principal=principal,
            cycle_id=cycle_id,
            date_from=period_start,
            date_to=period_end,
            threshold=threshold,
        )
    surveys: dict[IndicatorSource, SurveyResults] = {}
    for source, kind in _SURVEY_SOURCES.items():
        if source in sources:
            surveys[source] = await cycle_survey_results(
                session,
                principal=principal,
                cycle_id=cycle_id,
                kind=kind,
                date_from=period_start,
                date_to=period_end,
                threshold=threshold,
            )
    entered = await _entered(session, cycle_id, period_start, period_end) if IndicatorSource.entered in sources else {}
    figures = [_figure(i, results, knowledge, surveys.get(i.source), entered.get(i.id)) for i in indicators]
    suppressed = any(r is not None and r.suppression.applied for r in (results, knowledge)) or any(
        _withheld(s) for s in surveys.values()
    )
    return IndicatorReport(
        cycle_id=cycle.id,
        cycle_title=cycle.title,
        period=IndicatorReportPeriod(
            period_start=period_start, period_end=period_end, rule=f"{PERIOD_RULE} {ENTERED_RULE}"
        ),
        knowledge_definition=cycle.knowledge_definition.value,
        indicators=figures,
        suppression_applied=suppressed,
    )


async def _entered(
    session: AsyncSession, cycle_id: uuid.UUID, start: date | None, end: date | None
) -> dict[uuid.UUID, IndicatorValue]:
    """Per entered indicator, the latest value entered for a period within [start, end]."""
    stmt = (
        select(IndicatorValue)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.cycle_id == cycle_id, Indicator.source == IndicatorSource.entered)
    )
    if start is not None:
        stmt = stmt.where(IndicatorValue.period_start >= start)
    if end is not None:
        stmt = stmt.where(IndicatorValue.period_end <= end)
    latest: dict[uuid.UUID, IndicatorValue] = {}
    order = (IndicatorValue.period_end.desc(), IndicatorValue.period_start.desc(), IndicatorValue.id.desc())
    for value in await session.scalars(stmt.order_by(*order)):
        latest.setdefault(value.indicator_id, value)
    return latest


def _base(i: Indicator) -> dict[str, Any]:
    return {
        "indicator_id": i.id,
        "code": i.code,
        "title": i.title,
        "unit": i.unit,
        "baseline": i.baseline,
        "target": i.target,
        "disaggregation": i.disaggregation,
        "source": i.source,
        "data_source": i.data_source,
        "approved": i.approved,
    }


def _counts(split: SexSplit, by_sex: bool) -> dict[str, Any]:
    withheld = {"total": "current_value", "female": "female", "male": "male"}
    out: dict[str, Any] = {"current_value": split.total, "female": None, "male": None}
    if by_sex:
        out |= {"female": split.female, "male": split.male}
    out["suppressed"] = sorted(withheld[f] for f in split.suppressed if f in withheld and (by_sex or f == "total"))
    return out


def _withheld(results: SurveyResults) -> bool:
    application = results.application
    return bool(results.overall.score.suppressed or (application is not None and application.rate.suppressed))


def _means(means: SexMeans, scale: float, by_sex: bool) -> dict[str, Any]:
    """A mean (0-1 rate or 0-100 score) as the indicator's figures; withheld where the results withhold it."""
    withheld = {"total": "current_value", "female": "female", "male": "male"}

    def value(x: float | None) -> float | None:
        return None if x is None else round(x * scale, 1)

    out: dict[str, Any] = {"current_value": value(means.total), "female": None, "male": None}
    if by_sex:
        out |= {"female": value(means.female), "male": value(means.male)}
    out["suppressed"] = sorted(withheld[f] for f in means.suppressed if f in withheld and (by_sex or f == "total"))
    return out


def _survey_figure(i: Indicator, results: SurveyResults, by_sex: bool) -> dict[str, Any]:
    """reaction_mean: the overall score (0-100) of the cycle's reaction surveys, over the rating
    answers (the denominator); followup_application_rate: the application rate in percent, over
    those who answered the question (the denominator). The survey results' figures, as they are."""
    if i.source is IndicatorSource.reaction_mean:
        doc = _means(results.overall.score, 1, by_sex) | {"denominator": results.overall.answers.total}
        denominator_withheld = "total" in results.overall.answers.suppressed
    else:
        assert results.application is not None  # a follow-up's results
        doc = _means(results.application.rate, 100, by_sex) | {"denominator": results.application.answered.total}
        denominator_withheld = "total" in results.application.answered.suppressed
    if denominator_withheld:
        doc["suppressed"] = sorted({*doc["suppressed"], "denominator"})
    return doc


def _figure(
    i: Indicator,
    results: CycleResults | None,
    knowledge: KnowledgeGain | None,
    survey: SurveyResults | None,
    value: IndicatorValue | None,
) -> IndicatorFigure:
    by_sex = i.disaggregation is Disaggregation.sex
    doc = _base(i) | {"status": "computed", "current_value": None, "female": None, "male": None}
    if i.source is IndicatorSource.trained_individuals and results is not None:
        doc |= _counts(results.individuals_trained, by_sex)
    elif i.source is IndicatorSource.women_share and results is not None:
        share = results.female_share.female_share
        doc["current_value"] = None if share is None else round(share * 100, 1)
        doc["suppressed"] = ["current_value"] if "female_share" in results.female_share.suppressed else []
    elif i.source is IndicatorSource.increased_knowledge and knowledge is not None:
        doc |= _counts(knowledge.increased, by_sex) | {"denominator": knowledge.tested.total}
        if knowledge.tested.total is None:
            doc["suppressed"] = sorted({*doc["suppressed"], "denominator"})
    elif i.source in _SURVEY_SOURCES and survey is not None:
        doc |= _survey_figure(i, survey, by_sex)
    elif value is None:
        doc["status"] = "not_entered"
    else:
        doc |= {
            "status": "entered",
            "current_value": value.value,
            "female": value.female if by_sex else None,
            "male": value.male if by_sex else None,
            "evidence": value.evidence,
            "evidence_url": value.evidence_url,
        }
    return IndicatorFigure.model_validate(doc)
