"""Survey results (issue 22, item 3): per module survey, and per cycle (one kind, optionally one
agency and one period), the response rate, and per questionnaire version and audience every
question's figures: ratings' means and distributions by sex and by agency, choices' counts, and
free texts for administrators and the programme's coordinators only.

Who sees which results is the reports' rule (domain/access/reports.py): a coordinator their
programmes, a focal point their agency's subtree, observers and machine clients everything. The
answers are opinions given on a promise of anonymity: their small cells are withheld for every
reader; invited/answered counts are withheld as in the other reports (observers, machine clients).

A fixed number of statements whatever the data: the scope's look-ups, then one per figure."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.policy import REPORTS_READ, authorize
from domain.auth.principal import Principal
from domain.errors import NotFound
from domain.i18n import translatable
from domain.models.auth import Role
from domain.models.catalogue import Module
from domain.models.surveys import ModuleSurvey, SurveyKind
from domain.reporting.cycle_results import PERIOD_RULE
from domain.reporting.filters import Scope, resolve_scope
from domain.settings import get_settings
from domain.survey_results import queries
from domain.survey_results.assembly import assemble
from domain.survey_results.rules import APPLICATION_RULE, SCORE_RULE
from domain.survey_results.schemas import SurveyResults
from domain.survey_results.suppression import SUPPRESSION_RULE, suppress

FREE_TEXT_ROLES = frozenset({Role.admin, Role.coordinator})


async def module_survey_results(
    session: AsyncSession,
    *,
    principal: Principal,
    survey_id: uuid.UUID,
    agency_id: uuid.UUID | None = None,
    threshold: int | None = None,
) -> SurveyResults:
    authorize(principal, REPORTS_READ)
    row = (
        await session.execute(
            select(ModuleSurvey.kind, Module.id, Module.cycle_id)
            .join(Module, Module.id == ModuleSurvey.module_id)
            .where(ModuleSurvey.id == survey_id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(
            translatable("No module survey with id {id}.", id=survey_id), entity="module_surveys", id=str(survey_id)
        )
    kind, module_id, cycle_id = row
    scope = await resolve_scope(session, principal, cycle_id=cycle_id, agency_id=agency_id)
    doc = await _results(session, principal, scope, kind, survey_id=survey_id, threshold=threshold)
    return SurveyResults.model_validate(doc | {"survey_id": survey_id, "module_id": module_id, "agency_id": agency_id})


async def cycle_survey_results(
    session: AsyncSession,
    *,
    principal: Principal,
    cycle_id: uuid.UUID,
    kind: SurveyKind,
    agency_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    threshold: int | None = None,
) -> SurveyResults:
    scope = await resolve_scope(
        session, principal, cycle_id=cycle_id, agency_id=agency_id, date_from=date_from, date_to=date_to
    )
    doc = await _results(session, principal, scope, kind, survey_id=None, threshold=threshold)
    return SurveyResults.model_validate(doc | {"survey_id": None, "module_id": None, "agency_id": agency_id})


async def _results(
    session: AsyncSession,
    principal: Principal,
    scope: Scope,
    kind: SurveyKind,
    *,
    survey_id: uuid.UUID | None,
    threshold: int | None,
) -> dict[str, Any]:
    assert scope.cycle is not None  # both entry points resolve a cycle
    conds = queries.surveys_in(scope, kind, survey_id)
    free_text = principal.role in FREE_TEXT_ROLES
    rates = (await session.execute(queries.response_rates(scope, conds))).mappings().all()
    questions = (await session.execute(queries.questions(conds))).mappings().all()
    respondents = (await session.execute(queries.respondents(scope, conds))).mappings().all()
    ratings = (await session.execute(queries.ratings(scope, conds))).mappings().all()
    by_agency = (await session.execute(queries.ratings_by_agency(scope, conds))).mappings().all()
    choices = (await session.execute(queries.choices(scope, conds))).mappings().all()
    texts = (await session.execute(queries.texts(scope, conds))).mappings().all() if free_text else None
    doc = assemble(
        kind=kind,
        rates=rates,
        questions=questions,
        respondents=respondents,
        ratings=ratings,
        by_agency=by_agency,
        choices=choices,
        texts=texts,
    )
    threshold = threshold or get_settings().report_suppression_threshold
    suppress(doc, threshold, response_counts=not scope.exact)
    return doc | {
        "cycle_id": scope.cycle.id,
        "kind": kind,
        "date_from": scope.date_from,
        "date_to": scope.date_to,
        "free_text_shown": free_text,
        "score_rule": SCORE_RULE,
        "application_rule": APPLICATION_RULE,
        "period_rule": PERIOD_RULE,
        "suppression": {
            "threshold": threshold,
            "response_counts_exact": scope.exact,
            "rule": SUPPRESSION_RULE.format(t_1=threshold - 1),
        },
    }
