"""The definitions of "increased knowledge" (domain rule 14, per cycle), without a database."""

import pytest

from domain.models.cycles import KnowledgeDefinition
from domain.reporting.knowledge_rules import DEFINITIONS, increased
from domain.reporting.knowledge_rules import tested as has_scores

ABOVE = KnowledgeDefinition.post_above_pre
AT = KnowledgeDefinition.post_at_threshold


@pytest.mark.parametrize(
    ("pre", "post", "threshold", "want"),
    [
        (50, 55, None, True),
        (50, 50, None, False),  # equal is no increase
        (50, 45, 40, False),  # the threshold plays no part
        (None, 90, 70, None),  # not tested: no pre-test
        (50, None, 70, None),
        (None, None, None, None),
        (0, 0.5, None, True),
    ],
)
def test_post_above_pre(pre, post, threshold, want):
    assert increased(ABOVE, pre, post, threshold) is want
    assert has_scores(ABOVE, pre, post, threshold) is (want is not None)


@pytest.mark.parametrize(
    ("pre", "post", "threshold", "want"),
    [
        (None, 70, 70, True),  # at the threshold counts; no pre-test needed
        (80, 70, 70, True),  # even below the pre-test
        (10, 69.9, 70, False),
        (None, 100, 0, True),
        (50, 90, None, None),  # a module without a threshold: not tested
        (50, None, 70, None),
    ],
)
def test_post_at_threshold(pre, post, threshold, want):
    assert increased(AT, pre, post, threshold) is want
    assert has_scores(AT, pre, post, threshold) is (want is not None)


def test_every_definition_is_stated_for_the_reader():
    assert set(DEFINITIONS) == set(KnowledgeDefinition)
    assert all(text.startswith("Increased:") and "Tested:" in text for text in DEFINITIONS.values())
