"""The survey results' pure rules: the 0-100 score, means from counts, rates, and which cells of
a results document are withheld (answers for everyone, invited/answered only when asked)."""

from __future__ import annotations

import uuid

from domain.models.surveys import QuestionKind, SurveyAudience, SurveyKind
from domain.survey_results.assembly import assemble
from domain.survey_results.rules import below, mean, rate, score
from domain.survey_results.suppression import suppress

VERSION, QUESTION = uuid.uuid4(), uuid.uuid4()


def test_a_rating_scores_on_one_0_to_100_scale():
    assert (score(1, 5), score(3, 5), score(5, 5)) == (0, 50, 100)
    assert (score(1, 10), score(10, 10)) == (0, 100)


def test_means_and_rates_say_none_without_figures():
    assert mean([(4, 2), (2, 2)]) == 3 and mean([]) is None and mean([(5, 0)]) is None
    assert rate(3, 4) == 0.75 and rate(None, 4) is None and rate(1, 0) is None
    assert below(59.9, 60) and not below(60, 60) and not below(None, 60) and not below(10, None)


def _doc(ratings: list[tuple[int, str, int]]) -> dict:
    question = {
        "version_id": VERSION,
        "audience": "participants",
        "surveys": 1,
        "number": 1,
        "questionnaire_id": uuid.uuid4(),
        "title_en": "R",
        "title_ar": "ر",
        "question_id": QUESTION,
        "key": "overall",
        "kind": QuestionKind.rating_5,
        "text_en": "Useful",
        "text_ar": "مفيد",
        "choices": None,
    }
    rows = [
        {
            "version_id": VERSION,
            "audience": SurveyAudience.participants,
            "question_id": QUESTION,
            "rating": v,
            "sex": s,
            "n": n,
        }
        for v, s, n in ratings
    ]
    return assemble(
        kind=SurveyKind.reaction,
        rates=[{"agency_id": uuid.uuid4(), "label": "A", "invited": 2, "answered": 1}],
        questions=[question],
        respondents=[],
        ratings=rows,
        by_agency=[],
        choices=[],
        texts=None,
    )


def test_a_lone_man_is_withheld_with_the_women_and_both_means():
    doc = _doc([(4, "female", 3), (5, "female", 2), (2, "male", 1)])
    suppress(doc, 3, response_counts=False)
    [q] = doc["versions"][0]["questions"]
    assert q["answers"] == {"female": None, "male": None, "total": 6, "suppressed": ["female", "male"]}
    assert q["mean"]["female"] is None and q["mean"]["male"] is None and q["mean"]["total"] == 4  # (12 + 10 + 2) / 6
    assert doc["response"]["invited"] == 2  # exact for this reader


def test_response_counts_are_withheld_for_observers_only():
    doc = _doc([(4, "female", 5), (4, "male", 5)])
    suppress(doc, 3, response_counts=True)
    assert doc["response"]["invited"] is None and doc["response"]["rate"] is None
    [q] = doc["versions"][0]["questions"]
    assert q["mean"] == {"female": 4, "male": 4, "total": 4, "suppressed": []}
