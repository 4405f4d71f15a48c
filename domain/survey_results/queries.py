"""The statements of the survey results: each aggregates in the database (GROUP BY) and returns
a row per group, never a row per answer (free texts aside, for those who may read them). Every
statement carries the reports' need-to-know (the cycle's modules in scope, checked against the
principal when the scope was resolved) and, within an agency subtree, the respondents' agency."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.sql import SQLColumnExpression

from domain.agencies.tree import in_subtree
from domain.models.agencies import Agency
from domain.models.catalogue import Module
from domain.models.enrolment import Nomination
from domain.models.surveys import (
    ModuleSurvey,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    SurveyAnswer,
    SurveyInvitation,
    SurveyKind,
    SurveyResponse,
)
from domain.reporting.filters import Scope, agency_group, cycle_module_conditions


def surveys_in(scope: Scope, kind: SurveyKind, survey_id: uuid.UUID | None) -> list[ColumnElement[bool]]:
    """The surveys of this kind of the cycle's modules in scope (the query joins Module)."""
    conds = [*cycle_module_conditions(scope), ModuleSurvey.kind == kind]
    if survey_id is not None:
        conds.append(ModuleSurvey.id == survey_id)
    return conds


def _labelled(g: Any) -> Select[Any]:
    """Agency groups (their path in g.c.key) with the agency's id and English name."""
    return (
        select(g, Agency.id.label("agency_id"), Agency.name_en.label("label"))
        .join(Agency, Agency.path == g.c.key)
        .order_by(Agency.name_en, Agency.id)
    )


def response_rates(scope: Scope, conds: list[ColumnElement[bool]]) -> Select[Any]:
    """Invited and answered per agency group of the invited participation's nominating unit."""
    key = agency_group(Agency.path, scope.agency_prefix).label("key")
    stmt = (
        select(
            key,
            func.count().label("invited"),
            func.count().filter(SurveyInvitation.answered.is_(True)).label("answered"),
        )
        .select_from(SurveyInvitation)
        .join(ModuleSurvey, ModuleSurvey.id == SurveyInvitation.survey_id)
        .join(Module, Module.id == ModuleSurvey.module_id)
        .join(Nomination, Nomination.id == SurveyInvitation.nomination_id)
        .join(Agency, Agency.id == Nomination.agency_id)
        .where(*conds)
    )
    if scope.agency_prefix is not None:
        stmt = stmt.where(in_subtree(Agency.path, scope.agency_prefix))
    return _labelled(stmt.group_by(key).subquery())


def questions(conds: list[ColumnElement[bool]]) -> Select[Any]:
    """The questions of every (version, audience) the surveys in scope asked, with how many
    surveys asked them; ordered as they are reported."""
    g = (
        select(ModuleSurvey.version_id, ModuleSurvey.audience, func.count().label("surveys"))
        .select_from(ModuleSurvey)
        .join(Module, Module.id == ModuleSurvey.module_id)
        .where(*conds, ModuleSurvey.version_id.is_not(None))
        .group_by(ModuleSurvey.version_id, ModuleSurvey.audience)
        .subquery()
    )
    return (
        select(
            g.c.version_id,
            g.c.audience,
            g.c.surveys,
            QuestionnaireVersion.number,
            Questionnaire.id.label("questionnaire_id"),
            Questionnaire.title_en,
            Questionnaire.title_ar,
            Question.id.label("question_id"),
            Question.key,
            Question.kind,
            Question.text_en,
            Question.text_ar,
            Question.choices,
        )
        .join(QuestionnaireVersion, QuestionnaireVersion.id == g.c.version_id)
        .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
        .join(Question, Question.version_id == g.c.version_id)
        .order_by(Questionnaire.title_en, QuestionnaireVersion.number, g.c.audience, Question.position)
    )


def _responses(scope: Scope, conds: list[ColumnElement[bool]], *cols: SQLColumnExpression[Any]) -> Select[Any]:
    stmt = (
        select(SurveyResponse.version_id, ModuleSurvey.audience, *cols)
        .select_from(SurveyResponse)
        .join(ModuleSurvey, ModuleSurvey.id == SurveyResponse.survey_id)
        .join(Module, Module.id == ModuleSurvey.module_id)
        .where(*conds)
    )
    if scope.agency_prefix is not None:
        stmt = stmt.join(Agency, Agency.id == SurveyResponse.agency_id).where(
            in_subtree(Agency.path, scope.agency_prefix)
        )
    return stmt


def respondents(scope: Scope, conds: list[ColumnElement[bool]]) -> Select[Any]:
    """Responses per (version, audience, sex)."""
    stmt = _responses(scope, conds, SurveyResponse.sex, func.count().label("n"))
    return stmt.group_by(SurveyResponse.version_id, ModuleSurvey.audience, SurveyResponse.sex)


def _answers(scope: Scope, conds: list[ColumnElement[bool]], *cols: SQLColumnExpression[Any]) -> Select[Any]:
    return _responses(scope, conds, SurveyAnswer.question_id, *cols).join(
        SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id
    )


def ratings(scope: Scope, conds: list[ColumnElement[bool]]) -> Select[Any]:
    """Rating answers per (version, audience, question, rating, sex)."""
    cols = (SurveyAnswer.rating, SurveyResponse.sex)
    stmt = _answers(scope, conds, *cols, func.count().label("n")).where(SurveyAnswer.rating.is_not(None))
    return stmt.group_by(SurveyResponse.version_id, ModuleSurvey.audience, SurveyAnswer.question_id, *cols)


def ratings_by_agency(scope: Scope, conds: list[ColumnElement[bool]]) -> Select[Any]:
    """Rating answers and their sum per (version, audience, question, agency group)."""
    key = agency_group(Agency.path, scope.agency_prefix).label("key")
    stmt = _answers(scope, conds, key, func.count().label("n"), func.sum(SurveyAnswer.rating).label("total"))
    if scope.agency_prefix is None:
        stmt = stmt.join(Agency, Agency.id == SurveyResponse.agency_id)
    stmt = stmt.where(SurveyAnswer.rating.is_not(None)).group_by(
        SurveyResponse.version_id, ModuleSurvey.audience, SurveyAnswer.question_id, key
    )
    return _labelled(stmt.subquery())


def choices(scope: Scope, conds: list[ColumnElement[bool]]) -> Select[Any]:
    """Chosen keys per (version, audience, question, choice, sex); free-text answers counted
    under a null choice."""
    cols = (SurveyAnswer.choice, SurveyResponse.sex)
    answered = or_(SurveyAnswer.choice.is_not(None), SurveyAnswer.text.is_not(None))
    stmt = _answers(scope, conds, *cols, func.count().label("n")).where(answered)
    return stmt.group_by(SurveyResponse.version_id, ModuleSurvey.audience, SurveyAnswer.question_id, *cols)


def texts(scope: Scope, conds: list[ColumnElement[bool]]) -> Select[Any]:
    """Free-text answers, alphabetically (never in the order given: that would hint at who)."""
    stmt = _answers(scope, conds, SurveyAnswer.text).where(SurveyAnswer.text.is_not(None))
    return stmt.order_by(SurveyAnswer.question_id, SurveyAnswer.text)
