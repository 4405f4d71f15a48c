"""Likely duplicates of an officer: the same normalised Arabic name in the same agency, or a
shared external id. Shown to a person, never merged automatically."""

from __future__ import annotations

import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.auth.principal import Principal
from domain.errors import Conflict
from domain.officers.models import Officer, OfficerExternalId
from domain.officers.names import arabic_key
from domain.officers.schemas import DuplicateCandidate, ExternalId


async def find_duplicates(
    session: AsyncSession,
    *,
    principal: Principal,
    agency_id: uuid.UUID | None,
    full_name_ar: str | None,
    external_ids: list[ExternalId],
    exclude: uuid.UUID | None = None,
) -> tuple[list[DuplicateCandidate], int]:
    """Returns the candidates the principal may see, and how many others hold a sent external id."""
    columns = (Officer.id, Officer.agency_id, Officer.full_name_ar, Officer.name_latin)
    candidates, hidden = [], 0
    if full_name_ar is not None:
        by_name = select(*columns).where(
            Officer.agency_id == agency_id,
            Officer.full_name_ar_key == arabic_key(full_name_ar),
            need_to_know.officers(principal),
        )
        candidates = [
            DuplicateCandidate(**row._mapping, matched_on="arabic_name") for row in await session.execute(by_name)
        ]
    if external_ids:
        pairs = [(e.source, e.id) for e in external_ids]
        by_ext = (
            select(*columns, need_to_know.officers(principal).label("visible"))
            .join(OfficerExternalId)
            .where(tuple_(OfficerExternalId.source, OfficerExternalId.external_id).in_(pairs))
        )
        for row in await session.execute(by_ext):
            if row.id == exclude:
                continue
            if row.visible:
                candidates.append(
                    DuplicateCandidate(
                        **{k: row._mapping[k] for k in ("id", "agency_id", "full_name_ar", "name_latin")},
                        matched_on="external_id",
                    )
                )
            else:
                hidden += 1
    return [c for c in candidates if c.id != exclude], hidden


def conflict(candidates: list[DuplicateCandidate], hidden: int) -> Conflict:
    detail = (
        f"{len(candidates)} officer(s) already stored look like the same person. Review them; to create anyway, "
        "send allow_duplicate=true (an external id can never be shared)."
    )
    if hidden:  # someone outside the caller's reach holds the id: say so, and nothing more
        detail = "An external id you sent is already held by another officer; an external id can never be shared."
    return Conflict(
        detail,
        code="possible-duplicate",
        title="Possible duplicate officer",
        candidates=[c.model_dump(mode="json") for c in candidates],
    )
