"""Every nomination status change goes through here: the change, its history row and its audit
entry and event, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.service import record_change
from domain.auth.principal import Principal
from domain.models.enrolment import Nomination, NominationChange, NominationStatus
from domain.outbox.service import emit

S = NominationStatus


def record_status(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination: Nomination,
    to_status: NominationStatus,
    reason: str | None,
) -> None:
    before = nomination.status
    nomination.status = to_status
    session.add(
        NominationChange(
            nomination_id=nomination.id,
            actor_id=principal.id,
            actor_name=principal.name,
            from_status=before.value if before else None,
            to_status=to_status.value,
            reason=reason,
        )
    )
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
    if type_ != "completion.settled":
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
    if after is S.withdrawn:
        return "nomination.withdrawn"
    if after in (S.completed, S.not_completed):
        return "completion.settled"
    if before is S.waitlisted and after is S.enrolled:
        return "nomination.promoted"
    return "nomination.decided"
