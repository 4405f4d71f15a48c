"""Questionnaires: a site library of versioned, bilingual templates. Administrators and
coordinators create, read and change them (audited); a change to a version that already has an
answer makes a new version (results never mix versions)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import internal
from domain.audit.service import record_change
from domain.auth.policy import PLANNING_WRITE, authorize
from domain.auth.principal import Principal
from domain.crud import check_version, get_or_404
from domain.db import utcnow
from domain.errors import InvalidInput
from domain.i18n import translatable
from domain.models.surveys import Question, Questionnaire, QuestionnaireVersion, SurveyResponse
from domain.pagination import Paged, paginate
from domain.surveys import rules
from domain.surveys.schemas import QuestionIn, QuestionnaireCreate, QuestionnaireUpdate

ENTITY = "questionnaire"


@dataclass
class QuestionnaireView:
    """A questionnaire with its current version's questions (QuestionnaireRead)."""

    questionnaire: Questionnaire
    content: QuestionnaireVersion  # its current version (`version` is the ETag's, as on every entity)
    questions: list[Question]

    def __getattr__(self, name: str) -> object:
        return getattr(self.questionnaire, name)

    @property
    def version_id(self) -> uuid.UUID:
        return self.content.id


def _check(questions: list[QuestionIn]) -> None:
    errors = rules.check_questions(questions)
    if errors:
        raise InvalidInput(
            translatable("The questions are not valid."),
            errors=[{"field": e.field, "message": e.message} for e in errors],
        )


def _rows(version_id: uuid.UUID, questions: list[QuestionIn]) -> list[Question]:
    return [
        Question(
            version_id=version_id,
            position=i + 1,
            key=q.key,
            kind=q.kind,
            text_en=q.text_en,
            text_ar=q.text_ar,
            required=q.required,
            choices=[c.model_dump() for c in q.choices] if q.choices else None,
        )
        for i, q in enumerate(questions)
    ]


async def questions_of(session: AsyncSession, version_id: uuid.UUID) -> list[Question]:
    rows = await session.scalars(select(Question).where(Question.version_id == version_id).order_by(Question.position))
    return list(rows)


async def current_version(session: AsyncSession, questionnaire: Questionnaire) -> QuestionnaireVersion:
    version = await session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.number == questionnaire.current_version,
        )
    )
    assert version is not None  # made with the questionnaire, never deleted
    return version


async def _view(session: AsyncSession, questionnaire: Questionnaire) -> QuestionnaireView:
    version = await current_version(session, questionnaire)
    return QuestionnaireView(questionnaire, version, await questions_of(session, version.id))


async def create_questionnaire(
    session: AsyncSession, *, principal: Principal, data: QuestionnaireCreate
) -> QuestionnaireView:
    authorize(principal, PLANNING_WRITE)
    _check(data.questions)
    questionnaire = Questionnaire(
        title_en=data.title_en, title_ar=data.title_ar, current_version=1, created_by=principal.name
    )
    session.add(questionnaire)
    await session.flush()
    version = QuestionnaireVersion(questionnaire_id=questionnaire.id, number=1, created_by=principal.name)
    session.add(version)
    await session.flush()
    session.add_all(_rows(version.id, data.questions))
    await session.flush()
    record_change(
        session,
        principal=principal,
        action="created",
        entity=ENTITY,
        entity_id=questionnaire.id,
        changes={"title_en": (None, data.title_en), "questions": (None, len(data.questions))},
    )
    return await _view(session, questionnaire)


async def get_questionnaire(
    session: AsyncSession, *, principal: Principal, questionnaire_id: uuid.UUID
) -> QuestionnaireView:
    authorize(principal, PLANNING_WRITE)
    return await _view(session, await get_or_404(session, Questionnaire, questionnaire_id))


async def list_questionnaires(
    session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None
) -> Paged[Questionnaire]:
    authorize(principal, PLANNING_WRITE)
    stmt = select(Questionnaire)
    return await paginate(session, stmt, order=(Questionnaire.title_en, Questionnaire.id), limit=limit, cursor=cursor)


async def update_questionnaire(
    session: AsyncSession,
    *,
    principal: Principal,
    questionnaire_id: uuid.UUID,
    data: QuestionnaireUpdate,
    expected_version: int | None,
) -> QuestionnaireView:
    """Replace the content. The current version without answers changes in place; with answers,
    the content becomes version n + 1 (surveys already open keep theirs)."""
    authorize(principal, PLANNING_WRITE)
    questionnaire = await get_or_404(session, Questionnaire, questionnaire_id)
    check_version(questionnaire, expected_version)
    _check(data.questions)
    version = await current_version(session, questionnaire)
    answered = bool(
        await session.scalar(
            internal(
                select(exists().where(SurveyResponse.version_id == version.id)),
                "whether a version has any answer (yes or no), to decide on a new version",
            )
        )
    )
    before = questionnaire.current_version
    if rules.needs_new_version(answered):
        version = QuestionnaireVersion(questionnaire_id=questionnaire.id, number=before + 1, created_by=principal.name)
        session.add(version)
        await session.flush()
        questionnaire.current_version = before + 1
    else:
        await session.execute(delete(Question).where(Question.version_id == version.id))
    session.add_all(_rows(version.id, data.questions))
    questionnaire.title_en, questionnaire.title_ar = data.title_en, data.title_ar
    questionnaire.updated_at = utcnow()  # its version (the ETag) moves even when only questions changed
    await session.flush()
    record_change(
        session,
        principal=principal,
        action="updated",
        entity=ENTITY,
        entity_id=questionnaire.id,
        changes={"current_version": (before, questionnaire.current_version), "questions": (None, len(data.questions))},
    )
    return await _view(session, questionnaire)
