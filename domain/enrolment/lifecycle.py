"""A module's status change with its consequences for people: confirming needs every enrolled
participant vetted as the module requires; cancelling withdraws pending nominations and cancels
vetting requests; delivery settles who completed."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import internal
from domain.attendance.completion import complete_module
from domain.auth.principal import Principal
from domain.catalogue import module_service
from domain.catalogue.models import Module, ModuleStatus, VettingType
from domain.catalogue.schemas import ModuleTransition
from domain.enrolment.history import record_status
from domain.enrolment.models import Nomination, NominationStatus
from domain.enrolment.vetting import cancel_module_vettings, vetting_blockers
from domain.errors import Conflict

PENDING_OR_SEATED = (NominationStatus.submitted, NominationStatus.waitlisted, NominationStatus.enrolled)


async def transition_module(session: AsyncSession, *, principal: Principal, module_id: uuid.UUID, data: ModuleTransition) -> Module:
    module = await module_service.transition_module(session, principal=principal, module_id=module_id, data=data)
    if data.to is ModuleStatus.confirmed and module.vetting_required is not VettingType.none:
        blockers = await vetting_blockers(session, module=module)
        if blockers:
            raise Conflict(
                f"{len(blockers)} enrolled participant(s) lack an approved {module.vetting_required.value} vetting valid over "
                "the module's dates; nothing was changed.",
                code="vetting-incomplete", title="Vetting incomplete", blockers=blockers,
            )
    elif data.to is ModuleStatus.cancelled:
        reason = f"module cancelled: {data.reason}"
        pending = internal(select(Nomination).where(Nomination.module_id == module.id, Nomination.status.in_(PENDING_OR_SEATED)),
                           "cancelling a module withdraws every nomination still pending or seated")
        for nomination in await session.scalars(pending):
            record_status(session, principal=principal, nomination=nomination, to_status=NominationStatus.withdrawn, reason=reason)
        await cancel_module_vettings(session, principal=principal, module=module)
    elif data.to is ModuleStatus.delivered:
        await complete_module(session, principal=principal, module=module)
    await session.flush()
    return module
