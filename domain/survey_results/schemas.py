"""What the survey results return. Every object holding figures lists in `suppressed` the names of
its fields withheld (null) because a count is small or would give a small one away."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from domain.models.surveys import QuestionKind, SurveyAudience, SurveyKind
from domain.reporting.schemas import SexSplit, Withheld


class ResultsKind(StrEnum):
    reaction = "reaction"
    followup = "followup"


class ResponseRate(BaseModel):
    invited: int | None = Field(description="Links issued")
    answered: int | None = Field(description="Links answered")
    rate: float | None = Field(description="answered / invited (0-1)")
    suppressed: list[str] = Withheld


class AgencyResponseRate(ResponseRate):
    agency_id: uuid.UUID
    label: str


class SexMeans(BaseModel):
    female: float | None
    male: float | None
    total: float | None
    suppressed: list[str] = Withheld


class RatingCount(BaseModel):
    value: int = Field(description="The rating (1 to the question's scale)")
    female: int | None
    male: int | None
    total: int | None
    suppressed: list[str] = Withheld


class AgencyMean(BaseModel):
    agency_id: uuid.UUID
    label: str
    answers: int | None
    mean: float | None
    suppressed: list[str] = Withheld


class ChoiceCount(BaseModel):
    key: str
    label_en: str
    label_ar: str
    female: int | None
    male: int | None
    total: int | None
    suppressed: list[str] = Withheld


class QuestionResults(BaseModel):
    key: str
    kind: QuestionKind
    text_en: str
    text_ar: str
    scale: int | None = Field(description="5 or 10 for a rating question, else null")
    answers: SexSplit = Field(description="Answers to the question (one per respondent; per choice for multiple)")
    mean: SexMeans | None = Field(description="Rating questions: the mean rating on the question's scale")
    score: SexMeans | None = Field(description="Rating questions: the mean as 0-100 (see score_rule)")
    distribution: list[RatingCount] = Field(description="Rating questions: how many gave each rating")
    by_agency: list[AgencyMean] = Field(description="Rating questions: answers and mean per agency")
    choices: list[ChoiceCount] = Field(description="Choice questions: how many chose each choice")
    texts: list[str] | None = Field(
        description="Free-text answers, in alphabetical order, for administrators and the programme's coordinators "
        "only (null for everyone else)"
    )


class VersionResults(BaseModel):
    """One questionnaire version asked of one audience: results never mix versions."""

    questionnaire_id: uuid.UUID
    title_en: str
    title_ar: str
    version_id: uuid.UUID
    version: int
    audience: SurveyAudience
    surveys: int = Field(description="Surveys (modules) that asked this version of this audience")
    respondents: SexSplit
    questions: list[QuestionResults]


class ScoreSummary(BaseModel):
    answers: SexSplit = Field(description="Rating answers counted")
    score: SexMeans = Field(description="Mean score (0-100) over every rating answer, whatever the questionnaire")


class Application(BaseModel):
    applies: SexSplit = Field(description="Follow-up participants who chose 'yes' to the question keyed 'applies'")
    answered: SexSplit = Field(description="Follow-up participants who answered that question")
    rate: SexMeans = Field(description="applies / answered (0-1)")


class SuppressionNote(BaseModel):
    threshold: int
    response_counts_exact: bool = Field(description="Whether invited/answered counts are exact for this reader")
    rule: str


class SurveyResults(BaseModel):
    cycle_id: uuid.UUID
    kind: SurveyKind
    survey_id: uuid.UUID | None = Field(description="Set for one module's survey")
    module_id: uuid.UUID | None
    agency_id: uuid.UUID | None = Field(description="The agency filter, if any")
    date_from: date | None
    date_to: date | None
    response: ResponseRate
    response_by_agency: list[AgencyResponseRate]
    overall: ScoreSummary
    application: Application | None = Field(description="Follow-ups: the application rate (see application_rule)")
    versions: list[VersionResults]
    free_text_shown: bool
    score_rule: str
    application_rule: str
    period_rule: str
    suppression: SuppressionNote
