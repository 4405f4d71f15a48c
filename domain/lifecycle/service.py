"""A module's status change, the one place it happens, with its consequences for people:
confirming needs every enrolled participant vetted as the module requires; cancelling
withdraws the nominations still in play and cancels pending vetting requests; delivery (only
for training that took place: catalogue/transitions.py) settles who completed."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import internal
from domain.attendance.completion import complete_module
from domain.audit.service import record_change
from domain.auth.principal import Principal
from domain.catalogue.module_service import managed_module, session_span
from domain.catalogue.schemas import ModuleTransition
from domain.catalogue.transitions import check_transition
from domain.crud import check_version
from domain.db import utcnow
from domain.enrolment.history import record_status
from domain.errors import Conflict
from domain.i18n import translatable
from domain.models.catalogue import Module, ModuleStatus, VettingType
from domain.models.enrolment import LIVE, ChangeCause, Nomination, NominationStatus
from domain.outbox.service import emit
from domain.vetting.service import cancel_module_vettings, vetting_blockers


async def transition_module(
    session: AsyncSession,
    *,
    principal: Principal,
    module_id: uuid.UUID,
    data: ModuleTransition,
    expected_version: int | None = None,
) -> Module:
    """`expected_version`: the module's version the caller saw (If-Match); stale is a 412."""
    module = await managed_module(session, principal, module_id)
    check_version(module, expected_version)
    first_start, last_end = await session_span(session, module.id)
    check_transition(
        module.status, data.to, reason=data.reason, first_start=first_start, last_end=last_end, now=utcnow()
    )
    if data.to is ModuleStatus.confirmed and module.vetting_required is not VettingType.none:
        blockers, blocking = await vetting_blockers(session, principal=principal, module=module)
        if blocking:
            raise Conflict(
                translatable(
                    "{blocking} enrolled participant(s) lack an approved {vetting_required} vetting valid "
                    "over the module's dates; nothing was changed.",
                    blocking=blocking,
                    vetting_required=module.vetting_required.value,
                ),
                code="vetting-incomplete",
                title="Vetting incomplete",
                blockers=[b.model_dump(mode="json") for b in blockers],
            )
    before = module.status
    module.status, module.status_reason = data.to, data.reason
    await session.flush()
    record_change(
        session,
        principal=principal,
        action="transitioned",
        entity="module",
        entity_id=module.id,
        changes={"status": (before, data.to), "status_reason": (None, data.reason)},
    )
    emit(
        session,
        "module.status_changed",
        resource_id=module.id,
        data={"status": data.to.value, "previous_status": before.value},
    )
    if data.to is ModuleStatus.cancelled:
        reason = f"module cancelled: {data.reason}"
        live = internal(
            select(Nomination).where(Nomination.module_id == module.id, Nomination.status.in_(LIVE)),
            "cancelling a module withdraws every nomination still in play",
        )
        for nomination in await session.scalars(live):
            record_status(
                session,
                principal=principal,
                nomination=nomination,
                to_status=NominationStatus.withdrawn,
                reason=reason,
                cause=ChangeCause.module_cancelled,
            )
        await cancel_module_vettings(session, principal=principal, module=module)
    elif data.to is ModuleStatus.delivered:
        await complete_module(session, principal=principal, module=module)
    await session.flush()
    return module
