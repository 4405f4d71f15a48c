"""Whose agency an event concerns: the emitters of workflow areas ask here, in one query."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import internal
from domain.models.officers import Officer


async def agencies_of(session: AsyncSession, officer_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    ids = list(set(officer_ids))
    if not ids:
        return {}
    stmt = internal(
        select(Officer.id, Officer.agency_id).where(Officer.id.in_(ids)),
        "the agency an event is filed under, for officers the caller already acts on: ids only",
    )
    return {officer_id: agency_id for officer_id, agency_id in await session.execute(stmt)}
