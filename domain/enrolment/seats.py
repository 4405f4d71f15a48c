"""Seats: locking the module, checking capacity and quotas, and filling freed seats from the
waitlist. Decisions on one module are serialised by a row lock (PostgreSQL) or by SQLite's
single writer, so capacity and quotas hold under concurrent requests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.need_to_know import internal
from domain.auth.principal import Principal
from domain.catalogue.module_service import lock_module
from domain.enrolment.eligibility import overlapping_enrolments
from domain.enrolment.history import record_status
from domain.enrolment.rules import Quota, Waiting, promotion_order, seat_limit
from domain.enrolment.schemas import NominationRead, PromotionSkip, SeatChanges
from domain.models.agencies import Agency
from domain.models.catalogue import Module
from domain.models.enrolment import HOLDS_SEAT, ModuleQuota, Nomination, NominationRole, NominationStatus


def quota_is_active(quota: ModuleQuota, module: Module, now: datetime | None = None) -> bool:
    """Unclaimed quota seats return to the pool at the nomination deadline or when released."""
    now = now or datetime.now(UTC)
    deadline_passed = module.nomination_deadline is not None and module.nomination_deadline <= now
    return quota.released_at is None and not deadline_passed


# Built once, run with the module's id: every acceptance checks its seats.
_QUOTAS = (
    select(ModuleQuota, Agency.path)
    .join(Agency, Agency.id == ModuleQuota.agency_id)
    .where(ModuleQuota.module_id == bindparam("module_id"))
)
_SEATED_PATHS = internal(
    select(Agency.path)
    .join(Nomination, Nomination.agency_id == Agency.id)
    .where(Nomination.module_id == bindparam("module_id"), Nomination.status.in_(HOLDS_SEAT)),
    "the agencies holding seats, to check capacity and quotas",
)
_SEATED = internal(
    select(func.count())
    .select_from(Nomination)
    .where(Nomination.module_id == bindparam("module_id"), Nomination.status.in_(HOLDS_SEAT)),
    "how many seats are held, to check capacity",
)


class SeatBook:
    """The module's seats as they stand: active quotas and the agencies of the enrolled (without
    an active quota only their number matters: every seat is in the general pool)."""

    def __init__(self, module: Module, quotas: list[Quota], enrolled_paths: list[str], enrolled: int | None = None):
        self.module = module
        self.quotas = quotas
        self.enrolled_paths = enrolled_paths
        self.enrolled = len(enrolled_paths) if enrolled is None else enrolled

    @classmethod
    async def load(cls, session: AsyncSession, module: Module) -> SeatBook:
        bound = {"module_id": module.id}
        quota_rows = (await session.execute(_QUOTAS, bound)).all()
        quotas = [Quota(q.agency_id, path, q.seats) for q, path in quota_rows if quota_is_active(q, module)]
        if not quotas:  # a count, not every seat's agency: a large module's check stays one row
            return cls(module, quotas, [], enrolled=(await session.execute(_SEATED, bound)).scalar_one())
        paths = list(await session.scalars(_SEATED_PATHS, bound))
        return cls(module, quotas, paths)

    def limit_for(self, agency_path: str) -> str | None:
        if not self.quotas:  # seat_limit without quotas: the general pool is the capacity
            return "capacity" if self.enrolled >= self.module.capacity else None
        return seat_limit(
            capacity=self.module.capacity,
            quotas=self.quotas,
            enrolled_paths=self.enrolled_paths,
            candidate_path=agency_path,
        )

    def take(self, agency_path: str) -> None:
        self.enrolled_paths.append(agency_path)
        self.enrolled += 1

    @property
    def full(self) -> bool:
        return self.enrolled >= self.module.capacity


async def fill_seats(
    session: AsyncSession,
    *,
    principal: Principal,
    module: Module,
    freed_agency_id: uuid.UUID | None,
    reason: str,
    max_promotions: int | None = None,
) -> SeatChanges:
    """Enrol the first eligible waiting nominations (the freed seat's agency's alternates first);
    report everyone passed over, with the reason."""
    rows = (
        await session.execute(
            internal(
                select(Nomination, Agency.path)
                .join(Agency, Agency.id == Nomination.agency_id)
                .where(Nomination.module_id == module.id, Nomination.status == NominationStatus.waitlisted),
                "the whole waitlist, to fill a freed seat in order (callers see only what they may)",
            )
        )
    ).all()
    if not rows:
        return SeatChanges()
    by_id = {n.id: (n, path) for n, path in rows}
    waiting = [
        Waiting(n.id, n.agency_id, n.role == NominationRole.alternate, n.queue_rank, n.priority, n.created_at)
        for n, _ in rows
    ]
    overlaps = await overlapping_enrolments(session, officer_ids=[n.officer_id for n, _ in rows], module_id=module.id)
    book = await SeatBook.load(session, module)
    changes = SeatChanges()
    for w in promotion_order(waiting, freed_agency_id):
        if book.full or (max_promotions is not None and len(changes.promoted) >= max_promotions):
            break
        nomination, path = by_id[w.nomination_id]
        if nomination.officer_id in overlaps:
            clash = ", ".join(m.code for m in overlaps[nomination.officer_id])
            changes.skipped.append(
                PromotionSkip(
                    nomination_id=nomination.id,
                    officer_id=nomination.officer_id,
                    reason=f"enrolled in an overlapping module ({clash})",
                )
            )
            continue
        limit = book.limit_for(path)
        if limit is not None:
            changes.skipped.append(
                PromotionSkip(
                    nomination_id=nomination.id,
                    officer_id=nomination.officer_id,
                    reason="the agency's quota is reached" if limit == "quota" else "no seat in the general pool",
                )
            )
            continue
        record_status(
            session,
            principal=principal,
            nomination=nomination,
            to_status=NominationStatus.enrolled,
            reason=f"promoted from the waitlist: {reason}",
        )
        book.take(path)
        changes.promoted.append(NominationRead.model_validate(nomination))
    await session.flush()
    return await seen_by(session, principal, changes)


async def seen_by(session: AsyncSession, principal: Principal, changes: SeatChanges) -> SeatChanges:
    """The seat changes the principal may know of: a seat freed by one agency may go to another's
    nominee, who is enrolled all the same and left out of this principal's answer."""
    ids = {n.id for n in changes.promoted} | {s.nomination_id for s in changes.skipped}
    if not ids:
        return changes
    seen = set(
        await session.scalars(select(Nomination.id).where(Nomination.id.in_(ids), need_to_know.nominations(principal)))
    )
    return SeatChanges(
        promoted=[n for n in changes.promoted if n.id in seen],
        skipped=[s for s in changes.skipped if s.nomination_id in seen],
    )


async def free_seat(
    session: AsyncSession,
    *,
    principal: Principal,
    nomination: Nomination,
    to_status: NominationStatus,
    reason: str | None,
) -> SeatChanges:
    """Move a nomination off its seat (withdrawn, rejected, vetting_failed) and let the next in."""
    module = await lock_module(session, nomination.module_id)
    was_seated = nomination.status in HOLDS_SEAT
    record_status(session, principal=principal, nomination=nomination, to_status=to_status, reason=reason)
    await session.flush()
    if not was_seated:
        return SeatChanges()
    return await fill_seats(
        session,
        principal=principal,
        module=module,
        freed_agency_id=nomination.agency_id,
        reason=f"seat freed ({to_status.value})",
        max_promotions=1,
    )
