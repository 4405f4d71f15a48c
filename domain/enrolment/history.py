"""Every nomination status change goes through here, the first one (a nomination's submission)
among them: the change, its history row and its audit entry and event, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.service import record_change
from domain.auth.principal import Principal
from domain.models.enrolment import ChangeCause, Nomination, NominationChange, NominationStatus
from domain.outbox.service import emit

S = NominationStatus


def record_status(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination: Nomination,
    to_status: NominationStatus,
    reason: str | None,
    cause: ChangeCause | None = None,
) -> None:
    """`nomination` without a status yet (a new one, its id set) is being submitted: its audit
    entry is its creation."""
    before: NominationStatus | None = nomination.status  # None: not yet submitted
    nomination.status = to_status
    session.add(
        NominationChange(
            nomination_id=nomination.id,
            actor_id=principal.id,
            actor_name=principal.name,
            from_status=before.value if before else None,
            to_status=to_status.value,
            reason=reason,
            cause=cause,
        )
    )
    if before is None:
        created = {"module_id": nomination.module_id, "officer_id": nomination.officer_id, "role": nomination.role}
        record_change(
            session,
            principal=principal,
            action="created",
            entity="nomination",
            entity_id=nomination.id,
            changes={f: (None, v) for f, v in created.items()},
        )
    else:
        record_change(
            session,
            principal=principal,
            action="status-changed",
            entity="nomination",
            entity_id=nomination.id,
            changes={"status": (before, to_status), "reason": (None, reason)},
        )
    type_ = event_type(before, to_status)
    data: dict[str, Any] = {
        "module_id": nomination.module_id,
        "officer_id": nomination.officer_id,
        "status": to_status.value,
    }
    if type_ not in ("completion.settled", "nomination.submitted"):
        data["previous_status"] = before.value if before else None
    emit(
        session,
        type_,
        resource_id=nomination.id,
        officer_id=nomination.officer_id,
        agency_id=nomination.agency_id,
        data=data,
    )


def event_type(before: NominationStatus | None, after: NominationStatus) -> str:
    if before is None:
        return "nomination.submitted"
    if after is S.withdrawn:
        return "nomination.withdrawn"
    if after in (S.completed, S.not_completed):
        return "completion.settled"
    if before is S.waitlisted and after is S.enrolled:
        return "nomination.promoted"
    return "nomination.decided"
