"""The module status ladder: draft → planned → open → confirmed → delivered → closed, with
cancelled and postponed reachable (with a reason) from any state before delivered."""

import pytest

from domain.catalogue.models import ModuleStatus as S
from domain.catalogue.transitions import NEEDS_REASON, allowed_transitions, can_transition

LADDER = [S.draft, S.planned, S.open, S.confirmed, S.delivered, S.closed]
BEFORE_DELIVERY = [S.draft, S.planned, S.open, S.confirmed]
FINAL_OR_DELIVERED = [S.delivered, S.closed, S.cancelled]


@pytest.mark.parametrize("current, target", list(zip(LADDER, LADDER[1:])), ids=lambda s: str(s))
def test_each_step_of_the_ladder_is_allowed(current, target):
    assert can_transition(current, target)
    assert target in allowed_transitions(current)


@pytest.mark.parametrize(
    "current, target",
    [
        (S.draft, S.open),
        (S.draft, S.confirmed),
        (S.draft, S.delivered),
        (S.draft, S.closed),
        (S.planned, S.confirmed),
        (S.planned, S.delivered),
        (S.open, S.delivered),
        (S.open, S.closed),
        (S.confirmed, S.closed),
    ],
    ids=str,
)
def test_skipping_steps_is_refused(current, target):
    assert not can_transition(current, target)
    assert target not in allowed_transitions(current)


@pytest.mark.parametrize("current", BEFORE_DELIVERY, ids=str)
@pytest.mark.parametrize("target", [S.cancelled, S.postponed], ids=str)
def test_cancel_or_postpone_before_delivery(current, target):
    assert can_transition(current, target)


def test_a_postponed_module_can_still_be_cancelled_and_resume():
    assert can_transition(S.postponed, S.cancelled)
    assert not can_transition(S.postponed, S.postponed)
    # Resuming goes back into planning, never straight to delivery.
    assert any(can_transition(S.postponed, s) for s in (S.planned, S.open))
    assert not can_transition(S.postponed, S.delivered)
    assert not can_transition(S.postponed, S.closed)


@pytest.mark.parametrize("current", FINAL_OR_DELIVERED, ids=str)
@pytest.mark.parametrize("target", [S.cancelled, S.postponed], ids=str)
def test_no_cancel_or_postpone_from_delivered_closed_or_cancelled(current, target):
    assert not can_transition(current, target)
    assert target not in allowed_transitions(current)


def test_delivered_only_closes():
    assert allowed_transitions(S.delivered) == [S.closed]


@pytest.mark.parametrize("final", [S.closed, S.cancelled], ids=str)
def test_final_states_allow_nothing(final):
    assert allowed_transitions(final) == []
    assert not any(can_transition(final, s) for s in S)


@pytest.mark.parametrize("state", list(S), ids=str)
def test_no_self_transition(state):
    assert not can_transition(state, state)


def test_allowed_from_draft_is_listed_in_ladder_order():
    assert allowed_transitions(S.draft) == [S.planned, S.cancelled, S.postponed]


@pytest.mark.parametrize("state", list(S), ids=str)
def test_allowed_transitions_are_ordered_and_distinct(state):
    allowed = allowed_transitions(state)
    assert len(allowed) == len(set(allowed))
    assert allowed == sorted(allowed, key=list(S).index)


def test_cancel_and_postpone_need_a_reason():
    assert NEEDS_REASON == {S.cancelled, S.postponed}
