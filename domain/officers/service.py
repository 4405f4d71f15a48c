from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.access import need_to_know
from domain.agencies.tree import in_subtree, subtree_path
from domain.audit.service import record_read
from domain.auth.policy import OFFICERS_READ, OFFICERS_WRITE, authorize
from domain.auth.principal import Principal
from domain.crud import delete_entity, get_or_404
from domain.errors import Conflict
from domain.i18n import translatable
from domain.models.agencies import Agency
from domain.models.officers import Officer, OfficerExternalId, Sex
from domain.officers.names import arabic_key, latin_key, user_name_key
from domain.officers.schemas import DuplicateCandidate, OfficerCreate, OfficerUpdate, OfficerUpsert
from domain.officers.writes import ENTITY, add_officer, change_officer
from domain.outbox.service import emit
from domain.pagination import Paged, paginate
from domain.schemas import SearchText

_WITH_IDS = (selectinload(Officer.external_ids),)


class OfficerFilters(BaseModel):
    agency_id: uuid.UUID | None = None
    sex: Sex | None = None
    q: SearchText | None = None
    external_source: SearchText | None = None
    external_id: SearchText | None = None
    user_name: SearchText | None = None
    # Deactivated officers keep their history and are listed only when asked for.
    status: Literal["active", "deactivated", "all"] = "active"


async def list_officers(
    session: AsyncSession, *, principal: Principal, filters: OfficerFilters, limit: int, cursor: str | None
) -> Paged[Officer]:
    authorize(principal, OFFICERS_READ)
    stmt = select(Officer).where(need_to_know.officers(principal)).options(*_WITH_IDS)
    if filters.status == "active":
        stmt = stmt.where(Officer.deactivated_at.is_(None))
    elif filters.status == "deactivated":
        stmt = stmt.where(Officer.deactivated_at.is_not(None))
    if filters.agency_id:
        prefix = await subtree_path(session, filters.agency_id)
        stmt = stmt.join(Agency, Agency.id == Officer.agency_id).where(in_subtree(Agency.path, prefix))
    if filters.sex:
        stmt = stmt.where(Officer.sex == filters.sex)
    if filters.user_name:
        stmt = stmt.where(Officer.user_name_key == user_name_key(filters.user_name))
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
    items, next_cursor = await paginate(
        session, stmt, order=(Officer.name_latin_key, Officer.id), limit=limit, cursor=cursor
    )
    if need_to_know.logs_reads(principal):
        record_read(
            session,
            principal=principal,
            entity=ENTITY,
            filters=filters.model_dump() | {"cursor": cursor},
            row_count=len(items),
        )
    return items, next_cursor


async def find_officer(session: AsyncSession, *, principal: Principal, officer_id: uuid.UUID) -> Officer:
    """An officer the principal may see (else a 404), for the writes that act on one."""
    return await get_or_404(session, Officer, officer_id, options=_WITH_IDS, where=(need_to_know.officers(principal),))


async def get_officer(session: AsyncSession, *, principal: Principal, officer_id: uuid.UUID) -> Officer:
    authorize(principal, OFFICERS_READ)
    officer = await find_officer(session, principal=principal, officer_id=officer_id)
    if need_to_know.logs_reads(principal):
        record_read(session, principal=principal, entity=ENTITY, filters={"id": officer_id}, row_count=1)
    return officer


async def create_officer(
    session: AsyncSession, *, principal: Principal, data: OfficerCreate, allow_duplicate: bool = False
) -> Officer:
    authorize(principal, OFFICERS_WRITE)
    return await add_officer(session, principal=principal, data=data, allow_duplicate=allow_duplicate)


async def update_officer(
    session: AsyncSession,
    *,
    principal: Principal,
    officer_id: uuid.UUID,
    data: OfficerUpdate,
    expected_version: int | None,
) -> Officer:
    authorize(principal, OFFICERS_WRITE)
    officer = await find_officer(session, principal=principal, officer_id=officer_id)
    return await change_officer(
        session, principal=principal, officer=officer, changes=data.changes(), expected_version=expected_version
    )


async def upsert_by_external_id(
    session: AsyncSession,
    *,
    principal: Principal,
    source: str,
    external_id: str,
    data: OfficerUpsert,
    expected_version: int | None,
    allow_duplicate: bool = False,
) -> tuple[Officer, bool]:
    """Create (True) or replace (False) the officer carrying (source, external_id) within the
    principal's reach. A replace sets every field of the body and clears the optional ones it
    omits; the same body twice changes nothing (same version). A holder outside the reach is as
    if there were none (see Officer); several within it (one key in several agencies, see the
    shared keys) are a 409 naming them, for a person to resolve."""
    authorize(principal, OFFICERS_WRITE)
    found = list(
        await session.scalars(
            select(Officer)
            .join(OfficerExternalId)
            .where(
                OfficerExternalId.source == source,
                OfficerExternalId.external_id == external_id,
                need_to_know.officers(principal),
            )
            .order_by(Officer.id)
            .options(*_WITH_IDS)
        )
    )
    if len(found) > 1:
        raise Conflict(
            translatable(
                "{count} officers within your reach carry this id, in different agencies: resolve them "
                "first (GET /api/v1/officers/shared-keys lists such ids).",
                count=len(found),
            ),
            code="key-ambiguous",
            title="External id held by several officers",
            candidates=[
                DuplicateCandidate(
                    id=o.id,
                    agency_id=o.agency_id,
                    full_name_ar=o.full_name_ar,
                    name_latin=o.name_latin,
                    matched_on="external_id",
                ).model_dump(mode="json")
                for o in found
            ],
        )
    officer = found[0] if found else None
    if officer is None:
        fields = data.model_dump() | {"external_ids": [{"source": source, "id": external_id}]}
        return await add_officer(
            session, principal=principal, data=OfficerCreate(**fields), allow_duplicate=allow_duplicate
        ), True
    return await change_officer(
        session, principal=principal, officer=officer, changes=data.model_dump(), expected_version=expected_version
    ), False


async def delete_officer(
    session: AsyncSession, *, principal: Principal, officer_id: uuid.UUID, expected_version: int | None
) -> None:
    authorize(principal, OFFICERS_WRITE)
    officer = await find_officer(session, principal=principal, officer_id=officer_id)
    gone, agency_id = officer.id, officer.agency_id
    await delete_entity(
        session,
        principal=principal,
        entity=ENTITY,
        obj=officer,
        expected_version=expected_version,
        owned=frozenset({"officer_external_ids.officer_id"}),
    )
    emit(
        session,
        "officer.deleted",
        resource_id=gone,
        officer_id=gone,
        agency_id=agency_id,
        data={"agency_id": agency_id},
    )
