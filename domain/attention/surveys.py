"""The dashboard's kind about surveys: modules whose reaction survey scores below the threshold
their cycle sets (0-100, the survey results' score: domain/survey_results/rules.py), counted only
once at least the suppression threshold of participants answered, so that one voice is no alarm.
One statement: the score is averaged in the database over every rating answer."""

from __future__ import annotations

from sqlalchemy import case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import internal
from domain.attention.schemas import ModuleBrief, ReactionBelowThreshold
from domain.attention.scope import planned_cycles
from domain.auth.principal import Principal
from domain.models.catalogue import Module, ModuleStatus
from domain.models.cycles import Cycle
from domain.models.surveys import ModuleSurvey, Question, QuestionKind, SurveyAnswer, SurveyKind, SurveyResponse
from domain.settings import get_settings


async def reaction_below_threshold(session: AsyncSession, *, principal: Principal) -> list[ReactionBelowThreshold]:
    scale = case((Question.kind == QuestionKind.rating_5, 5), else_=10)
    score = func.avg((SurveyAnswer.rating - 1) * 100.0 / (scale - 1))
    respondents = func.count(distinct(SurveyResponse.id))
    stmt = (
        select(
            Module.id,
            Module.code,
            Module.title,
            Module.status,
            ModuleSurvey.id.label("survey_id"),
            Cycle.reaction_alert_below,
            score.label("score"),
            respondents.label("respondents"),
        )
        .select_from(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(Question, Question.id == SurveyAnswer.question_id)
        .join(ModuleSurvey, ModuleSurvey.id == SurveyResponse.survey_id)
        .join(Module, Module.id == ModuleSurvey.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .where(
            planned_cycles(principal),
            Cycle.reaction_alert_below.is_not(None),
            ModuleSurvey.kind == SurveyKind.reaction,
            Module.status != ModuleStatus.cancelled,
            SurveyAnswer.rating.is_not(None),
        )
        .group_by(Module.id, Module.code, Module.title, Module.status, ModuleSurvey.id, Cycle.reaction_alert_below)
        .having(respondents >= get_settings().report_suppression_threshold, score < Cycle.reaction_alert_below)
        .order_by(score, Module.code)
    )
    rows = await session.execute(internal(stmt, "a module's mean reaction score and how many answered: no person"))
    return [
        ReactionBelowThreshold(
            module=ModuleBrief(id=r.id, code=r.code, title=r.title, status=r.status),
            survey_id=r.survey_id,
            score=round(float(r.score), 2),
            respondents=r.respondents,
            threshold=r.reaction_alert_below,
        )
        for r in rows
    ]
