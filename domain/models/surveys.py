"""Questionnaires (versioned, bilingual), the surveys a module runs with them (a reaction survey
after delivery, follow-ups months later for participants and for their supervisors), the personal
links (only their hashes), and the answers, kept apart from who gave them where the survey is
anonymous. docs/surveys.md explains the rules; domain/surveys holds them."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, Entity, utcnow
from domain.enums import enum_column
from domain.ids import uuid7
from domain.models.officers import Sex


class QuestionKind(StrEnum):
    rating_5 = "rating_5"  # 1..5
    rating_10 = "rating_10"  # 1..10
    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    free_text = "free_text"


class Questionnaire(Entity):
    """A reusable template, shared by every programme (a site library, like Moodle's site
    feedback): its content is in its versions; `current_version` is the one a survey takes when it
    opens."""

    __tablename__ = "questionnaires"

    title_en: Mapped[str] = mapped_column(String(300))
    title_ar: Mapped[str] = mapped_column(String(300))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(200))


class QuestionnaireVersion(Base):
    """One frozen content of a questionnaire once it has an answer: editing a version without
    answers changes it in place, editing one with answers makes the next number."""

    __tablename__ = "questionnaire_versions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    questionnaire_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class Question(Base):
    """A question of one version. `key` is stable across versions (results of two versions are
    never mixed, but a key lets a reader line them up by hand). Choices: [{"key", "label_en",
    "label_ar"}], in the order shown."""

    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("version_id", "key"), UniqueConstraint("version_id", "position"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("questionnaire_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(60))
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind, "question_kind"))
    text_en: Mapped[str] = mapped_column(Text)
    text_ar: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    choices: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class SurveyKind(StrEnum):
    reaction = "reaction"  # Kirkpatrick level 1: opens when the module's last session ends
    followup = "followup"  # level 3: opens N days after delivery


class SurveyAudience(StrEnum):
    participants = "participants"  # the module's enrolled / completed / not completed participants
    supervisors = "supervisors"  # the supervisors their agency's focal point named (follow-ups only)


class SurveyStatus(StrEnum):
    scheduled = "scheduled"  # attached, not yet open: the questionnaire's current version is shown
    open = "open"  # links issued, version pinned, answers taken until closes_at
    closed = "closed"  # links dead; answers frozen


class ModuleSurvey(Entity):
    """A survey a module runs. Times are counted from delivery (the end of the module's last
    session): opens at delivery + open_after_days, closes open_for_days after opening; both
    computed when it opens and kept (a session moved later does not move an open survey)."""

    __tablename__ = "module_surveys"
    __table_args__ = (
        UniqueConstraint("module_id", "kind", "audience"),
        CheckConstraint("open_after_days >= 0", name="open_after_not_negative"),
        CheckConstraint("open_for_days >= 1", name="open_for_positive"),
        CheckConstraint("kind = 'followup' OR audience = 'participants'", name="reaction_participants"),
    )

    module_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    questionnaire_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("questionnaires.id"), index=True)
    kind: Mapped[SurveyKind] = mapped_column(enum_column(SurveyKind, "survey_kind"))
    audience: Mapped[SurveyAudience] = mapped_column(enum_column(SurveyAudience, "survey_audience"))
    anonymous: Mapped[bool] = mapped_column(Boolean)
    open_after_days: Mapped[int] = mapped_column(Integer)
    open_for_days: Mapped[int] = mapped_column(Integer)
    status: Mapped[SurveyStatus] = mapped_column(
        enum_column(SurveyStatus, "survey_status"), default=SurveyStatus.scheduled, index=True
    )
    # Pinned when it opens: every answer of the survey is to this version.
    version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("questionnaire_versions.id"), index=True)
    opened_at: Mapped[datetime | None] = mapped_column()
    closes_at: Mapped[datetime | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(200))


class Supervisor(Entity):
    """The supervisor of one participation, named by the focal point of the participant's agency,
    asked the supervisors' follow-up. Personal data (need-to-know: domain/access/surveys.py)."""

    __tablename__ = "survey_supervisors"

    nomination_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(35), default="ar")
    named_by: Mapped[str] = mapped_column(String(200))


class SurveyInvitation(Base):
    """One person's link to one survey: only the SHA-256 of the token is kept. For participants'
    surveys the person is the nomination's officer; for supervisors' the nomination's supervisor.
    `answered` is all it says of the answer (response rates, reminders): no time, no response id."""

    __tablename__ = "survey_invitations"
    __table_args__ = (UniqueConstraint("survey_id", "nomination_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("module_surveys.id", ondelete="CASCADE"), index=True)
    nomination_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("nominations.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(35))
    expires_at: Mapped[datetime] = mapped_column()
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issues: Mapped[int] = mapped_column(Integer, default=1)  # 1 + the times a coordinator re-issued it
    answered: Mapped[bool] = mapped_column(Boolean, default=False)


class SurveyResponse(Base):
    """One link's answer (changeable until the survey closes). Anonymous surveys: no invitation
    id and no time, a random id (not time-ordered), found again only through `response_key`
    (HMAC of the token, distinct from the invitation's hash); sex and agency are kept for the
    disaggregated results, which suppression protects. Identified surveys keep invitation_id."""

    __tablename__ = "survey_responses"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    survey_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("module_surveys.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("questionnaire_versions.id"), index=True)
    response_key: Mapped[str] = mapped_column(String(64), unique=True)
    invitation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("survey_invitations.id", ondelete="SET NULL"), unique=True
    )
    sex: Mapped[Sex | None] = mapped_column(enum_column(Sex, "sex"))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agencies.id"), index=True)


class SurveyAnswer(Base):
    """One answer to one question: `rating` (rating kinds), `choice` (one row per chosen key for
    choice kinds), `text` (free text). Rows, not a JSON blob, so results are plain SQL."""

    __tablename__ = "survey_answers"
    __table_args__ = (CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 10)", name="rating_range"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    response_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("survey_questions.id"), index=True)
    rating: Mapped[int | None] = mapped_column(Integer)
    choice: Mapped[str | None] = mapped_column(String(60))
    text: Mapped[str | None] = mapped_column(Text)
