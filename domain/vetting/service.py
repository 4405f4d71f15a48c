"""Vetting records of officers (domain rules 10 and 11): requested, answered, and what a
rejection or suspension does to the rosters. Also what module confirmation and cancellation
ask of vetting: who blocks a module, and cancelling its pending requests."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.need_to_know import internal
from domain.access.plans import authorize_programme
from domain.audit.service import record_change, record_read
from domain.auth.policy import VETTING_READ, VETTING_WRITE, authorize
from domain.auth.principal import Principal
from domain.catalogue.models import Module, ModuleStatus, VettingType
from domain.catalogue.module_service import lock_module, module_dates
from domain.crud import check_version, create_entity, ensure_exists, get_or_404, update_entity
from domain.enrolment.models import HOLDS_SEAT, Nomination, NominationStatus
from domain.enrolment.seats import free_seat
from domain.errors import Conflict, NotFound
from domain.events.outbox import emit
from domain.officers.models import Officer
from domain.pagination import Paged, paginate
from domain.vetting.models import Vetting, VettingStatus
from domain.vetting.rules import FAILING, VettingFact, VettingState, blocker_reason, check_transition, settle
from domain.vetting.schemas import VettingBlocker, VettingChange, VettingCreate, VettingRead, VettingUpdate

ENTITY = "vetting"
AUDITED = [
    "officer_id",
    "type",
    "status",
    "unit_agency_id",
    "module_id",
    "requested_on",
    "needed_by",
    "external_reference",
]
# Modules whose rosters a failed vetting no longer changes.
FINISHED = (ModuleStatus.delivered, ModuleStatus.closed, ModuleStatus.cancelled)


def _visible_officers(principal: Principal) -> Select[Any]:
    return select(Officer.id).where(need_to_know.officers(principal))


async def _officer(session: AsyncSession, principal: Principal, officer_id: uuid.UUID) -> Officer:
    """An officer outside the principal's need-to-know answers like one that does not exist."""
    officer = (
        await session.scalars(
            select(Officer).where(Officer.id == officer_id, Officer.id.in_(_visible_officers(principal)))
        )
    ).first()
    if officer is None:
        raise NotFound(f"No officer with id {officer_id}.", entity="officers", id=str(officer_id))
    return officer


async def create_vetting(
    session: AsyncSession, *, principal: Principal, officer_id: uuid.UUID, data: VettingCreate
) -> Vetting:
    """Record a vetting request. The officer's unit now is the unit vetted."""
    authorize(principal, VETTING_WRITE)
    officer = await _officer(session, principal, officer_id)
    if data.module_id is not None:
        await ensure_exists(session, Module, data.module_id, field="module_id")
        await authorize_programme(session, principal, module_id=data.module_id)
    kind = VettingType(data.type)
    pending = await session.scalar(
        select(Vetting.id).where(
            Vetting.officer_id == officer.id,
            Vetting.type == kind,
            Vetting.status == VettingStatus.requested,
            Vetting.unit_agency_id == officer.agency_id,
        )
    )
    if pending is not None:
        raise Conflict(
            f"A {kind.value} vetting of this officer is already requested ({pending}); record its result instead.",
            code="vetting-pending",
            title="Vetting already requested",
            vetting_id=str(pending),
        )
    vetting = Vetting(
        officer_id=officer.id,
        type=kind,
        status=VettingStatus.requested,
        unit_agency_id=officer.agency_id,
        module_id=data.module_id,
        requested_on=data.requested_on,
        needed_by=data.needed_by,
        external_reference=data.external_reference,
        note=data.note,
    )
    await create_entity(session, principal=principal, entity=ENTITY, obj=vetting, audit_fields=AUDITED)
    _emit(session, vetting, ["status"])
    return vetting


def _emit(session: AsyncSession, vetting: Vetting, changed: list[str]) -> None:
    emit(
        session,
        "vetting.changed",
        resource_id=vetting.id,
        officer_id=vetting.officer_id,
        agency_id=vetting.unit_agency_id,
        data={"officer_id": vetting.officer_id, "changed": sorted(changed), "status": vetting.status.value},
    )


async def list_vettings(
    session: AsyncSession, *, principal: Principal, officer_id: uuid.UUID, limit: int, cursor: str | None
) -> Paged[Vetting]:
    authorize(principal, VETTING_READ)
    await _officer(session, principal, officer_id)
    items, next_cursor = await paginate(
        session,
        select(Vetting).where(Vetting.officer_id == officer_id),
        order=(Vetting.id,),
        limit=limit,
        cursor=cursor,
    )
    if need_to_know.logs_reads(principal):
        record_read(
            session,
            principal=principal,
            entity=ENTITY,
            filters={"officer_id": officer_id, "cursor": cursor},
            row_count=len(items),
        )
    return items, next_cursor


async def get_vetting(session: AsyncSession, *, principal: Principal, vetting_id: uuid.UUID) -> Vetting:
    authorize(principal, VETTING_READ)
    vetting = await get_or_404(
        session, Vetting, vetting_id, where=(Vetting.officer_id.in_(_visible_officers(principal)),)
    )
    if need_to_know.logs_reads(principal):
        record_read(session, principal=principal, entity=ENTITY, filters={"id": vetting_id}, row_count=1)
    return vetting


async def update_vetting(
    session: AsyncSession,
    *,
    principal: Principal,
    vetting_id: uuid.UUID,
    data: VettingUpdate,
    expected_version: int | None,
) -> VettingChange:
    """Record a result or a later change. A vetting that becomes rejected or suspended takes the
    officer off every roster that needs that vetting type and is not yet delivered, and each
    freed seat goes to the next eligible waiting nomination."""
    authorize(principal, VETTING_WRITE)
    vetting = await get_or_404(
        session, Vetting, vetting_id, where=(Vetting.officer_id.in_(_visible_officers(principal)),)
    )
    check_version(vetting, expected_version)
    changes = data.changes()
    before = vetting.status
    target = changes.get("status", before)
    check_transition(before, target)
    state = VettingState(
        type=vetting.type,
        status=target,
        requested_on=vetting.requested_on,
        needed_by=changes.get("needed_by", vetting.needed_by),
        result_on=changes.get("result_on", vetting.result_on),
        valid_from=changes.get("valid_from", vetting.valid_from),
        valid_until=changes.get("valid_until", vetting.valid_until),
    )
    valid_from, valid_until = settle(state, sent=set(changes))
    written = changes | {"valid_from": valid_from, "valid_until": valid_until}
    earlier = {f: getattr(vetting, f) for f in written}
    await update_entity(
        session, principal=principal, entity=ENTITY, obj=vetting, expected_version=expected_version, data=written
    )
    changed = [f for f in written if getattr(vetting, f) != earlier[f]]
    if changed:
        _emit(session, vetting, changed)
    result = VettingChange(vetting=VettingRead.model_validate(vetting))
    if target != before and target in FAILING:
        await _take_off_rosters(session, principal=principal, vetting=vetting, result=result)
    return result


async def _take_off_rosters(
    session: AsyncSession, *, principal: Principal, vetting: Vetting, result: VettingChange
) -> None:
    nominations = list(
        await session.scalars(
            internal(
                select(Nomination)
                .join(Module, Module.id == Nomination.module_id)
                .where(
                    Nomination.officer_id == vetting.officer_id,
                    Nomination.status == NominationStatus.enrolled,
                    Module.vetting_required == vetting.type,
                    Module.status.not_in(FINISHED),
                )
                .order_by(Nomination.id),
                "the seats a failed vetting frees, whoever nominated them",
            )
        )
    )
    reason = f"{vetting.type.value} vetting {vetting.status.value}"
    for nomination in nominations:
        await lock_module(session, nomination.module_id)
        await session.refresh(nomination)  # re-read under the module's lock
        if nomination.status is not NominationStatus.enrolled:
            continue
        seats = await free_seat(
            session,
            principal=principal,
            nomination=nomination,
            to_status=NominationStatus.vetting_failed,
            reason=reason,
        )
        result.removed_from.append(nomination.id)
        result.promoted += seats.promoted
        result.skipped += seats.skipped


async def vetting_blockers(session: AsyncSession, *, module: Module) -> list[VettingBlocker]:
    """The enrolled participants who lack an approved vetting of the module's type, valid over
    its dates and done in their current unit, and why. Three queries
    whatever the roster's size; none when the module needs no vetting."""
    required = module.vetting_required
    if required is VettingType.none:
        return []
    enrolled = select(Nomination.officer_id).where(Nomination.module_id == module.id, Nomination.status.in_(HOLDS_SEAT))
    people = (
        await session.execute(
            internal(
                select(Officer.id, Officer.name_latin, Officer.agency_id)
                .where(Officer.id.in_(enrolled))
                .order_by(Officer.name_latin_key, Officer.id),
                "who blocks the confirmation of a module the caller plans: its enrolled participants",
            )
        )
    ).all()
    if not people:
        return []
    starts_on, ends_on = (await module_dates(session, [module.id])).get(module.id, (None, None))
    by_officer: dict[uuid.UUID, list[VettingFact]] = {}
    vettings = internal(select(Vetting).where(Vetting.officer_id.in_(enrolled)), "the enrolled participants' vettings")
    for v in await session.scalars(vettings):
        by_officer.setdefault(v.officer_id, []).append(
            VettingFact(
                id=v.id,
                type=v.type,
                status=v.status,
                unit_agency_id=v.unit_agency_id,
                requested_on=v.requested_on,
                needed_by=v.needed_by,
                result_on=v.result_on,
                valid_from=v.valid_from,
                valid_until=v.valid_until,
            )
        )
    blockers = []
    for officer_id, name_latin, agency_id in people:
        reason = blocker_reason(
            by_officer.get(officer_id, []), required=required, agency_id=agency_id, starts_on=starts_on, ends_on=ends_on
        )
        if reason is not None:
            blockers.append(VettingBlocker(officer_id=officer_id, name_latin=name_latin, reason=reason))
    return blockers


async def cancel_module_vettings(session: AsyncSession, *, principal: Principal, module: Module) -> int:
    """Cancelling a module cancels the vetting requests still pending for it; returns how many."""
    pending = list(
        await session.scalars(
            select(Vetting).where(Vetting.module_id == module.id, Vetting.status == VettingStatus.requested)
        )
    )
    for vetting in pending:
        vetting.status = VettingStatus.cancelled
        record_change(
            session,
            principal=principal,
            action="updated",
            entity=ENTITY,
            entity_id=vetting.id,
            changes={
                "status": (VettingStatus.requested, VettingStatus.cancelled),
                "reason": (None, "module cancelled"),
            },
        )
        _emit(session, vetting, ["status"])
    if pending:
        await session.flush()
    return len(pending)
