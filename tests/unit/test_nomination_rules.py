"""A nomination's status machine and the rules that refuse one (domain rules 5-9), without a database."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.enrolment.rules import NEXT, NominationFacts, check_status_change, nomination_violations
from domain.enrolment.schemas import ModuleRef
from domain.errors import Conflict
from domain.models.catalogue import ModuleStatus
from domain.models.enrolment import NominationStatus as S

NOW = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
OK = NominationFacts(
    officer_active=True,
    module_status=ModuleStatus.open,
    deadline=NOW + timedelta(days=1),
    now=NOW,
    deciding=False,
    late_reason=None,
    already_nominated=False,
    missing_prerequisites=[],
    overlapping=[],
    missing_identity_fields=[],
)
OSINT = ModuleRef(module_id=uuid.UUID(int=1), code="OSINT-1", title="Operational intelligence tools")


def rules(facts: NominationFacts) -> list[str]:
    return [v.rule for v in nomination_violations(facts)]


def test_a_clean_nomination_breaks_no_rule():
    assert nomination_violations(OK) == []


@pytest.mark.parametrize("status", [s for s in ModuleStatus if s is not ModuleStatus.open], ids=str)
def test_nominations_need_an_open_module(status):
    assert rules(replace(OK, module_status=status)) == ["module-not-open"]


def test_a_deactivated_officer_takes_no_new_training():
    assert rules(replace(OK, officer_active=False)) == ["officer-deactivated"]


def test_after_the_deadline_only_a_coordinator_with_a_reason_may_nominate():
    late = replace(OK, deadline=NOW - timedelta(minutes=1))
    assert rules(late) == ["deadline-passed"]
    assert rules(replace(late, deciding=True)) == ["deadline-passed"]
    assert "late_reason" in nomination_violations(replace(late, deciding=True))[0].message
    assert rules(replace(late, deciding=True, late_reason="replacement for a withdrawn participant")) == []
    assert rules(replace(late, late_reason="a focal point cannot")) == ["deadline-passed"]


def test_every_broken_rule_is_named_in_order_with_what_it_is_about():
    facts = replace(
        OK,
        module_status=ModuleStatus.planned,
        already_nominated=True,
        missing_prerequisites=[OSINT],
        overlapping=[OSINT],
        missing_identity_fields=["national_id", "date_of_birth"],
    )
    found = nomination_violations(facts)
    assert [v.rule for v in found] == [
        "module-not-open",
        "already-nominated",
        "prerequisite-not-completed",
        "schedule-overlap",
        "identity-fields-missing",
    ]
    assert found[2].modules == [OSINT] and "OSINT-1" in found[2].message
    assert found[4].fields == ["national_id", "date_of_birth"]


@pytest.mark.parametrize("current, target", sorted((c, t) for c, targets in NEXT.items() for t in targets), ids=str)
def test_allowed_changes_pass(current, target):
    check_status_change(current, target)


@pytest.mark.parametrize("current", [S.completed, S.not_completed, S.rejected, S.withdrawn, S.vetting_failed], ids=str)
def test_final_statuses_change_no_more(current):
    with pytest.raises(Conflict) as refused:
        check_status_change(current, S.enrolled)
    assert refused.value.extra["allowed"] == []


def test_an_enrolled_participant_cannot_be_put_back_on_the_waitlist_by_hand():
    with pytest.raises(Conflict) as refused:
        check_status_change(S.enrolled, S.waitlisted)
    assert refused.value.code == "illegal-transition" and refused.value.extra["allowed"] == ["rejected", "withdrawn"]
