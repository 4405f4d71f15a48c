"""Completion when a module is delivered: each enrolled participant becomes completed if the
minimum attendance is met (over all sessions), else not_completed, with a history entry.

Called by the module's transition to "delivered" (which authorises the transition itself)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import internal
from domain.attendance import rules
from domain.attendance.roster import attendance_counts, session_counts
from domain.auth.policy import PLANNING_WRITE, authorize
from domain.auth.principal import Principal
from domain.db import utcnow
from domain.enrolment.history import record_status
from domain.models.catalogue import Module
from domain.models.enrolment import Nomination, NominationStatus


async def complete_module(session: AsyncSession, *, principal: Principal, module: Module) -> dict[str, int]:
    """Returns {"completed": n, "not_completed": m}. Two queries whatever the roster's size,
    plus the writes of the status changes."""
    authorize(principal, PLANNING_WRITE)
    now = utcnow()
    total, _ = await session_counts(session, module.id, now)
    counts = attendance_counts(module.id, now)
    rows = (
        await session.execute(
            internal(
                select(Nomination, func.coalesce(counts.c.attended, 0))
                .outerjoin(counts, counts.c.officer_id == Nomination.officer_id)
                .where(Nomination.module_id == module.id, Nomination.status == NominationStatus.enrolled)
                .order_by(Nomination.id),
                "delivery settles every enrolment of the module",
            )
        )
    ).all()
    result = {NominationStatus.completed.value: 0, NominationStatus.not_completed.value: 0}
    for nomination, attended in rows:
        met = rules.minimum_met(rules.rate(attended, total), module.completion_threshold)
        to_status = NominationStatus.completed if rules.completed(met) else NominationStatus.not_completed
        record_status(
            session,
            principal=principal,
            nomination=nomination,
            to_status=to_status,
            reason=rules.completion_reason(attended, total),
        )
        result[to_status.value] += 1
    await session.flush()
    return result
