"""Likely duplicates of an officer: the same normalised Arabic name in the same agency, or a
shared external id. Shown to a person, never merged automatically. Only officers the caller may
see are candidates: a key held outside their reach is as if nobody held it (see Officer)."""

from __future__ import annotations

import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.auth.principal import Principal
from domain.errors import Conflict
from domain.i18n import translatable
from domain.models.officers import Officer, OfficerExternalId
from domain.officers.names import arabic_key
from domain.officers.schemas import DuplicateCandidate, ExternalId

_COLUMNS = (Officer.id, Officer.agency_id, Officer.full_name_ar, Officer.name_latin)
_KEY = tuple_(OfficerExternalId.source, OfficerExternalId.external_id)


async def find_duplicates(
    session: AsyncSession,
    *,
    principal: Principal,
    agency_id: uuid.UUID | None,
    full_name_ar: str | None,
    external_ids: list[ExternalId],
    exclude: uuid.UUID | None = None,
) -> list[DuplicateCandidate]:
    """The officers within the principal's reach that look like this one (`exclude`: itself)."""
    candidates: list[DuplicateCandidate] = []
    if full_name_ar is not None:
        by_name = select(*_COLUMNS).where(
            Officer.agency_id == agency_id,
            Officer.full_name_ar_key == arabic_key(full_name_ar),
            need_to_know.officers(principal),
        )
        candidates += [
            DuplicateCandidate(**row._mapping, matched_on="arabic_name") for row in await session.execute(by_name)
        ]
    if external_ids:
        by_ext = (
            select(*_COLUMNS)
            .join(OfficerExternalId)
            .where(
                tuple_(OfficerExternalId.source, OfficerExternalId.external_id).in_(
                    [(e.source, e.id) for e in external_ids]
                ),
                need_to_know.officers(principal),
            )
            .distinct()
        )
        candidates += [
            DuplicateCandidate(**row._mapping, matched_on="external_id") for row in await session.execute(by_ext)
        ]
    return [c for c in candidates if c.id != exclude]


def conflict(candidates: list[DuplicateCandidate]) -> Conflict:
    return Conflict(
        translatable(
            "{count} officer(s) already stored look like the same person. Review them; to create "
            "anyway, send allow_duplicate=true (an external id can never be shared).",
            count=len(candidates),
        ),
        code="possible-duplicate",
        title="Possible duplicate officer",
        candidates=[c.model_dump(mode="json") for c in candidates],
    )


async def keys_taken_on_move(
    session: AsyncSession, *, principal: Principal, moves: dict[uuid.UUID, uuid.UUID]
) -> set[uuid.UUID]:
    """Of the officers moving to another agency ({officer: new agency}, bulk writes that bypass
    the officer write path), those whose external id or account name an officer of their new
    agency carries already: the move would break that agency's unique keys. The new agencies are
    within the principal's reach, so every such holder is one they see. Four queries at most."""
    if not moves:
        return set()
    ids = list(moves)
    held: dict[tuple[str, str, str], set[uuid.UUID]] = {}  # (kind, source, key) -> its movers
    mine = select(OfficerExternalId.officer_id, OfficerExternalId.source, OfficerExternalId.external_id).join(Officer)
    for officer_id, source, key in await session.execute(
        mine.where(OfficerExternalId.officer_id.in_(ids), need_to_know.officers(principal))
    ):
        held.setdefault(("external_id", source, key), set()).add(officer_id)
    names = select(Officer.id, Officer.user_name_key).where(
        Officer.id.in_(ids), Officer.user_name_key.is_not(None), need_to_know.officers(principal)
    )
    for officer_id, name_key in await session.execute(names):
        held.setdefault(("user_name", "", name_key or ""), set()).add(officer_id)
    holders: list[tuple[str, str, str, uuid.UUID, uuid.UUID]] = []
    pairs = [(source, key) for kind, source, key in held if kind == "external_id"]
    if pairs:
        by_id = (
            select(OfficerExternalId.source, OfficerExternalId.external_id, Officer.id, Officer.agency_id)
            .join(Officer)
            .where(_KEY.in_(pairs), need_to_know.officers(principal))
        )
        holders += [("external_id", s, k, o, a) for s, k, o, a in await session.execute(by_id)]
    user_names = [key for kind, _, key in held if kind == "user_name"]
    if user_names:
        by_name = select(Officer.user_name_key, Officer.id, Officer.agency_id).where(
            Officer.user_name_key.in_(user_names), need_to_know.officers(principal)
        )
        holders += [("user_name", "", k or "", o, a) for k, o, a in await session.execute(by_name)]
    taken = set()
    for kind, source, key, holder, agency_id in holders:
        for mover in held.get((kind, source, key), ()):
            if holder != mover and moves[mover] == agency_id:
                taken.add(mover)
    return taken
