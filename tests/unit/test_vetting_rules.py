"""Vetting rules without a database: the status ladder, validity windows, what counts for a module."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from domain.errors import Conflict, InvalidInput
from domain.models.catalogue import VettingType as T
from domain.models.vetting import VettingStatus as S
from domain.vetting.rules import (
    VettingFact,
    VettingState,
    blocker_reason,
    check_transition,
    one_year_after,
    settle,
    why_not_valid,
)

UNIT, OTHER_UNIT = uuid.uuid4(), uuid.uuid4()
MODULE = {"starts_on": date(2025, 9, 7), "ends_on": date(2025, 9, 11)}


def state(type_=T.courtesy, status=S.approved, **kw) -> VettingState:
    base = {
        "requested_on": date(2025, 3, 1),
        "needed_by": date(2025, 6, 1),
        "result_on": date(2025, 4, 10),
        "valid_from": None,
        "valid_until": None,
    }
    return VettingState(type=type_, status=status, **(base | kw))


def fact(type_=T.leahy, status=S.approved, unit=UNIT, **kw) -> VettingFact:
    base = {
        "requested_on": date(2025, 3, 1),
        "needed_by": date(2025, 6, 1),
        "result_on": date(2025, 4, 10),
        "valid_from": date(2025, 4, 10),
        "valid_until": date(2026, 4, 9),
    }
    return VettingFact(id=uuid.uuid4(), type=type_, status=status, unit_agency_id=unit, **(base | kw))


def fields(exc: InvalidInput) -> set[str]:
    return {e["field"] for e in exc.extra["errors"]}


# --- the status ladder ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "current,target",
    [
        (S.requested, S.approved),
        (S.requested, S.rejected),
        (S.requested, S.suspended),
        (S.requested, S.cancelled),
        (S.approved, S.suspended),
        (S.approved, S.cancelled),
        (S.suspended, S.approved),
        (S.suspended, S.cancelled),
        (S.approved, S.approved),  # no change of status: a correction of dates or reference
    ],
)
def test_allowed_transitions(current, target):
    check_transition(current, target)


@pytest.mark.parametrize(
    "current,target",
    [
        (S.approved, S.rejected),
        (S.approved, S.requested),
        (S.rejected, S.approved),
        (S.cancelled, S.requested),
        (S.suspended, S.rejected),
        (S.rejected, S.cancelled),
    ],
)
def test_refused_transitions_name_what_is_allowed(current, target):
    with pytest.raises(Conflict) as caught:
        check_transition(current, target)
    assert caught.value.code == "illegal-transition"
    assert caught.value.extra["current"] == current.value


# --- validity ------------------------------------------------------------------------------------


def test_courtesy_is_valid_one_year_from_the_result():
    assert settle(state(), sent={"status", "result_on"}) == (date(2025, 4, 10), date(2026, 4, 10))


def test_courtesy_on_29_february_ends_on_28_february():
    assert one_year_after(date(2024, 2, 29)) == date(2025, 2, 28)
    assert settle(state(requested_on=date(2024, 2, 1), result_on=date(2024, 2, 29)), sent=set())[1] == date(2025, 2, 28)


def test_courtesy_validity_cannot_be_overridden():
    with pytest.raises(InvalidInput) as caught:
        settle(state(valid_until=date(2030, 1, 1)), sent={"status", "result_on", "valid_until"})
    assert fields(caught.value) == {"valid_until"}
    # Sending the computed dates back is harmless.
    assert settle(
        state(valid_from=date(2025, 4, 10), valid_until=date(2026, 4, 10)), sent={"valid_from", "valid_until"}
    ) == (date(2025, 4, 10), date(2026, 4, 10))


def test_courtesy_recomputes_when_the_result_date_is_corrected():
    corrected = state(result_on=date(2025, 5, 2), valid_from=date(2025, 4, 10), valid_until=date(2026, 4, 10))
    assert settle(corrected, sent={"result_on"}) == (date(2025, 5, 2), date(2026, 5, 2))


@pytest.mark.parametrize("type_", [T.leahy, T.host_nation])
def test_leahy_and_host_nation_validity_is_required_never_computed(type_):
    with pytest.raises(InvalidInput) as caught:
        settle(state(type_), sent={"status", "result_on"})
    assert fields(caught.value) == {"valid_from", "valid_until"}
    with pytest.raises(InvalidInput) as caught:
        settle(state(type_, valid_from=date(2025, 4, 12)), sent={"status", "valid_from"})
    assert fields(caught.value) == {"valid_until"}


def test_leahy_keeps_the_dates_invest_returned():
    given = state(T.leahy, valid_from=date(2025, 4, 12), valid_until=date(2025, 10, 31))
    assert settle(given, sent={"status", "result_on", "valid_from", "valid_until"}) == (
        date(2025, 4, 12),
        date(2025, 10, 31),
    )


def test_approval_and_rejection_need_a_result_date():
    for status in (S.approved, S.rejected):
        with pytest.raises(InvalidInput) as caught:
            settle(state(T.courtesy, status=status, result_on=None), sent={"status"})
        assert "result_on" in fields(caught.value)
    assert settle(state(status=S.suspended, result_on=None), sent={"status"}) == (None, None)


def test_dates_out_of_order_are_refused():
    with pytest.raises(InvalidInput) as caught:
        settle(state(result_on=date(2025, 2, 1)), sent={"result_on"})
    assert fields(caught.value) == {"result_on"}
    with pytest.raises(InvalidInput) as caught:
        settle(
            state(T.leahy, valid_from=date(2025, 5, 1), valid_until=date(2025, 4, 1)),
            sent={"valid_from", "valid_until"},
        )
    assert fields(caught.value) == {"valid_until"}
    with pytest.raises(InvalidInput) as caught:
        settle(state(status=S.requested, result_on=None, needed_by=date(2025, 1, 1)), sent={"needed_by"})
    assert fields(caught.value) == {"needed_by"}


def test_a_validity_window_is_set_only_on_approval():
    with pytest.raises(InvalidInput) as caught:
        settle(state(T.leahy, status=S.rejected, valid_until=date(2026, 1, 1)), sent={"status", "valid_until"})
    assert fields(caught.value) == {"valid_until"}
    # A suspended vetting keeps the window it had.
    kept = state(T.leahy, status=S.suspended, valid_from=date(2025, 4, 12), valid_until=date(2025, 10, 31))
    assert settle(kept, sent={"status"}) == (date(2025, 4, 12), date(2025, 10, 31))


# --- does a vetting count for a module? --------------------------------------------------------


def test_an_approved_vetting_of_the_type_in_the_unit_valid_over_the_module_counts():
    assert why_not_valid(fact(), required=T.leahy, agency_id=UNIT, **MODULE) is None
    # Valid exactly over the module's days is enough.
    exact = fact(valid_from=date(2025, 9, 7), valid_until=date(2025, 9, 11))
    assert why_not_valid(exact, required=T.leahy, agency_id=UNIT, **MODULE) is None


@pytest.mark.parametrize(
    "vetting,words",
    [
        (fact(type_=T.courtesy), "module needs leahy"),
        (fact(status=S.requested), "still requested (needed by 2025-06-01)"),
        (fact(status=S.rejected), "rejected on 2025-04-10"),
        (fact(status=S.suspended), "suspended"),
        (fact(status=S.cancelled), "cancelled"),
        (fact(unit=OTHER_UNIT), "another unit"),
        (fact(valid_until=date(2025, 9, 10)), "expires on 2025-09-10, before the module ends (2025-09-11)"),
        (fact(valid_from=date(2025, 9, 8)), "valid only from 2025-09-08"),
    ],
)
def test_why_a_vetting_does_not_count(vetting, words):
    reason = why_not_valid(vetting, required=T.leahy, agency_id=UNIT, **MODULE)
    assert reason is not None and words in reason, reason


def test_blocker_reason_uses_the_latest_vetting_and_any_valid_one_clears():
    old_expired = fact(requested_on=date(2024, 1, 1), valid_until=date(2025, 1, 1))
    new_request = fact(status=S.requested, requested_on=date(2025, 8, 1), needed_by=date(2025, 9, 1))
    assert "still requested" in blocker_reason([old_expired, new_request], required=T.leahy, agency_id=UNIT, **MODULE)
    assert "expires" in blocker_reason([old_expired], required=T.leahy, agency_id=UNIT, **MODULE)
    assert blocker_reason([old_expired, new_request, fact()], required=T.leahy, agency_id=UNIT, **MODULE) is None


def test_blocker_reason_without_a_vetting_of_the_type():
    assert blocker_reason([], required=T.leahy, agency_id=UNIT, **MODULE) == "no leahy vetting requested"
    assert (
        blocker_reason([fact(type_=T.courtesy)], required=T.leahy, agency_id=UNIT, **MODULE)
        == "no leahy vetting requested (has courtesy only)"
    )


def test_without_module_dates_the_vetting_must_be_valid_today():
    today = date.today()
    current = fact(valid_from=date(today.year - 1, 1, 1), valid_until=date(today.year + 1, 12, 31))
    assert why_not_valid(current, required=T.leahy, agency_id=UNIT, starts_on=None, ends_on=None) is None
    lapsed = fact(valid_from=date(2000, 1, 1), valid_until=date(2001, 1, 1))
    assert "expires" in why_not_valid(lapsed, required=T.leahy, agency_id=UNIT, starts_on=None, ends_on=None)
