"""The "needs attention" dashboard: every kind, for the cycles the principal plans. Fifteen
statements at most, whatever the number of modules, sessions or people (counted by
tests/api/test_attention_statements.py): one per kind, two for the quotas of the coming
deadlines, two for the clashes, one for the module dates of vetting, one for the agencies' names."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from domain.attention import delivery, enrolment, sessions, surveys
from domain.attention.schemas import AttentionList, AttentionRead
from domain.auth.policy import PLANNING_WRITE, authorize
from domain.auth.principal import Principal

T = TypeVar("T")
DEFAULT_LIMIT = 20


def _first(items: Sequence[T], limit: int) -> AttentionList[T]:
    return AttentionList[T](total=len(items), items=list(items[:limit]))


async def get_attention(
    session: AsyncSession, *, principal: Principal, now: datetime, limit: int = DEFAULT_LIMIT
) -> AttentionRead:
    """Coordinators and administrators (those who plan); each list stops at `limit` items."""
    authorize(principal, PLANNING_WRITE)
    low_modules, low_agencies = await enrolment.below_target(session, principal=principal)
    webhooks = await delivery.failing_webhooks(session, principal=principal)
    return AttentionRead(
        as_of=now,
        upcoming_sessions=_first(await sessions.upcoming_sessions(session, principal=principal, now=now), limit),
        pending_nominations=_first(await enrolment.pending_nominations(session, principal=principal), limit),
        nomination_deadlines=_first(await enrolment.nomination_deadlines(session, principal=principal, now=now), limit),
        vettings=_first(await delivery.vettings_due(session, principal=principal, now=now), limit),
        modules_below_target=_first(low_modules, limit),
        agencies_below_target=_first(low_agencies, limit),
        schedule_warnings=_first(await sessions.schedule_warnings(session, principal=principal, now=now), limit),
        attendance_to_take=_first(await sessions.attendance_to_take(session, principal=principal, now=now), limit),
        certificates_to_issue=_first(await delivery.certificates_to_issue(session, principal=principal), limit),
        reaction_below_threshold=_first(await surveys.reaction_below_threshold(session, principal=principal), limit),
        failing_webhooks=None if webhooks is None else _first(webhooks, limit),
    )
