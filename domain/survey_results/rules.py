"""Survey results' rules, pure: the 0-100 score of a rating, means from a distribution, what
counts as applying what was learnt. docs/survey-results.md states them for readers."""

from __future__ import annotations

from collections.abc import Iterable

from domain.models.surveys import QuestionKind

SCALES = {QuestionKind.rating_5: 5, QuestionKind.rating_10: 10}
# A follow-up question with this key, a single choice, marks applying: the choice APPLIES_YES
# counts as applying, every other choice as not (e.g. "partly", "no").
APPLIES_KEY = "applies"
APPLIES_YES = "yes"

SCORE_RULE = (
    "A rating r on a scale of k points scores (r - 1) / (k - 1) x 100, so that ratings of 1-5 and 1-10 questions "
    "read on one 0-100 scale; a score is the mean over every rating answer it covers."
)
APPLICATION_RULE = (
    f"Follow-up participants' answers to the single-choice question keyed '{APPLIES_KEY}': the share choosing "
    f"'{APPLIES_YES}' among those who answered it."
)


def score(rating: int, scale: int) -> float:
    """A rating on a 1..scale question as 0-100."""
    return (rating - 1) / (scale - 1) * 100


def mean(counts: Iterable[tuple[float, int]]) -> float | None:
    """The mean of values given as (value, how many); None without any."""
    total = n = 0.0
    for value, count in counts:
        total += value * count
        n += count
    return None if n == 0 else round(total / n, 4)


def rate(part: int | None, whole: int | None) -> float | None:
    """part / whole (0-1), None when either is unknown (withheld) or there is no whole."""
    if part is None or not whole:
        return None
    return round(part / whole, 4)


def below(value: float | None, threshold: float | None) -> bool:
    """A score under the cycle's alert threshold (never when either is unknown)."""
    return value is not None and threshold is not None and value < threshold
