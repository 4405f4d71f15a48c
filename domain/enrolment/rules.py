"""Pure enrolment rules: seats against capacity and quotas, waitlist order, gender share, and a
nomination's status machine and refusals. No database here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from domain.enrolment.schemas import ModuleRef, Violation
from domain.errors import Conflict
from domain.i18n import translatable
from domain.models.catalogue import ModuleStatus
from domain.models.enrolment import NominationStatus


@dataclass(frozen=True)
class Quota:
    agency_id: uuid.UUID
    path: str  # the agency's materialised path: sub-units share its prefix
    seats: int


def quota_for(agency_path: str, quotas: list[Quota]) -> Quota | None:
    """The most specific active quota covering an agency (its own, else its nearest parent's)."""
    covering = [q for q in quotas if agency_path.startswith(q.path)]
    return max(covering, key=lambda q: len(q.path), default=None)


def seat_limit(*, capacity: int, quotas: list[Quota], enrolled_paths: list[str], candidate_path: str) -> str | None:
    """Which limit stops one more enrolment from this agency: "capacity", "quota" or None.

    An active quota both reserves seats for its agency and caps it; agencies without a quota
    share the seats no quota reserves (the general pool)."""
    if len(enrolled_paths) >= capacity:
        return "capacity"
    used: dict[uuid.UUID, int] = {}
    outside = 0
    for path in enrolled_paths:
        q = quota_for(path, quotas)
        if q is None:
            outside += 1
        else:
            used[q.agency_id] = used.get(q.agency_id, 0) + 1
    mine = quota_for(candidate_path, quotas)
    if mine is not None:
        return "quota" if used.get(mine.agency_id, 0) >= mine.seats else None
    pool = capacity - sum(q.seats for q in quotas)
    return "capacity" if outside >= pool else None


def general_pool(capacity: int, quotas: list[Quota]) -> int:
    return max(0, capacity - sum(q.seats for q in quotas))


@dataclass(frozen=True)
class Waiting:
    nomination_id: uuid.UUID
    agency_id: uuid.UUID
    is_alternate: bool
    queue_rank: int | None
    priority: int
    created_at: datetime


def queue_key(w: Waiting) -> tuple[bool, int, int, datetime, str]:
    """Coordinators' explicit order first, then priority (lower first), then time."""
    return (w.queue_rank is None, w.queue_rank or 0, w.priority, w.created_at, str(w.nomination_id))


def promotion_order(waiting: list[Waiting], freed_agency_id: uuid.UUID | None) -> list[Waiting]:
    """The same agency's alternates get a freed seat first, then everyone in queue order."""
    first = sorted((w for w in waiting if w.is_alternate and w.agency_id == freed_agency_id), key=queue_key)
    rest = sorted((w for w in waiting if w not in first), key=queue_key)
    return first + rest


def female_share(female: int, male: int) -> float | None:
    total = female + male
    return None if total == 0 else round(female / total, 4)


# --- nominations: the status machine and the refusals ---------------------------------------

S = NominationStatus
# The decisions and withdrawals allowed from each status; the statuses after delivery (completed,
# not_completed) and the refusals (rejected, withdrawn, vetting_failed) are final.
NEXT: dict[NominationStatus, frozenset[NominationStatus]] = {
    S.submitted: frozenset({S.enrolled, S.waitlisted, S.rejected, S.withdrawn}),
    S.waitlisted: frozenset({S.enrolled, S.rejected, S.withdrawn}),
    S.enrolled: frozenset({S.rejected, S.withdrawn}),
}


def check_status_change(current: NominationStatus, target: NominationStatus) -> None:
    """Refuse a decision or withdrawal the status machine does not allow, naming the allowed ones."""
    allowed = NEXT.get(current, frozenset())
    if target not in allowed:
        names = sorted(s.value for s in allowed)
        raise Conflict(
            translatable(
                "A {current} nomination cannot become {target}; allowed: {allowed}.",
                current=current.value,
                target=target.value,
                allowed=", ".join(names) or translatable("none"),
            ),
            code="illegal-transition",
            title="Illegal status change",
            current=current.value,
            allowed=names,
        )


@dataclass(frozen=True)
class NominationFacts:
    """What the nomination rules look at, gathered by the service (a fixed number of queries)."""

    officer_active: bool  # a deactivated officer (by HR, SCIM or an import) keeps history, takes no new training
    module_status: ModuleStatus
    deadline: datetime | None
    now: datetime
    deciding: bool  # a coordinator (or admin), who may nominate late with a reason
    late_reason: str | None
    already_nominated: bool
    missing_prerequisites: list[ModuleRef]
    overlapping: list[ModuleRef]
    missing_identity_fields: list[str]


def nomination_violations(facts: NominationFacts) -> list[Violation]:
    """Every rule a nomination breaks (domain rules 5-9), in a stable order; empty when it may go ahead."""
    found = []
    if not facts.officer_active:
        found.append(
            Violation.of(
                translatable("The officer is deactivated: reactivate them to nominate them."),
                rule="officer-deactivated",
            )
        )
    if facts.module_status is not ModuleStatus.open:
        found.append(
            Violation.of(
                translatable("The module is {status}; nominations need it open.", status=facts.module_status.value),
                rule="module-not-open",
            )
        )
    if facts.deadline is not None and facts.now > facts.deadline and not (facts.deciding and facts.late_reason):
        found.append(
            Violation.of(
                translatable(
                    "The nomination deadline ({deadline}) has passed; a coordinator may add a late nomination "
                    "with late_reason.",
                    deadline=facts.deadline.isoformat(),
                )
                if facts.deciding
                else translatable(
                    "The nomination deadline ({deadline}) has passed.", deadline=facts.deadline.isoformat()
                ),
                rule="deadline-passed",
            )
        )
    if facts.already_nominated:
        found.append(
            Violation.of(translatable("The officer is already nominated for this module."), rule="already-nominated")
        )
    if facts.missing_prerequisites:
        found.append(
            Violation.of(
                translatable(
                    "The officer has not completed {codes}.",
                    codes=", ".join(m.code for m in facts.missing_prerequisites),
                ),
                rule="prerequisite-not-completed",
                modules=facts.missing_prerequisites,
            )
        )
    if facts.overlapping:
        found.append(
            Violation.of(
                translatable(
                    "The officer is enrolled in a module whose sessions overlap: {codes}.",
                    codes=", ".join(m.code for m in facts.overlapping),
                ),
                rule="schedule-overlap",
                modules=facts.overlapping,
            )
        )
    if facts.missing_identity_fields:
        found.append(
            Violation.of(
                translatable(
                    "The module's vetting needs {fields} on the officer record.",
                    fields=", ".join(facts.missing_identity_fields),
                ),
                rule="identity-fields-missing",
                fields=facts.missing_identity_fields,
            )
        )
    return found
