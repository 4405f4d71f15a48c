"""Erasure of an officer (domain/officers/erasure.py) reaches their surveys: the supervisor named
for their participations (another person's name and address, kept only to ask about them) is
deleted. Their answers stay: anonymous ones name nobody, identified ones lead to the erased
(pseudonymised) participation only, and both count in the aggregates."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import internal
from domain.models.enrolment import Nomination
from domain.models.surveys import Supervisor
from domain.officers.erasure import REDACTORS


async def erase_supervisors(session: AsyncSession, officer_id: uuid.UUID) -> None:
    theirs = select(Nomination.id).where(Nomination.officer_id == officer_id)
    await session.execute(
        internal(
            delete(Supervisor).where(Supervisor.nomination_id.in_(theirs)).execution_options(synchronize_session=False),
            "erasure deletes the supervisors named for the erased officer's participations; nothing is read",
        )
    )


REDACTORS.append(erase_supervisors)
