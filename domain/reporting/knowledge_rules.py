"""What "increased knowledge" means (domain rule 14, per cycle: KnowledgeDefinition), stated twice:
pure (`tested`, `increased`: unit-tested without a database) and as SQL conditions over Assessment
and Module (`tested_condition`, `increased_condition`) for the reports' aggregates.

- post_above_pre: increased when post-test > pre-test; tested when both are recorded;
- post_at_threshold: increased when the post-test >= the module's knowledge threshold; tested when
  the post-test is recorded and the module has a threshold."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_

from domain.models.attendance import Assessment
from domain.models.catalogue import Module
from domain.models.cycles import KnowledgeDefinition

DEFINITIONS = {
    KnowledgeDefinition.post_above_pre: "Increased: post-test above pre-test. Tested: both tests recorded.",
    KnowledgeDefinition.post_at_threshold: (
        "Increased: post-test at or above the module's knowledge threshold. Tested: a post-test recorded "
        "in a module that has a threshold."
    ),
}


def tested(definition: KnowledgeDefinition, pre: float | None, post: float | None, threshold: float | None) -> bool:
    """Whether a participation has the scores the definition needs."""
    if definition is KnowledgeDefinition.post_above_pre:
        return pre is not None and post is not None
    return post is not None and threshold is not None


def increased(
    definition: KnowledgeDefinition, pre: float | None, post: float | None, threshold: float | None
) -> bool | None:
    """Increased knowledge in one participation; None when it was not tested (see `tested`)."""
    if not tested(definition, pre, post, threshold):
        return None
    assert post is not None
    if definition is KnowledgeDefinition.post_above_pre:
        assert pre is not None
        return post > pre
    assert threshold is not None
    return post >= threshold


def tested_condition(definition: KnowledgeDefinition) -> ColumnElement[bool]:
    """`tested` in SQL, over Assessment and Module (the query joins both)."""
    if definition is KnowledgeDefinition.post_above_pre:
        return and_(Assessment.pre_test.is_not(None), Assessment.post_test.is_not(None))
    return and_(Assessment.post_test.is_not(None), Module.knowledge_threshold.is_not(None))


def increased_condition(definition: KnowledgeDefinition) -> ColumnElement[bool]:
    """`increased` in SQL (true only where tested: a NULL comparison is never true)."""
    if definition is KnowledgeDefinition.post_above_pre:
        return and_(tested_condition(definition), Assessment.post_test > Assessment.pre_test)
    return and_(tested_condition(definition), Assessment.post_test >= Module.knowledge_threshold)
