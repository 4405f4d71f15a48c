"""Which events send which messages, to whom: the one table.

Each rule names a kind of message (its template is templates/<kind>.txt, in every language of the
catalogue), the cause that decides it (an event of domain/outbox/catalogue.py, emitted in the
change's transaction, or a reminder of the schedule, evaluated by the worker), the condition on
the cause, who receives it, and the invitation it carries. A new kind (survey links, say) is one
rule here, one template, and its strings in the catalogue.

A coordinator can turn a kind off for a cycle (service.set_kind_enabled): its rules then decide
nothing there."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.i18n import N_


class Audience(StrEnum):
    quota_focal_points = "quota_focal_points"  # focal points of each agency with a quota on the module
    officer = "officer"  # the officer the cause is about
    officer_focal_points = "officer_focal_points"  # a copy to the focal points of the officer's agency
    participants = "participants"  # every officer holding a seat on the module
    participants_focal_points = "participants_focal_points"  # one message to each focal point with participants
    trainers = "trainers"  # the trainers of the session (or of every session of the module)
    added_trainers = "added_trainers"  # the trainers just assigned to the session
    invited_trainers = "invited_trainers"  # the trainers who were sent an invitation to the session (cancellations)
    removed_trainers = "removed_trainers"  # the trainers just taken off the session


class Invitation(StrEnum):
    request = "REQUEST"  # RFC 5546: new or updated (a higher SEQUENCE, the same UID)
    cancel = "CANCEL"  # the same UID, a higher SEQUENCE


Facts = Mapping[str, Any]  # the event's data, and `module_status` (the module's status now)
Condition = Callable[[Facts], bool]


def _always(_: Facts) -> bool:
    return True


def _status(*statuses: str) -> Condition:
    return lambda facts: facts.get("status") in statuses


def _left_roster(cancelled_module: bool) -> Condition:
    def condition(facts: Facts) -> bool:
        was_seated = facts.get("previous_status") == "enrolled"
        return was_seated and (facts.get("module_status") == "cancelled") is cancelled_module

    return condition


def _vetting_outcome(facts: Facts) -> bool:
    return "status" in facts.get("changed", ()) and facts.get("status") in ("approved", "rejected", "suspended")


@dataclass(frozen=True)
class Rule:
    kind: str
    on: str  # an event type, or "reminder:<ReminderKind>"
    to: tuple[Audience, ...]
    when: Condition = _always
    invitation: Invitation | None = None  # sent to officers and trainers (never in a focal point's copy)
    # A change of a session that calendars already hold: its invitations' SEQUENCE rises once for the cause.
    session_level: bool = False


A = Audience
RULES: tuple[Rule, ...] = (
    # To the focal points of the agencies with a quota.
    Rule("call_for_nominations", "module.status_changed", (A.quota_focal_points,), _status("open")),
    Rule("deadline_reminder", "reminder:deadline_7", (A.quota_focal_points,)),
    Rule("deadline_reminder", "reminder:deadline_2", (A.quota_focal_points,)),
    Rule("seats_released", "reminder:seats_released", (A.quota_focal_points,)),
    Rule("vetting_outcome", "vetting.changed", (A.officer_focal_points,), _vetting_outcome),
    # To the officer, with a copy to their focal points.
    Rule(
        "nomination_accepted",
        "nomination.decided",
        (A.officer, A.officer_focal_points),
        _status("enrolled"),
        Invitation.request,
    ),
    Rule("nomination_waitlisted", "nomination.decided", (A.officer, A.officer_focal_points), _status("waitlisted")),
    Rule("nomination_declined", "nomination.decided", (A.officer, A.officer_focal_points), _status("rejected")),
    Rule(
        "nomination_promoted", "nomination.promoted", (A.officer, A.officer_focal_points), invitation=Invitation.request
    ),
    Rule(
        "enrolment_cancelled",
        "nomination.withdrawn",
        (A.officer, A.officer_focal_points),
        _left_roster(cancelled_module=False),
        Invitation.cancel,
    ),
    Rule(
        "enrolment_cancelled",
        "nomination.decided",
        (A.officer, A.officer_focal_points),
        lambda facts: facts.get("status") == "vetting_failed" and facts.get("previous_status") == "enrolled",
        Invitation.cancel,
    ),
    Rule(
        "module_cancelled",
        "nomination.withdrawn",
        (A.officer, A.officer_focal_points),
        _left_roster(cancelled_module=True),
        Invitation.cancel,
    ),
    Rule("module_cancelled", "module.status_changed", (A.trainers,), _status("cancelled"), Invitation.cancel),
    Rule("session_reminder", "reminder:session_day_before", (A.participants,)),
    Rule(
        "session_added",
        "session.created",
        (A.participants, A.participants_focal_points),
        invitation=Invitation.request,
    ),
    Rule(
        "session_moved",
        "session.moved",
        (A.participants, A.participants_focal_points, A.trainers),
        invitation=Invitation.request,
        session_level=True,
    ),
    Rule(
        "session_cancelled",
        "session.cancelled",
        (A.participants, A.participants_focal_points, A.invited_trainers),
        invitation=Invitation.cancel,
        session_level=True,
    ),
    Rule("certificate_issued", "certificate.issued", (A.officer, A.officer_focal_points)),
    # To trainers.
    Rule("trainer_assigned", "session.created", (A.trainers,), invitation=Invitation.request),
    Rule("trainer_assigned", "session.trainers_changed", (A.added_trainers,), invitation=Invitation.request),
    Rule(
        "trainer_unassigned",
        "session.trainers_changed",
        (A.removed_trainers,),
        invitation=Invitation.cancel,
        session_level=True,
    ),
    Rule("trainer_roster", "reminder:roster_day_before", (A.trainers,)),
)

# What each kind is, for coordinators turning kinds off (the API lists them).
KINDS: dict[str, str] = {
    "call_for_nominations": N_("A call for nominations opened (to the focal points of the agencies with a quota)"),
    "deadline_reminder": N_("The nomination deadline is 7 and 2 days away (to the focal points with a quota)"),
    "seats_released": N_("Unclaimed quota seats were released at the deadline (to the focal points with a quota)"),
    "vetting_outcome": N_("A vetting was approved, rejected or suspended: its state only (to the focal points)"),
    "nomination_accepted": N_("Accepted, with joining instructions and invitations (to the officer; copy)"),
    "nomination_waitlisted": N_("Waitlisted, with the position (to the officer; copy to the focal points)"),
    "nomination_declined": N_("Declined (to the officer; copy to the focal points)"),
    "nomination_promoted": N_("Promoted from the waitlist, with invitations (to the officer; copy)"),
    "enrolment_cancelled": N_("Taken off the roster: invitations cancelled (to the officer; copy)"),
    "module_cancelled": N_("The module was cancelled: invitations cancelled (participants, copies, trainers)"),
    "session_reminder": N_("A reminder the day before a session (to the participants)"),
    "session_added": N_("A session was added: an invitation (to the participants; copy)"),
    "session_moved": N_("A session moved: an updated invitation (participants, copies, trainers)"),
    "session_cancelled": N_("A session was cancelled: a cancelling invitation (participants, copies, trainers)"),
    "certificate_issued": N_("A certificate was issued, with its verification link (to the officer; copy)"),
    "trainer_assigned": N_("Assigned to a session, with an invitation (to the trainer)"),
    "trainer_unassigned": N_("Taken off a session: the invitation cancelled (to the trainer)"),
    "trainer_roster": N_("The roster the day before a session (to the trainers)"),
}
assert {r.kind for r in RULES} == set(KINDS), "every kind of RULES is described in KINDS, and only those"

# Sent by an area itself, not decided from an event: a survey's personal links (domain/surveys),
# each to one person with its link sealed (sealing.py). Not a kind coordinators turn off: a
# survey not attached sends nothing.
SURVEY_LINK = "survey_link"

TRIGGERS = frozenset(r.on for r in RULES)


def rules_for(cause: str) -> list[Rule]:
    return [r for r in RULES if r.on == cause]
