"""Questionnaires, module surveys, supervisors, links and answers as the API takes and gives them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StrictInt, StringConstraints

from domain.auth.schemas import LanguageTag
from domain.models.surveys import QuestionKind, SurveyAudience, SurveyKind, SurveyStatus
from domain.officers.schemas import Email
from domain.schemas import EntityRead, InputModel, Name, ReadModel, Visible

Key = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")]
QuestionText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), Visible]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), Visible]
AnswerText = Annotated[str, StringConstraints(max_length=4000)]


class ChoiceIn(InputModel):
    key: Key = Field(examples=["yes"])
    label_en: Label
    label_ar: Label


class QuestionIn(InputModel):
    key: Key = Field(description="Stable across versions (lower case, digits, _ or -)", examples=["overall"])
    kind: QuestionKind
    text_en: QuestionText
    text_ar: QuestionText
    required: bool = True
    choices: list[ChoiceIn] | None = Field(
        None, max_length=30, description="Two or more, for single_choice and multiple_choice only"
    )


class QuestionnaireCreate(InputModel):
    title_en: Name
    title_ar: Name
    questions: list[QuestionIn] = Field(min_length=1, max_length=100)


# The whole content: an update replaces the questions (a new version if the current one has answers).
QuestionnaireUpdate = QuestionnaireCreate


class ChoiceRead(ReadModel):
    key: str
    label_en: str
    label_ar: str


class QuestionRead(ReadModel):
    id: uuid.UUID
    position: int
    key: str
    kind: QuestionKind
    text_en: str
    text_ar: str
    required: bool
    choices: list[ChoiceRead] | None = None


class QuestionnaireRead(EntityRead):
    title_en: str
    title_ar: str
    current_version: int = Field(description="The number of the version a survey takes when it opens")
    version_id: uuid.UUID = Field(description="The current version's id")
    questions: list[QuestionRead] = Field(description="The current version's questions, in order")


class QuestionnaireSummary(EntityRead):
    title_en: str
    title_ar: str
    current_version: int


class ModuleSurveyCreate(InputModel):
    questionnaire_id: uuid.UUID
    kind: SurveyKind
    audience: SurveyAudience = Field(
        SurveyAudience.participants, description="supervisors: follow-ups only, to the supervisors focal points named"
    )
    anonymous: bool | None = Field(
        None, description="Answers kept apart from who gave them. Default: true for reaction, false for followup"
    )
    open_after_days: int | None = Field(
        None, ge=0, le=730, description="Days after delivery (the last session's end). Default: reaction 0, followup 90"
    )
    open_for_days: int | None = Field(
        None, ge=1, le=365, description="Days it stays open. Default: reaction 14, followup 30"
    )


class ModuleSurveyRead(EntityRead):
    module_id: uuid.UUID
    questionnaire_id: uuid.UUID
    kind: SurveyKind
    audience: SurveyAudience
    anonymous: bool
    open_after_days: int
    open_for_days: int
    status: SurveyStatus
    version_id: uuid.UUID | None = Field(description="The questionnaire version, pinned when it opened")
    opened_at: datetime | None
    closes_at: datetime | None
    closed_at: datetime | None
    invited: int = 0
    answered: int = 0


class SurveyLinksIssued(BaseModel):
    opened: int = Field(description="Surveys opened")
    issued: int = Field(description="Links issued (and sent as messages)")
    closed: int = Field(description="Surveys closed")


class PrintableLink(BaseModel):
    invitation_id: uuid.UUID
    nomination_id: uuid.UUID
    name: str = Field(description="Whom the link is for (the officer, or the supervisor), to hand it over")
    language: str
    answered: bool
    url: str | None = Field(description="The new link; none for an answered invitation (not re-issued)")


class PrintableLinks(BaseModel):
    survey_id: uuid.UUID
    expires_at: datetime
    items: list[PrintableLink]


class SupervisorWrite(InputModel):
    name: Name
    email: Email | None = None
    language: LanguageTag = "ar"


class SupervisorRead(EntityRead):
    nomination_id: uuid.UUID
    name: str
    email: str | None
    language: str


AnswerValue = StrictInt | AnswerText | list[Key]


class ResponseWrite(InputModel):
    answers: dict[Key, AnswerValue] = Field(
        description="Question key -> a rating (whole number), a choice key, a list of choice keys, or text",
        max_length=100,
        json_schema_extra={"additionalProperties": False},  # keys are question keys, nothing else
    )


class SurveyForm(BaseModel):
    """What a link shows: the module and the questions, never a person."""

    module_title: str
    title: str = Field(description="The questionnaire's title in the language asked for")
    language: str
    closes_at: datetime
    questions: list[QuestionRead]
    answers: dict[str, AnswerValue] | None = Field(description="This link's answer so far, to change it")
