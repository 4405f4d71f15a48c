"""Vetting records of officers (domain rules 10 and 11): requested, answered, and what a
rejection or suspension does to the rosters. Also what module confirmation and cancellation
ask of vetting: who blocks a module, and cancelling its pending requests."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.need_to_know import internal
from domain.access.plans import authorize_programme
from domain.audit.service import record_change, record_read
from domain.auth.policy import VETTING_READ, VETTING_WRITE, authorize
from domain.auth.principal import Principal
from domain.catalogue.module_service import lock_module, module_dates
from domain.crud import check_version, create_entity, ensure_exists, get_or_404, update_entity
from domain.db import table_of, utcnow
from domain.enrolment.seats import free_seat
from domain.errors import Conflict, NotFound
from domain.i18n import translatable
from domain.models.catalogue import FINISHED, Module, VettingType
from domain.models.enrolment import HOLDS_SEAT, Nomination, NominationStatus
from domain.models.officers import Officer
from domain.models.vetting import Vetting, VettingStatus
from domain.outbox.service import emit
from domain.pagination import Paged, paginate
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


async def _officer(session: AsyncSession, principal: Principal, officer_id: uuid.UUID) -> Officer:
    """An officer outside the principal's need-to-know answers like one that does not exist."""
    officer = (
        await session.scalars(select(Officer).where(Officer.id == officer_id, need_to_know.officers(principal)))
    ).first()
    if officer is None:
        raise NotFound(
            translatable("No officer with id {id}.", id=officer_id),
            entity="officers",
            id=str(officer_id),
        )
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
            need_to_know.officer_rows(principal, Vetting.officer_id),
        )
    )
    if pending is not None:
        raise Conflict(
            translatable(
                "A {kind} vetting of this officer is already requested ({pending}); record its result instead.",
                kind=kind.value,
                pending=pending,
            ),
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
    _emit_change(session, vetting.id, vetting.officer_id, vetting.unit_agency_id, changed, vetting.status)


def _emit_change(
    session: AsyncSession,
    vetting_id: uuid.UUID,
    officer_id: uuid.UUID,
    agency_id: uuid.UUID,
    changed: list[str],
    status: VettingStatus,
) -> None:
    emit(
        session,
        "vetting.changed",
        resource_id=vetting_id,
        officer_id=officer_id,
        agency_id=agency_id,
        data={"officer_id": officer_id, "changed": sorted(changed), "status": status.value},
    )


async def list_vettings(
    session: AsyncSession, *, principal: Principal, officer_id: uuid.UUID, limit: int, cursor: str | None
) -> Paged[Vetting]:
    authorize(principal, VETTING_READ)
    await _officer(session, principal, officer_id)
    items, next_cursor = await paginate(
        session,
        select(Vetting).where(
            Vetting.officer_id == officer_id, need_to_know.officer_rows(principal, Vetting.officer_id)
        ),
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
        session, Vetting, vetting_id, where=(need_to_know.officer_rows(principal, Vetting.officer_id),)
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
        session, Vetting, vetting_id, where=(need_to_know.officer_rows(principal, Vetting.officer_id),)
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
    # The officer's seats in modules the principal does not see are freed all the same, unsaid.
    if result.removed_from:
        seen = select(Nomination.id).where(Nomination.id.in_(result.removed_from), need_to_know.nominations(principal))
        shown = set(await session.scalars(seen))
        result.removed_from = [n for n in result.removed_from if n in shown]


async def vetting_blockers(
    session: AsyncSession, *, principal: Principal, module: Module
) -> tuple[list[VettingBlocker], int]:
    """The enrolled participants who lack an approved vetting of the module's type, valid over
    its dates and done in their current unit, and why: those the principal may see, named, and how
    many block in all. Three queries whatever the roster's size; none when the module needs no
    vetting. The rule weighs everyone's facts (internal: ids, units, statuses and dates, never
    returned); names are read through need-to-know."""
    required = module.vetting_required
    if required is VettingType.none:
        return [], 0
    enrolled = select(Nomination.officer_id).where(Nomination.module_id == module.id, Nomination.status.in_(HOLDS_SEAT))
    facts = internal(
        select(Officer.id, Officer.agency_id, *(getattr(Vetting, f) for f in FACTS))
        .outerjoin(Vetting, Vetting.officer_id == Officer.id)
        .where(Officer.id.in_(enrolled)),
        "the enrolled participants' units and vetting facts, for the confirmation rule: nothing returned",
    )
    rows = (await session.execute(facts)).all()
    if not rows:
        return [], 0
    starts_on, ends_on = (await module_dates(session, [module.id])).get(module.id, (None, None))
    people: dict[uuid.UUID, uuid.UUID] = {}
    by_officer: dict[uuid.UUID, list[VettingFact]] = {}
    for officer_id, agency_id, *values in rows:
        people[officer_id] = agency_id
        if values[0] is not None:  # a vetting (the outer join's NULLs: none)
            by_officer.setdefault(officer_id, []).append(VettingFact(**dict(zip(FACTS, values))))
    reasons = {}
    for officer_id, agency_id in people.items():
        reason = blocker_reason(
            by_officer.get(officer_id, []), required=required, agency_id=agency_id, starts_on=starts_on, ends_on=ends_on
        )
        if reason is not None:
            reasons[officer_id] = reason
    if not reasons:
        return [], 0
    named = (
        select(Officer.id, Officer.name_latin)
        .where(Officer.id.in_(reasons), need_to_know.roster_participants(principal))
        .order_by(Officer.name_latin_key, Officer.id)
    )
    blockers = [
        VettingBlocker(officer_id=officer_id, name_latin=name, reason=reasons[officer_id])
        for officer_id, name in await session.execute(named)
    ]
    return blockers, len(reasons)


FACTS = (
    "id",
    "type",
    "status",
    "unit_agency_id",
    "requested_on",
    "needed_by",
    "result_on",
    "valid_from",
    "valid_until",
)


async def cancel_module_vettings(session: AsyncSession, *, principal: Principal, module: Module) -> int:
    """Cancelling a module cancels the vetting requests still pending for it; returns how many.
    By id, in bulk: the records themselves are never read."""
    pending = (
        await session.execute(
            internal(
                select(Vetting.id, Vetting.officer_id, Vetting.unit_agency_id).where(
                    Vetting.module_id == module.id, Vetting.status == VettingStatus.requested
                ),
                "the pending vetting requests a cancelled module cancels: ids only",
            )
        )
    ).all()
    if not pending:
        return 0
    vettings = table_of(Vetting)
    await session.execute(
        update(vettings)
        .where(vettings.c.id.in_([p.id for p in pending]))
        .values(status=VettingStatus.cancelled, version=vettings.c.version + 1, updated_at=utcnow())
    )
    for vetting_id, officer_id, agency_id in pending:
        record_change(
            session,
            principal=principal,
            action="updated",
            entity=ENTITY,
            entity_id=vetting_id,
            changes={
                "status": (VettingStatus.requested, VettingStatus.cancelled),
                "reason": (None, "module cancelled"),
            },
        )
        _emit_change(session, vetting_id, officer_id, agency_id, ["status"], VettingStatus.cancelled)
    return len(pending)
