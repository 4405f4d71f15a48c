"""The module status ladder: draft → planned → open → confirmed → delivered → closed, with
cancelled and postponed reachable (with a reason) from any state before delivered."""

import pytest

from domain.catalogue.transitions import NEEDS_REASON, allowed_transitions, check_transition
from domain.models.catalogue import ModuleStatus as S

LADDER = [S.draft, S.planned, S.open, S.confirmed, S.delivered, S.closed]
BEFORE_DELIVERY = [S.draft, S.planned, S.open, S.confirmed]
FINAL_OR_DELIVERED = [S.delivered, S.closed, S.cancelled]


@pytest.mark.parametrize("current, target", list(zip(LADDER, LADDER[1:])), ids=lambda s: str(s))
def test_each_step_of_the_ladder_is_allowed(current, target):
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
    assert target not in allowed_transitions(current)


@pytest.mark.parametrize("current", BEFORE_DELIVERY, ids=str)
@pytest.mark.parametrize("target", [S.cancelled, S.postponed], ids=str)
def test_cancel_or_postpone_before_delivery(current, target):
    assert target in allowed_transitions(current)


def test_a_postponed_module_can_still_be_cancelled_and_resume():
    assert S.cancelled in allowed_transitions(S.postponed)
    assert S.postponed not in allowed_transitions(S.postponed)
    # Resuming goes back into planning, never straight to delivery.
    assert any(s in allowed_transitions(S.postponed) for s in (S.planned, S.open))
    assert S.delivered not in allowed_transitions(S.postponed)
    assert S.closed not in allowed_transitions(S.postponed)


@pytest.mark.parametrize("current", FINAL_OR_DELIVERED, ids=str)
@pytest.mark.parametrize("target", [S.cancelled, S.postponed], ids=str)
def test_no_cancel_or_postpone_from_delivered_closed_or_cancelled(current, target):
    assert target not in allowed_transitions(current)


def test_delivered_only_closes():
    assert allowed_transitions(S.delivered) == [S.closed]


@pytest.mark.parametrize("final", [S.closed, S.cancelled], ids=str)
def test_final_states_allow_nothing(final):
    assert allowed_transitions(final) == []
    assert not any(s in allowed_transitions(final) for s in S)


@pytest.mark.parametrize("state", list(S), ids=str)
def test_no_self_transition(state):
    assert state not in allowed_transitions(state)


def test_allowed_from_draft_is_listed_in_ladder_order():
    assert allowed_transitions(S.draft) == [S.planned, S.cancelled, S.postponed]


@pytest.mark.parametrize("state", list(S), ids=str)
def test_allowed_transitions_are_ordered_and_distinct(state):
    allowed = allowed_transitions(state)
    assert len(allowed) == len(set(allowed))
    assert allowed == sorted(allowed, key=list(S).index)


def test_cancel_and_postpone_need_a_reason():
    assert NEEDS_REASON == {S.cancelled, S.postponed}


# --- the delivery rule (check_transition) ------------------------------------------------------

from datetime import UTC, datetime, timedelta, timezone  # noqa: E402

from domain.errors import Conflict, InvalidInput  # noqa: E402

NOW = datetime(2025, 2, 10, 12, 0, tzinfo=UTC)


def test_a_module_whose_last_session_ended_is_delivered_without_a_reason():
    check_transition(
        S.confirmed,
        S.delivered,
        reason=None,
        first_start=NOW - timedelta(days=5),
        last_end=NOW - timedelta(hours=1),
        now=NOW,
    )


def test_delivering_before_the_last_session_ended_needs_a_reason():
    kwargs = dict(first_start=NOW - timedelta(days=5), last_end=NOW + timedelta(days=1), now=NOW)
    with pytest.raises(InvalidInput) as refused:
        check_transition(S.confirmed, S.delivered, reason=None, **kwargs)
    assert refused.value.extra["errors"][0]["field"] == "reason"
    check_transition(S.confirmed, S.delivered, reason="the last day was called off (security alert)", **kwargs)


@pytest.mark.parametrize("first_start", [None, NOW + timedelta(minutes=1)], ids=["no session", "not started"])
def test_training_that_never_started_is_never_delivered(first_start):
    last_end = None if first_start is None else first_start + timedelta(hours=3)
    with pytest.raises(Conflict) as refused:
        check_transition(
            S.confirmed, S.delivered, reason="we say so", first_start=first_start, last_end=last_end, now=NOW
        )
    assert refused.value.code == "not-held"


def test_an_illegal_step_names_the_allowed_ones():
    with pytest.raises(Conflict) as refused:
        check_transition(S.draft, S.delivered, reason=None, first_start=None, last_end=None, now=NOW)
    assert refused.value.extra["allowed"] == ["planned", "cancelled", "postponed"]
