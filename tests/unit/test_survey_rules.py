"""The surveys' pure rules: windows counted from delivery, what the worker does when, versioning,
tokens, and answers checked against each kind of question."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.models.surveys import QuestionKind, SurveyStatus
from domain.surveys import rules

DELIVERED = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)


@dataclass
class Q:
    key: str
    kind: QuestionKind
    required: bool = True
    choices: list[dict[str, Any]] | None = field(default=None)


CHOICES = [{"key": "a"}, {"key": "b"}, {"key": "c"}]
QUESTIONS = [
    Q("r5", QuestionKind.rating_5),
    Q("r10", QuestionKind.rating_10),
    Q("one", QuestionKind.single_choice, choices=CHOICES),
    Q("many", QuestionKind.multiple_choice, required=False, choices=CHOICES),
    Q("text", QuestionKind.free_text, required=False),
]


def test_a_reaction_window_opens_at_delivery_and_closes_fourteen_days_later():
    w = rules.window(DELIVERED, open_after_days=0, open_for_days=14)
    assert (w.opens_at, w.closes_at) == (DELIVERED, DELIVERED + timedelta(days=14))


def test_a_follow_up_window_opens_ninety_days_after_delivery():
    w = rules.window(DELIVERED, open_after_days=90, open_for_days=30)
    assert w.opens_at == DELIVERED + timedelta(days=90) and w.closes_at == w.opens_at + timedelta(days=30)


@pytest.mark.parametrize(
    ("status", "offset", "took_place", "expected"),
    [
        (SurveyStatus.scheduled, timedelta(seconds=-1), True, None),  # before delivery
        (SurveyStatus.scheduled, timedelta(0), True, "open"),  # the last session just ended
        (SurveyStatus.scheduled, timedelta(days=3), False, None),  # a cancelled module never opens one
        (SurveyStatus.scheduled, timedelta(days=14), True, "close"),  # the whole window missed
        (SurveyStatus.open, timedelta(days=13), True, None),
        (SurveyStatus.open, timedelta(days=14), True, "close"),
        (SurveyStatus.closed, timedelta(days=20), True, None),
    ],
)
def test_what_the_worker_does_with_a_survey(status, offset, took_place, expected):
    w = rules.window(DELIVERED, open_after_days=0, open_for_days=14)
    step = rules.due_step(status, DELIVERED + offset, delivered_at=DELIVERED, took_place=took_place, w=w)
    assert step == expected


def test_a_module_without_sessions_never_opens_a_survey():
    assert rules.due_step(SurveyStatus.scheduled, DELIVERED, delivered_at=None, took_place=True, w=None) is None


def test_only_an_answered_version_makes_a_new_one():
    assert rules.needs_new_version(True) and not rules.needs_new_version(False)


def test_tokens_are_long_random_and_their_two_hashes_differ():
    token = rules.new_token()
    assert len(token) == 43 and token != rules.new_token()
    assert rules.token_hash(token) != rules.response_key(token)
    assert len(rules.token_hash(token)) == len(rules.response_key(token)) == 64


def test_good_answers_become_one_row_per_value():
    rows, errors = rules.check_answers(QUESTIONS, {"r5": 5, "r10": 1, "one": "b", "many": ["a", "c"], "text": " ok "})
    assert errors == []
    assert [(r.key, r.rating, r.choice, r.text) for r in rows] == [
        ("r5", 5, None, None),
        ("r10", 1, None, None),
        ("one", None, "b", None),
        ("many", None, "a", None),
        ("many", None, "c", None),
        ("text", None, None, "ok"),
    ]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"r5": 6}, "r5"),
        ({"r5": 0}, "r5"),
        ({"r5": True}, "r5"),
        ({"r10": 11}, "r10"),
        ({"one": "z"}, "one"),
        ({"one": ["a"]}, "one"),
        ({"many": ["a", "a"]}, "many"),
        ({"many": "a"}, "many"),
        ({"text": "x" * 4001}, "text"),
        ({"nope": 1}, "nope"),
    ],
)
def test_a_wrong_answer_names_its_question(answers, field):
    base = {"r5": 3, "r10": 3, "one": "a"}
    rows, errors = rules.check_answers(QUESTIONS, base | answers)
    assert rows == [] and [e.field for e in errors] == [field]


def test_a_required_question_left_out_is_named_and_optional_ones_may_be():
    _, errors = rules.check_answers(QUESTIONS, {"r5": 3, "one": "a", "text": "   "})
    assert [e.field for e in errors] == ["r10"]


def test_questions_need_distinct_keys_and_choices_only_where_they_choose():
    assert rules.check_questions(QUESTIONS) == []
    bad = [
        Q("x", QuestionKind.rating_5, choices=CHOICES),
        Q("x", QuestionKind.single_choice, choices=[{"key": "a"}]),
    ]
    assert [e.field for e in rules.check_questions(bad)] == [
        "questions.0.choices",
        "questions.1.key",
        "questions.1.choices",
    ]
