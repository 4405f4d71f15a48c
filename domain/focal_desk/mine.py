"""My nominations: each with its officer, module, status, history (who, when, from, to, why), place
on the waitlist and vetting state. Seven statements for a page of nominations, however many."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.need_to_know import internal
from domain.audit.service import record_read
from domain.auth.policy import NOMINATIONS_READ, authorize
from domain.auth.principal import Principal
from domain.catalogue.models import Module, TrainingSession, VettingType
from domain.crud import get_or_404
from domain.enrolment.models import Nomination, NominationChange, NominationRole, NominationStatus
from domain.enrolment.rules import Waiting, queue_key
from domain.focal_desk.schemas import MyNomination, Step, VettingState
from domain.officers.models import Officer
from domain.pagination import Paged, paginate
from domain.vetting.models import Vetting, VettingStatus

S = NominationStatus
NEEDS_VETTING = (S.submitted, S.waitlisted, S.enrolled)


async def my_nominations(
    session: AsyncSession,
    *,
    principal: Principal,
    limit: int,
    cursor: str | None,
    module_id: uuid.UUID | None = None,
) -> Paged[MyNomination]:
    """The nominations of my reach (a focal point: my agency's and its sub-units'), in the order made."""
    authorize(principal, NOMINATIONS_READ)
    stmt = select(Nomination).where(need_to_know.nominations(principal))
    if module_id is not None:
        stmt = stmt.where(Nomination.module_id == module_id)
    items, next_cursor = await paginate(session, stmt, order=(Nomination.id,), limit=limit, cursor=cursor)
    rows = await _describe(session, principal, items)
    if need_to_know.logs_reads(principal):
        record_read(
            session,
            principal=principal,
            entity="nomination",
            filters={"module_id": module_id, "cursor": cursor, "view": "focal workspace"},
            row_count=len(rows),
        )
    return rows, next_cursor


async def my_nomination(session: AsyncSession, *, principal: Principal, nomination_id: uuid.UUID) -> MyNomination:
    """One of my nominations; another agency's (or none) is a 404, alike."""
    authorize(principal, NOMINATIONS_READ)
    found = await get_or_404(session, Nomination, nomination_id, where=(need_to_know.nominations(principal),))
    if need_to_know.logs_reads(principal):
        record_read(session, principal=principal, entity="nomination", filters={"id": nomination_id}, row_count=1)
    return (await _describe(session, principal, [found]))[0]


async def _describe(session: AsyncSession, principal: Principal, items: list[Nomination]) -> list[MyNomination]:
    if not items:
        return []
    ids = [n.id for n in items]
    module_ids = {n.module_id for n in items}
    officers = {
        o.id: o
        for o in await session.execute(
            select(Officer.id, Officer.full_name_ar, Officer.name_latin, Officer.sex).where(
                Officer.id.in_({n.officer_id for n in items}), need_to_know.officers(principal)
            )
        )
    }
    modules = {
        m.id: m
        for m in await session.execute(
            select(Module.id, Module.code, Module.title, Module.vetting_required).where(Module.id.in_(module_ids))
        )
    }
    history: dict[uuid.UUID, list[Step]] = defaultdict(list)
    for c in await session.scalars(
        select(NominationChange)
        .where(NominationChange.nomination_id.in_(ids), need_to_know.nomination_history(principal))
        .order_by(NominationChange.id)
    ):
        history[c.nomination_id].append(Step(c.at, c.actor_name, c.from_status, c.to_status, c.reason))
    positions = await _waitlist_positions(session, {n.module_id for n in items if n.status is S.waitlisted})
    vetted = {m.id for m in modules.values() if m.vetting_required is not VettingType.none}
    ends = await _module_ends(session, vetted)
    vettings: dict[uuid.UUID, list[Vetting]] = defaultdict(list)
    # Asked even when no module of the page needs vetting: a page costs the same whatever it holds.
    for v in await session.scalars(
        select(Vetting)
        .where(
            Vetting.officer_id.in_({n.officer_id for n in items if n.module_id in vetted}),
            need_to_know.officer_rows(principal, Vetting.officer_id),
        )
        .order_by(Vetting.requested_on, Vetting.id)
    ):
        vettings[v.officer_id].append(v)
    rows = []
    for n in items:
        officer, module, steps = officers.get(n.officer_id), modules[n.module_id], history[n.id]
        if officer is None:  # erased since: never shown
            continue
        declined = next((s.reason for s in reversed(steps) if s.to_status == S.rejected.value), None)
        rows.append(
            MyNomination(
                id=n.id,
                version=n.version,
                module_id=n.module_id,
                module_code=module.code,
                module_title=module.title,
                officer_id=n.officer_id,
                name_ar=officer.full_name_ar,
                name_latin=officer.name_latin,
                sex=officer.sex,
                role=NominationRole(n.role),
                priority=n.priority,
                status=n.status,
                created_at=n.created_at,
                promoted=n.status is S.enrolled
                and any(s.from_status == S.waitlisted.value and s.to_status == S.enrolled.value for s in steps),
                waitlist_position=positions.get(n.id),
                declined_reason=declined if n.status is S.rejected else None,
                vetting=vetting_state(
                    module.vetting_required if n.status in NEEDS_VETTING else VettingType.none,
                    vettings[n.officer_id],
                    ends.get(n.module_id),
                ),
                history=steps,
            )
        )
    return rows


async def _waitlist_positions(session: AsyncSession, module_ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Each waiting nomination's place in its module's queue (1 = next), in the queue's own order."""
    queues: dict[uuid.UUID, list[Waiting]] = defaultdict(list)
    for r in await session.execute(
        internal(
            select(
                Nomination.id,
                Nomination.module_id,
                Nomination.agency_id,
                Nomination.role,
                Nomination.queue_rank,
                Nomination.priority,
                Nomination.created_at,
            ).where(Nomination.module_id.in_(module_ids), Nomination.status == S.waitlisted),
            "places in the queue: only the caller's own nominations' places are shown, no other person",
        )
    ):
        queues[r.module_id].append(
            Waiting(r.id, r.agency_id, r.role == NominationRole.alternate, r.queue_rank, r.priority, r.created_at)
        )
    places: dict[uuid.UUID, int] = {}
    for queue in queues.values():
        for place, w in enumerate(sorted(queue, key=queue_key), start=1):
            places[w.nomination_id] = place
    return places


async def _module_ends(session: AsyncSession, module_ids: set[uuid.UUID]) -> dict[uuid.UUID, datetime]:
    rows = await session.execute(
        select(TrainingSession.module_id, func.max(TrainingSession.ends_at))
        .where(TrainingSession.module_id.in_(module_ids))
        .group_by(TrainingSession.module_id)
    )
    return {module_id: end for module_id, end in rows}


def vetting_state(required: VettingType, vettings: list[Vetting], module_end: datetime | None) -> VettingState:
    """The vetting a nomination still in play waits on: none needed, not requested, pending, approved,
    expired (approved but not valid to the module's end) or refused (rejected, suspended, cancelled)."""
    if required is VettingType.none:
        return "none"
    relevant = [v for v in vettings if v.type is required]
    if not relevant:
        return "not_requested"
    latest = relevant[-1]
    if latest.status is VettingStatus.requested:
        return "pending"
    if latest.status is not VettingStatus.approved:
        return "refused"
    end: date = module_end.date() if module_end else date.today()
    if latest.valid_until is not None and latest.valid_until < end:
        return "expired"
    return "approved"
