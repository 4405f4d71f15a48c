"""The surveys' pure rules: windows, versioning, tokens, and answers checked against questions.
No database here (tests/unit/test_survey_rules.py)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from domain.i18n import N_
from domain.models.surveys import QuestionKind, SurveyKind, SurveyStatus

# Defaults when attaching (docs/surveys.md): reaction opens at delivery, follow-ups 90 days later.
DEFAULT_OPEN_AFTER = {SurveyKind.reaction: 0, SurveyKind.followup: 90}
DEFAULT_OPEN_FOR = {SurveyKind.reaction: 14, SurveyKind.followup: 30}
# Anonymous by default: reactions (Kirkpatrick 1); follow-ups identify the participation.
DEFAULT_ANONYMOUS = {SurveyKind.reaction: True, SurveyKind.followup: False}
RATING_MAX = {QuestionKind.rating_5: 5, QuestionKind.rating_10: 10}
CHOICE_KINDS = (QuestionKind.single_choice, QuestionKind.multiple_choice)
TEXT_MAX = 4000
# The response key's label: HMAC(label, token) is not derivable from sha256(token).
RESPONSE_KEY_LABEL = b"tadrib-survey-response"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def response_key(token: str) -> str:
    return hmac.new(RESPONSE_KEY_LABEL, token.encode(), hashlib.sha256).hexdigest()


def looks_like_token(token: str) -> bool:
    """token_urlsafe(32) is 43 characters of the URL-safe alphabet; anything else is still looked
    up (same work, same answer), this only bounds what is hashed."""
    return 20 <= len(token) <= 100


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime


def window(delivered_at: datetime, *, open_after_days: int, open_for_days: int) -> Window:
    """When a survey opens and closes, counted from delivery (the end of the last session)."""
    opens = delivered_at + timedelta(days=open_after_days)
    return Window(opens, opens + timedelta(days=open_for_days))


Step = Literal["open", "close"] | None


def due_step(
    status: SurveyStatus, now: datetime, *, delivered_at: datetime | None, took_place: bool, w: Window | None
) -> Step:
    """What the worker does with a survey now: open a scheduled one whose time came (its module
    took place and has sessions), close an open one past its closing time, else nothing."""
    if status is SurveyStatus.scheduled:
        if w is None or delivered_at is None or not took_place or now < w.opens_at:
            return None
        return "close" if now >= w.closes_at else "open"
    if status is SurveyStatus.open and w is not None and now >= w.closes_at:
        return "close"
    return None


def needs_new_version(current_has_responses: bool) -> bool:
    """Editing a version that has an answer makes a new one; results never mix versions."""
    return current_has_responses


@dataclass(frozen=True)
class AnswerRow:
    key: str
    rating: int | None = None
    choice: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class AnswerError:
    field: str
    message: str


def check_answers(questions: Iterable[Any], answers: Mapping[str, Any]) -> tuple[list[AnswerRow], list[AnswerError]]:
    """Answers (question key -> a rating, a choice key, a list of choice keys, or text) checked
    against the questions: the rows to store, or the errors (field = the question key)."""
    rows: list[AnswerRow] = []
    errors: list[AnswerError] = []
    by_key = {q.key: q for q in questions}
    for key in answers:
        if key not in by_key:
            errors.append(AnswerError(key, N_("not a question of this survey")))
    for q in by_key.values():
        value = answers.get(q.key)
        if value is None or value == "" or value == []:
            if q.required:
                errors.append(AnswerError(q.key, N_("an answer is required")))
            continue
        got, problem = _check_one(q, value)
        if problem:
            errors.append(AnswerError(q.key, problem))
        rows.extend(got)
    return (rows if not errors else []), errors


def _check_one(q: Any, value: Any) -> tuple[list[AnswerRow], str | None]:
    kind = QuestionKind(q.kind)
    if kind in RATING_MAX:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= RATING_MAX[kind]:
            return [], N_("a whole number from 1 to 5") if kind is QuestionKind.rating_5 else N_(
                "a whole number from 1 to 10"
            )
        return [AnswerRow(q.key, rating=value)], None
    if kind is QuestionKind.free_text:
        if not isinstance(value, str) or len(value) > TEXT_MAX or "\x00" in value:
            return [], N_("text of at most 4000 characters")
        text = value.strip()
        return ([AnswerRow(q.key, text=text)] if text else []), (
            N_("an answer is required") if not text and q.required else None
        )
    allowed = [c["key"] for c in (q.choices or [])]
    picked = [value] if kind is QuestionKind.single_choice else value
    if kind is QuestionKind.single_choice and not isinstance(value, str):
        return [], N_("one of the choices")
    if not isinstance(picked, list) or not all(isinstance(p, str) for p in picked):
        return [], N_("a list of the choices")
    if any(p not in allowed for p in picked) or len(set(picked)) != len(picked):
        return [], N_("only the question's choices, each once")
    return [AnswerRow(q.key, choice=p) for p in picked], None


def check_questions(questions: Sequence[Any]) -> list[AnswerError]:
    """A questionnaire's questions: unique keys; choices (2 or more, unique keys) exactly for
    choice kinds."""
    errors: list[AnswerError] = []
    seen: set[str] = set()
    for i, q in enumerate(questions):
        field = f"questions.{i}"
        if q.key in seen:
            errors.append(AnswerError(f"{field}.key", "the key is used twice"))
        seen.add(q.key)
        choices = q.choices or []
        if QuestionKind(q.kind) in CHOICE_KINDS:
            keys = [c["key"] if isinstance(c, Mapping) else c.key for c in choices]
            if len(keys) < 2 or len(set(keys)) != len(keys):
                errors.append(AnswerError(f"{field}.choices", "two or more choices with distinct keys"))
        elif choices:
            errors.append(AnswerError(f"{field}.choices", "only choice questions have choices"))
    return errors
