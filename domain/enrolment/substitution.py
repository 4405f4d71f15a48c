"""Substitution: an agency puts another of its officers in the place of a nomination still in play.

Where the rules allow it:
- the nomination is submitted, waitlisted or enrolled, and the module open or confirmed, with no
  session started yet;
- the substitute passes every rule a nomination keeps (active, not already nominated, prerequisites,
  no overlapping enrolment, the identity fields the vetting needs) but the nomination deadline:
  replacing a name keeps a place already claimed, it does not claim a new one;
- an enrolled nomination's seat passes to the substitute only if capacity and the quotas still
  allow it for the substitute's unit (else nothing changes: a 409 naming the limit).

The replaced nomination becomes withdrawn (its history says by whom it was substituted); the new one
keeps its role, priority and place in the queue, and its history says whom it replaces. Both changes
are audited and evented (nomination.withdrawn, then nomination.submitted and, for a seat passed on,
nomination.decided)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.plans import authorize_programme
from domain.audit.service import record_change
from domain.auth.policy import NOMINATIONS_DECIDE, NOMINATIONS_WRITE, allowed, authorize
from domain.auth.principal import Principal
from domain.catalogue.module_service import lock_module, session_span
from domain.crud import check_version
from domain.db import utcnow
from domain.enrolment.balance import nomination_warnings
from domain.enrolment.history import record_status
from domain.enrolment.nominations import find_nomination, refusals
from domain.enrolment.schemas import NominationRead, Substitution, SubstitutionResult
from domain.enrolment.seats import SeatBook
from domain.errors import Conflict, InvalidInput, RuleViolation
from domain.i18n import translatable
from domain.models.agencies import Agency
from domain.models.catalogue import ModuleStatus
from domain.models.enrolment import HOLDS_SEAT, LIVE, Nomination, NominationChange, NominationStatus
from domain.models.officers import Officer
from domain.outbox.service import emit

S = NominationStatus
SUBSTITUTABLE_MODULES = {ModuleStatus.open, ModuleStatus.confirmed}


async def substitute(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination_id: uuid.UUID,
    data: Substitution,
    expected_version: int | None = None,
) -> SubstitutionResult:
    """`expected_version`: the replaced nomination's version the caller saw (If-Match); stale is a 412."""
    authorize(principal, NOMINATIONS_WRITE)
    old = await find_nomination(session, principal=principal, nomination_id=nomination_id)
    deciding = allowed(principal, NOMINATIONS_DECIDE)
    if deciding:
        await authorize_programme(session, principal, module_id=old.module_id)
    module = await lock_module(session, old.module_id)
    await session.refresh(old)
    check_version(old, expected_version)
    if old.status not in LIVE:
        raise Conflict(
            translatable(
                "A {status} nomination cannot be substituted; only submitted, waitlisted or enrolled ones.",
                status=old.status.value,
            ),
            code="not-substitutable",
            title="Cannot substitute",
            current=old.status.value,
        )
    first_start, _ = await session_span(session, module.id)
    if module.status not in SUBSTITUTABLE_MODULES or (first_start is not None and first_start <= utcnow()):
        raise Conflict(
            translatable(
                "Substitutions are made while the module is open or confirmed and before its first session starts."
            ),
            code="substitution-closed",
            title="Substitution closed",
        )
    officer = (
        await session.scalars(select(Officer).where(Officer.id == data.officer_id, need_to_know.officers(principal)))
    ).first()
    if officer is None:  # another agency's officer does not exist for a focal point
        raise InvalidInput(
            translatable("officer_id refers to no officer you can nominate."),
            errors=[{"field": "officer_id", "message": f"unknown officer {data.officer_id}"}],
        )
    violations = [
        v
        for v in await refusals(session, principal=principal, module=module, officer=officer)
        if v.rule not in ("deadline-passed", "module-not-open")  # checked above for a substitution
    ]
    if violations:
        first = violations[0]
        raise RuleViolation(
            first.text
            if len(violations) == 1
            else translatable("{message} (and {count} more rule(s))", message=first.text, count=len(violations) - 1),
            code=first.rule,
            title="Substitution refused",
            violations=[v.model_dump(mode="json", exclude_none=True) for v in violations],
        )
    seated = old.status in HOLDS_SEAT
    keeps = old.status
    reason = data.reason
    record_status(
        session,
        principal=principal,
        nomination=old,
        to_status=S.withdrawn,
        reason=f"substituted by {officer.name_latin}" + (f": {reason}" if reason else ""),
    )
    await session.flush()
    if seated:
        book = await SeatBook.load(session, module)
        path = (await session.execute(select(Agency.path).where(Agency.id == officer.agency_id))).scalar_one()
        limit = book.limit_for(path)
        if limit is not None:
            raise Conflict(
                translatable("The seat cannot pass to the substitute: the module is full. Nothing was changed.")
                if limit == "capacity"
                else translatable(
                    "The seat cannot pass to the substitute: their unit's quota is used up. Nothing was changed."
                ),
                code=f"{limit}-reached",
                title="No seat",
                limit=limit,
            )
    new = Nomination(
        module_id=module.id,
        officer_id=officer.id,
        agency_id=officer.agency_id,
        role=old.role,
        priority=old.priority,
        queue_rank=old.queue_rank,
        note=old.note,
        status=S.submitted,
        nominated_by=principal.name,
    )
    session.add(new)
    await session.flush()
    replaces = f"substitute for nomination {old.id}" + (f": {reason}" if reason else "")
    session.add(
        NominationChange(
            nomination_id=new.id,
            actor_id=principal.id,
            actor_name=principal.name,
            from_status=None,
            to_status=S.submitted.value,
            reason=replaces,
        )
    )
    record_change(
        session,
        principal=principal,
        action="created",
        entity="nomination",
        entity_id=new.id,
        changes={"module_id": (None, module.id), "officer_id": (None, officer.id), "substitutes": (None, old.id)},
    )
    emit(
        session,
        "nomination.submitted",
        resource_id=new.id,
        officer_id=officer.id,
        agency_id=officer.agency_id,
        data={"module_id": module.id, "officer_id": officer.id, "status": S.submitted.value},
    )
    if keeps is not S.submitted:  # the place is kept: on the roster, or in the queue
        record_status(session, principal=principal, nomination=new, to_status=keeps, reason=replaces)
    await session.flush()
    read = NominationRead.model_validate(new)
    return SubstitutionResult(
        replaced=NominationRead.model_validate(old),
        nomination=read,
        warnings=await nomination_warnings(session, module=module),
    )
