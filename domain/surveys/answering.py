"""Answering with a personal link, without an account. The token is the only credential: one
statement finds its invitation among the open surveys' live links by the token's hash; an unknown,
expired, re-issued or closed link takes the same path and the same single statement and ends in
the same NotFound, so no answer (or its timing) tells them apart, and nothing is changed.

The page shows the module's title and the questions, and the link's own answer so far; never a
person. Anonymous surveys keep the response apart from the invitation (docs/surveys.md)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import internal
from domain.audit.service import record_change
from domain.db import utcnow
from domain.errors import InvalidInput, NotFound
from domain.i18n import supported, translatable
from domain.models.catalogue import Module
from domain.models.enrolment import Nomination
from domain.models.officers import Officer
from domain.models.surveys import (
    ModuleSurvey,
    Question,
    Questionnaire,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    SurveyStatus,
)
from domain.surveys import issuing, rules
from domain.surveys.schemas import QuestionRead, SurveyForm


class Respondent:
    """Audit's actor for an answer: nobody named (the link holder)."""

    id: uuid.UUID | None = None
    name = "survey link"


@dataclass
class Link:
    invitation: SurveyInvitation
    survey: ModuleSurvey
    module_title: str
    title_en: str
    title_ar: str


def missing() -> NotFound:
    return NotFound(translatable("There is nothing at this address."), code="not-found", title="Not found")


async def find_link(session: AsyncSession, token: str, *, now: datetime | None = None) -> Link:
    """The live link a token is, or NotFound (the same for every reason)."""
    now = now or utcnow()
    digest = rules.token_hash(token[:200])
    row = (
        await session.execute(
            internal(
                select(SurveyInvitation, ModuleSurvey, Module.title, Questionnaire.title_en, Questionnaire.title_ar)
                .join(ModuleSurvey, ModuleSurvey.id == SurveyInvitation.survey_id)
                .join(Module, Module.id == ModuleSurvey.module_id)
                .join(Questionnaire, Questionnaire.id == ModuleSurvey.questionnaire_id)
                .where(
                    SurveyInvitation.token_hash == digest,
                    SurveyInvitation.expires_at > now,
                    ModuleSurvey.status == SurveyStatus.open,
                    ModuleSurvey.closes_at > now,
                ),
                "a link holder finds their own invitation by the token's hash; nothing of a person is answered",
            )
        )
    ).first()
    if row is None or not rules.looks_like_token(token):
        raise missing()
    return Link(*row)


async def _questions(session: AsyncSession, link: Link) -> list[Question]:
    assert link.survey.version_id is not None
    rows = await session.scalars(
        select(Question).where(Question.version_id == link.survey.version_id).order_by(Question.position)
    )
    return list(rows)


async def _response(session: AsyncSession, token: str) -> SurveyResponse | None:
    return await session.scalar(
        internal(
            select(SurveyResponse).where(SurveyResponse.response_key == rules.response_key(token)),
            "a link holder's own response, found only through their token",
        )
    )


async def _answers(session: AsyncSession, response: SurveyResponse, questions: list[Question]) -> dict[str, Any]:
    keys = {q.id: q for q in questions}
    rows = await session.scalars(
        internal(
            select(SurveyAnswer).where(SurveyAnswer.response_id == response.id).order_by(SurveyAnswer.choice),
            "a link holder's own answers, to change them",
        )
    )
    found: dict[str, Any] = {}
    for a in rows:
        q = keys.get(a.question_id)
        if q is None:
            continue
        if a.rating is not None:
            found[q.key] = a.rating
        elif a.text is not None:
            found[q.key] = a.text
        elif q.kind.value == "multiple_choice":
            found.setdefault(q.key, []).append(a.choice)
        else:
            found[q.key] = a.choice
    for q in questions:  # chosen keys in the order the question lists them
        if isinstance(found.get(q.key), list):
            order = [c["key"] for c in q.choices or []]
            found[q.key].sort(key=lambda k: order.index(k) if k in order else len(order))
    return found


def language_for(link: Link, asked: str | None) -> str:
    return (supported(asked) if asked else None) or link.invitation.language


async def survey_form(session: AsyncSession, *, token: str, language: str | None = None) -> SurveyForm:
    link = await find_link(session, token)
    questions = await _questions(session, link)
    response = await _response(session, token)
    tag = language_for(link, language)
    assert link.survey.closes_at is not None
    return SurveyForm(
        module_title=link.module_title,
        title=link.title_ar if tag == "ar" else link.title_en,
        language=tag,
        closes_at=link.survey.closes_at,
        questions=[QuestionRead.model_validate(q) for q in questions],
        answers=await _answers(session, response, questions) if response else None,
    )


async def answer(session: AsyncSession, *, token: str, answers: dict[str, Any]) -> SurveyForm:
    """Store (or replace) the link's answer; the first answer of a link is an event."""
    link = await find_link(session, token)
    questions = await _questions(session, link)
    rows, errors = rules.check_answers(questions, answers)
    if errors:
        raise InvalidInput(
            translatable("Some answers are not valid."),
            errors=[{"field": f"answers.{e.field}", "message": e.message} for e in errors],
        )
    response = await _response(session, token)
    first = response is None
    if response is None:
        sex, agency_id = (
            await session.execute(
                internal(
                    select(Officer.sex, Nomination.agency_id)
                    .join(Officer, Officer.id == Nomination.officer_id)
                    .where(Nomination.id == link.invitation.nomination_id),
                    "the respondent's sex and agency, kept for the results by sex and agency (suppressed when small)",
                )
            )
        ).one()
        assert link.survey.version_id is not None
        response = SurveyResponse(
            survey_id=link.survey.id,
            version_id=link.survey.version_id,
            response_key=rules.response_key(token),
            invitation_id=None if link.survey.anonymous else link.invitation.id,
            sex=sex,
            agency_id=agency_id,
        )
        session.add(response)
        await session.flush()
    else:
        await session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id == response.id))
    by_key = {q.key: q.id for q in questions}
    session.add_all(
        SurveyAnswer(response_id=response.id, question_id=by_key[r.key], rating=r.rating, choice=r.choice, text=r.text)
        for r in rows
    )
    if first:
        link.invitation.answered = True
    await session.flush()
    # The survey's trail, never the link's: nothing here joins an answer to a person.
    record_change(
        session,
        principal=Respondent(),
        action="answered" if first else "answer changed",
        entity="module survey",
        entity_id=link.survey.id,
    )
    if first:
        await issuing.survey_event(session, "survey.answered", link.survey)
    return await survey_form(session, token=token, language=link.invitation.language)
