from __future__ import annotations

import uuid

from pydantic import BaseModel
from sqlalchemy import or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.agencies.models import Agency
from domain.access import need_to_know
from domain.agencies.tree import in_subtree, subtree_path
from domain.audit.service import record_read
from domain.auth.policy import OFFICERS_READ, OFFICERS_WRITE, authorize
from domain.auth.principal import Principal
from domain.crud import create_entity, delete_entity, get_or_404, update_entity
from domain.errors import Conflict, InvalidInput
from domain.officers.models import Officer, OfficerExternalId, Sex
from domain.officers.names import arabic_key, latin_key
from domain.officers.schemas import DuplicateCandidate, ExternalId, OfficerCreate, OfficerUpdate
from domain.pagination import paginate
from domain.schemas import SearchText

ENTITY = "officer"
_WITH_IDS = (selectinload(Officer.external_ids),)


class OfficerFilters(BaseModel):
    agency_id: uuid.UUID | None = None
    sex: Sex | None = None
    q: SearchText | None = None
    external_source: SearchText | None = None
    external_id: SearchText | None = None


async def list_officers(session: AsyncSession, *, principal: Principal, filters: OfficerFilters, limit: int, cursor: str | None):
    authorize(principal, OFFICERS_READ)
    stmt = select(Officer).where(need_to_know.officers(principal)).options(*_WITH_IDS)
    if filters.agency_id:
        prefix = await subtree_path(session, filters.agency_id)
        stmt = stmt.join(Agency, Agency.id == Officer.agency_id).where(in_subtree(Agency.path, prefix))
    if filters.sex:
        stmt = stmt.where(Officer.sex == filters.sex)
    if filters.q:
        stmt = stmt.where(
            or_(
                Officer.full_name_ar_key.contains(arabic_key(filters.q), autoescape=True),
                Officer.name_latin_key.contains(latin_key(filters.q), autoescape=True),
            )
        )
    if filters.external_source or filters.external_id:
        ext = select(OfficerExternalId.officer_id)
        if filters.external_source:
            ext = ext.where(OfficerExternalId.source == filters.external_source)
        if filters.external_id:
            ext = ext.where(OfficerExternalId.external_id == filters.external_id)
        stmt = stmt.where(Officer.id.in_(ext))
    items, next_cursor = await paginate(session, stmt, order=(Officer.name_latin_key, Officer.id), limit=limit, cursor=cursor)
    if need_to_know.logs_reads(principal):
        record_read(session, principal=principal, entity=ENTITY, filters=filters.model_dump() | {"cursor": cursor}, row_count=len(items))
    return items, next_cursor


async def get_officer(session: AsyncSession, *, principal: Principal, officer_id: uuid.UUID) -> Officer:
    authorize(principal, OFFICERS_READ)
    return await get_or_404(session, Officer, officer_id, options=_WITH_IDS, where=(need_to_know.officers(principal),))


async def _ensure_agency_in_reach(session: AsyncSession, principal: Principal, agency_id: uuid.UUID | None) -> None:
    """An agency outside the principal's reach answers exactly like one that does not exist."""
    if agency_id is None:
        return
    in_reach = select(Agency.id).where(Agency.id == agency_id, need_to_know.agency_in_reach(principal, Agency.id))
    if await session.scalar(in_reach) is None:
        raise InvalidInput("agency_id refers to no existing agency.", errors=[{"field": "agency_id", "message": f"unknown agency {agency_id}"}])


async def find_duplicates(
    session: AsyncSession, *, principal: Principal, agency_id: uuid.UUID | None, full_name_ar: str | None,
    external_ids: list[ExternalId], exclude: uuid.UUID | None = None,
) -> tuple[list[DuplicateCandidate], int]:
    """Likely duplicates: same normalised Arabic name in the same agency, or a shared external id.
    Returns the candidates the principal may see, and how many others hold a sent external id."""
    columns = (Officer.id, Officer.agency_id, Officer.full_name_ar, Officer.name_latin)
    candidates, hidden = [], 0
    if full_name_ar is not None:
        by_name = select(*columns).where(
            Officer.agency_id == agency_id, Officer.full_name_ar_key == arabic_key(full_name_ar), need_to_know.officers(principal))
        candidates = [DuplicateCandidate(**row._mapping, matched_on="arabic_name") for row in await session.execute(by_name)]
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
                candidates.append(DuplicateCandidate(**{k: row._mapping[k] for k in ("id", "agency_id", "full_name_ar", "name_latin")},
                                                     matched_on="external_id"))
            else:
                hidden += 1
    return [c for c in candidates if c.id != exclude], hidden


def _conflict(candidates: list[DuplicateCandidate], hidden: int) -> Conflict:
    detail = (f"{len(candidates)} officer(s) already stored look like the same person. Review them; to create anyway, "
              "send allow_duplicate=true (an external id can never be shared).")
    if hidden:  # someone outside the caller's reach holds the id: say so, and nothing more
        detail = "An external id you sent is already held by another officer; an external id can never be shared."
    return Conflict(detail, code="possible-duplicate", title="Possible duplicate officer",
                    candidates=[c.model_dump(mode="json") for c in candidates])


def _name_keys(full_name_ar: str, name_latin: str) -> dict[str, str]:
    return {"full_name_ar_key": arabic_key(full_name_ar), "name_latin_key": latin_key(name_latin)}


async def create_officer(session: AsyncSession, *, principal: Principal, data: OfficerCreate, allow_duplicate: bool = False) -> Officer:
    authorize(principal, OFFICERS_WRITE)
    await _ensure_agency_in_reach(session, principal, data.agency_id)
    candidates, hidden = await find_duplicates(session, principal=principal, agency_id=data.agency_id,
                                               full_name_ar=data.full_name_ar, external_ids=data.external_ids)
    if hidden or any(c.matched_on == "external_id" for c in candidates) or (candidates and not allow_duplicate):
        raise _conflict(candidates, hidden)
    fields = data.model_dump(exclude={"external_ids"})
    officer = Officer(
        **fields,
        **_name_keys(data.full_name_ar, data.name_latin),
        external_ids=[OfficerExternalId(source=e.source, external_id=e.id) for e in data.external_ids],
    )
    await create_entity(session, principal=principal, entity=ENTITY, obj=officer, audit_fields=list(fields))
    return officer


async def update_officer(
    session: AsyncSession, *, principal: Principal, officer_id: uuid.UUID, data: OfficerUpdate, expected_version: int | None
) -> Officer:
    authorize(principal, OFFICERS_WRITE)
    officer = await get_officer(session, principal=principal, officer_id=officer_id)
    changes = data.changes()
    await _ensure_agency_in_reach(session, principal, changes.get("agency_id"))
    extra = {}
    if "external_ids" in changes:
        wanted = [ExternalId(**e) for e in changes.pop("external_ids")]
        clashes, hidden = await find_duplicates(session, principal=principal, agency_id=None, full_name_ar=None,
                                                external_ids=wanted, exclude=officer.id)
        if clashes or hidden:
            raise _conflict(clashes, hidden)
        before = [(e.source, e.external_id) for e in officer.external_ids]
        after = [(e.source, e.id) for e in wanted]
        if sorted(before) != sorted(after):
            # Keep rows that stay so the unique (source, id) index never sees a delete-and-insert swap.
            kept = [e for e in officer.external_ids if (e.source, e.external_id) in after]
            added = [OfficerExternalId(source=s, external_id=i) for s, i in after if (s, i) not in before]
            officer.external_ids = kept + added
            extra["external_ids"] = (before, after)
    changes |= _name_keys(changes.get("full_name_ar", officer.full_name_ar), changes.get("name_latin", officer.name_latin))
    return await update_entity(session, principal=principal, entity=ENTITY, obj=officer, data=changes,
                               expected_version=expected_version, extra_changes=extra)


async def delete_officer(session: AsyncSession, *, principal: Principal, officer_id: uuid.UUID, expected_version: int | None) -> None:
    authorize(principal, OFFICERS_WRITE)
    officer = await get_officer(session, principal=principal, officer_id=officer_id)
    await delete_entity(session, principal=principal, entity=ENTITY, obj=officer, expected_version=expected_version,
                        owned=frozenset({"officer_external_ids.officer_id"}))
