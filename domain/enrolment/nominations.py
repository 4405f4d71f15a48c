"""Nominations: put forward, decided, withdrawn, with the waitlist behind them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import lru_cache

from pydantic import BaseModel
from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.need_to_know import internal
from domain.access.plans import authorize_programme
from domain.access.teaching import module_for
from domain.agencies.tree import in_subtree, subtree_path
from domain.audit.service import record_read
from domain.auth.policy import NOMINATIONS_DECIDE, NOMINATIONS_READ, NOMINATIONS_WRITE, allowed, authorize
from domain.auth.principal import Principal
from domain.catalogue.module_service import lock_module
from domain.crud import check_version, not_found
from domain.enrolment import eligibility
from domain.enrolment.balance import acceptance_warnings, nomination_warnings
from domain.enrolment.history import record_status
from domain.enrolment.rules import NominationFacts, check_status_change, nomination_violations
from domain.enrolment.schemas import (
    Decision,
    DecisionResult,
    NominationCreate,
    NominationRead,
    SeatChanges,
    Violation,
    Withdrawal,
)
from domain.enrolment.seats import SeatBook, free_seat
from domain.errors import Conflict, InvalidInput, RuleViolation
from domain.i18n import N_, Translatable, translatable
from domain.ids import uuid7
from domain.models.agencies import Agency
from domain.models.catalogue import ENROLLING, Module
from domain.models.enrolment import Nomination, NominationChange, NominationRole, NominationStatus
from domain.models.officers import Officer
from domain.pagination import Paged, paginate
from domain.schemas import Warning_

S = NominationStatus
ENTITY = "nomination"


class NominationFilters(BaseModel):
    status: NominationStatus | None = None
    agency_id: uuid.UUID | None = None
    role: NominationRole | None = None
    officer_id: uuid.UUID | None = None


async def list_nominations(
    session: AsyncSession,
    *,
    principal: Principal,
    module_id: uuid.UUID,
    filters: NominationFilters,
    limit: int,
    cursor: str | None,
) -> Paged[Nomination]:
    authorize(principal, NOMINATIONS_READ)
    await module_for(session, principal, module_id, write=False)  # another programme's, for a coordinator: a 404
    stmt = select(Nomination).where(Nomination.module_id == module_id, need_to_know.nominations(principal))
    if filters.status:
        stmt = stmt.where(Nomination.status == filters.status)
    if filters.role:
        stmt = stmt.where(Nomination.role == filters.role)
    if filters.officer_id:
        stmt = stmt.where(Nomination.officer_id == filters.officer_id)
    if filters.agency_id:
        prefix = await subtree_path(session, filters.agency_id)
        stmt = stmt.where(Nomination.agency_id.in_(select(Agency.id).where(in_subtree(Agency.path, prefix))))
    items, next_cursor = await paginate(session, stmt, order=(Nomination.id,), limit=limit, cursor=cursor)
    if need_to_know.logs_reads(principal):
        record_read(
            session,
            principal=principal,
            entity=ENTITY,
            filters=filters.model_dump() | {"module_id": module_id, "cursor": cursor},
            row_count=len(items),
        )
    return items, next_cursor


@lru_cache(maxsize=256)
def _visible_nomination(principal: Principal) -> Select[Nomination]:
    """One nomination the principal may see: built once per principal (it is frozen), run with the id."""
    return select(Nomination).where(Nomination.id == bindparam("nomination_id"), need_to_know.nominations(principal))


@lru_cache(maxsize=256)
def _visible_officer(principal: Principal) -> Select[Officer]:
    """One officer the principal may nominate (see): built once per principal, run with the id."""
    return select(Officer).where(Officer.id == bindparam("officer_id"), need_to_know.officers(principal))


async def find_nomination(
    session: AsyncSession, *, principal: Principal, nomination_id: uuid.UUID, fresh: bool = False
) -> Nomination:
    """A nomination the principal may see (else a 404), for the decisions that act on one.
    `fresh`: read again even if this session holds it already (read under a lock just taken)."""
    authorize(principal, NOMINATIONS_READ)
    nomination = (
        await session.scalars(
            _visible_nomination(principal),
            {"nomination_id": nomination_id},
            execution_options={"populate_existing": fresh},
        )
    ).first()
    if nomination is None:
        raise not_found(Nomination, nomination_id)
    return nomination


async def get_nomination(session: AsyncSession, *, principal: Principal, nomination_id: uuid.UUID) -> Nomination:
    nomination = await find_nomination(session, principal=principal, nomination_id=nomination_id)
    if need_to_know.logs_reads(principal):
        record_read(session, principal=principal, entity=ENTITY, filters={"id": nomination_id}, row_count=1)
    return nomination


async def nomination_history(
    session: AsyncSession, *, principal: Principal, nomination_id: uuid.UUID
) -> list[NominationChange]:
    await find_nomination(session, principal=principal, nomination_id=nomination_id)
    changes = list(
        await session.scalars(
            select(NominationChange)
            .where(NominationChange.nomination_id == nomination_id, need_to_know.nomination_history(principal))
            .order_by(NominationChange.id)
        )
    )
    if need_to_know.logs_reads(principal):
        record_read(
            session,
            principal=principal,
            entity="nomination_history",
            filters={"nomination_id": nomination_id},
            row_count=len(changes),
        )
    return changes


async def create_nomination(
    session: AsyncSession, *, principal: Principal, module_id: uuid.UUID, data: NominationCreate
) -> NominationRead:
    authorize(principal, NOMINATIONS_WRITE)
    module = await lock_module(session, module_id)
    deciding = allowed(principal, NOMINATIONS_DECIDE)
    if deciding:
        await authorize_programme(session, principal, cycle_id=module.cycle_id)
    officer = (await session.scalars(_visible_officer(principal), {"officer_id": data.officer_id})).first()
    if officer is None:  # another agency's officer does not exist for a focal point
        raise InvalidInput(
            translatable("officer_id refers to no officer you can nominate."),
            errors=[{"field": "officer_id", "message": f"unknown officer {data.officer_id}"}],
        )
    if data.late_reason and not deciding:
        raise InvalidInput(
            translatable("Only coordinators may nominate after the deadline."),
            errors=[{"field": "late_reason", "message": "not allowed for your role"}],
        )
    violations = await _violations(
        session, module=module, officer=officer, deciding=deciding, late_reason=data.late_reason
    )
    if violations:
        first = violations[0]
        raise RuleViolation(
            first.text
            if len(violations) == 1
            else translatable("{message} (and {count} more rule(s))", message=first.text, count=len(violations) - 1),
            code=first.rule,
            title="Nomination refused",
            violations=[v.model_dump(mode="json", exclude_none=True) for v in violations],
        )
    nomination = Nomination(
        id=uuid7(),
        module_id=module.id,
        officer_id=officer.id,
        agency_id=officer.agency_id,
        role=data.role,
        priority=data.priority,
        note=data.note,
        late_reason=data.late_reason,
        nominated_by=principal.name,
    )
    session.add(nomination)
    reason = data.late_reason or data.note
    record_status(session, principal=principal, nomination=nomination, to_status=S.submitted, reason=reason)
    await session.flush()
    read = NominationRead.model_validate(nomination)
    read.warnings = await nomination_warnings(session, module=module)
    return read


async def refusals(session: AsyncSession, *, principal: Principal, module: Module, officer: Officer) -> list[Violation]:
    """The rules that would refuse nominating this (visible) officer now: what create_nomination
    checks, for a plan that must not write (nominee imports)."""
    deciding = allowed(principal, NOMINATIONS_DECIDE)
    return await _violations(session, module=module, officer=officer, deciding=deciding, late_reason=None)


# Built once, run with parameters: every nomination and acceptance asks these.
_ALREADY = internal(
    select(Nomination.id).where(
        Nomination.module_id == bindparam("module_id"), Nomination.officer_id == bindparam("officer_id")
    ),
    "is this officer (visible to the caller) already nominated",
)
_AGENCY_PATH = select(Agency.path).where(Agency.id == bindparam("agency_id"))
# lock_module's lock, reached from a nomination's id: a missing or invisible nomination is then
# the 404 of find_nomination, as before.
_LOCK_MODULE_OF_NOMINATION = internal(
    select(Module)
    .where(
        Module.id == select(Nomination.module_id).where(Nomination.id == bindparam("nomination_id")).scalar_subquery()
    )
    .with_for_update(),
    "the module of a nomination, locked before the nomination is read (under need to know) and decided",
)


async def _violations(
    session: AsyncSession, *, module: Module, officer: Officer, deciding: bool, late_reason: str | None
) -> list[Violation]:
    """The facts the nomination rules need (four queries), judged by enrolment/rules.py."""
    overlaps = await eligibility.overlapping_enrolments(session, officer_ids=[officer.id], module_id=module.id)
    return nomination_violations(
        NominationFacts(
            officer_active=officer.active,
            module_status=module.status,
            deadline=module.nomination_deadline,
            now=datetime.now(UTC),
            deciding=deciding,
            late_reason=late_reason,
            already_nominated=await session.scalar(_ALREADY, {"module_id": module.id, "officer_id": officer.id})
            is not None,
            missing_prerequisites=await eligibility.missing_prerequisites(
                session, officer_id=officer.id, module_id=module.id
            ),
            overlapping=overlaps.get(officer.id, []),
            missing_identity_fields=eligibility.missing_identity_fields(officer, module.vetting_required),
        )
    )


async def decide(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination_id: uuid.UUID,
    data: Decision,
    expected_version: int | None = None,
) -> DecisionResult:
    """`expected_version`: the nomination's version the caller saw (If-Match): a nomination
    decided or moved by someone else since is a 412, never decided over."""
    authorize(principal, NOMINATIONS_DECIDE)
    # The module locked first, then the nomination read under the lock (a concurrent decision may
    # have moved it): one read of it, not a read, the lock and a refresh.
    module = (await session.scalars(_LOCK_MODULE_OF_NOMINATION, {"nomination_id": nomination_id})).first()
    nomination = await find_nomination(session, principal=principal, nomination_id=nomination_id, fresh=True)
    assert module is not None  # the nomination exists, so does its module
    await authorize_programme(session, principal, cycle_id=module.cycle_id)
    check_version(nomination, expected_version)
    if data.decision == "reject":
        check_status_change(nomination.status, S.rejected)
        changes = await free_seat(
            session, principal=principal, nomination=nomination, to_status=S.rejected, reason=data.reason
        )
        return _result(nomination, changes)
    if data.decision == "waitlist":
        check_status_change(nomination.status, S.waitlisted)
        record_status(session, principal=principal, nomination=nomination, to_status=S.waitlisted, reason=data.reason)
        await session.flush()
        return _result(nomination, SeatChanges())
    check_status_change(nomination.status, S.enrolled)
    if module.status not in ENROLLING:
        raise Conflict(
            translatable(
                "The module is {status}; participants are accepted while it is open or confirmed.",
                status=module.status.value,
            ),
            code="module-not-accepting",
            title="Module not accepting participants",
        )
    overlaps = (
        await eligibility.overlapping_enrolments(session, officer_ids=[nomination.officer_id], module_id=module.id)
    ).get(nomination.officer_id)
    if overlaps:
        raise Conflict(
            translatable(
                "The officer is enrolled in a module whose sessions overlap: {codes}.",
                codes=", ".join(m.code for m in overlaps),
            ),
            code="schedule-overlap",
            title="Schedule overlap",
            modules=[m.model_dump(mode="json") for m in overlaps],
        )
    book = await SeatBook.load(session, module)
    # The agency's path places it under a quota; without one it is not needed.
    path = (
        (await session.execute(_AGENCY_PATH, {"agency_id": nomination.agency_id})).scalar_one() if book.quotas else ""
    )
    limit = book.limit_for(path)
    if limit is not None:
        what = N_("The module is full") if limit == "capacity" else N_("The agency's quota for this module is used up")
        if data.on_full == "waitlist":
            if nomination.status is not S.waitlisted:
                record_status(
                    session,
                    principal=principal,
                    nomination=nomination,
                    to_status=S.waitlisted,
                    reason=f"{limit} reached; queued" + (f": {data.reason}" if data.reason else ""),
                )
                await session.flush()
            result = _result(nomination, SeatChanges())
            result.warnings.append(
                Warning_(code=f"{limit}-reached", message=f"{what}: the nomination waits in the queue.")
            )
            return result
        raise Conflict(
            translatable(
                "{what}; nothing was changed. Decide again with on_full=waitlist to queue it.", what=Translatable(what)
            ),
            code=f"{limit}-reached",
            title="No seat",
            limit=limit,
            capacity=module.capacity,
        )
    record_status(session, principal=principal, nomination=nomination, to_status=S.enrolled, reason=data.reason)
    await session.flush()
    book.take(path)
    result = _result(nomination, SeatChanges())
    result.warnings += await acceptance_warnings(session, module=module, full=book.full)
    return result


async def withdraw(
    session: AsyncSession, *, principal: Principal, nomination_id: uuid.UUID, data: Withdrawal
) -> DecisionResult:
    authorize(principal, NOMINATIONS_WRITE)
    nomination = await find_nomination(session, principal=principal, nomination_id=nomination_id)
    if allowed(principal, NOMINATIONS_DECIDE):
        await authorize_programme(session, principal, module_id=nomination.module_id)
    await lock_module(session, nomination.module_id)
    await session.refresh(nomination)
    check_status_change(nomination.status, S.withdrawn)
    changes = await free_seat(
        session, principal=principal, nomination=nomination, to_status=S.withdrawn, reason=data.reason
    )
    return _result(nomination, changes)


def _result(nomination: Nomination, changes: SeatChanges) -> DecisionResult:
    return DecisionResult(
        nomination=NominationRead.model_validate(nomination), promoted=changes.promoted, skipped=changes.skipped
    )
