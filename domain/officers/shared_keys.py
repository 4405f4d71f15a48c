"""Keys shared across agencies: an external id (per source), an account name or a national id
that officers of different agencies carry. The database keeps keys unique within an agency and the
application checks them within the caller's reach (see Officer), so the same key may be recorded
in two agencies whose focal points do not see each other: such keys are a review list for
coordinators and administrators. Only officers the caller may see are counted and shown.

A page costs two queries whatever its size: the keys, grouped and counted in SQL, then their
officers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Subquery, distinct, func, literal, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.audit.service import record_read
from domain.auth.policy import OFFICERS_REVIEW, authorize
from domain.auth.principal import Principal
from domain.models.officers import Officer, OfficerExternalId
from domain.officers.schemas import SharedKeyHolder, SharedKeyRead
from domain.pagination import Paged, paginate_rows

NO_SOURCE = ""  # the source column of the kinds that have none (a NULL would not group or page)


def _held(principal: Principal) -> Subquery:
    """Every key an officer within reach carries: (kind, source, key, officer_id, agency_id)."""
    visible = need_to_know.officers(principal)
    external_ids = (
        select(
            literal("external_id").label("kind"),
            OfficerExternalId.source.label("source"),
            OfficerExternalId.external_id.label("key"),
            Officer.id.label("officer_id"),
            Officer.agency_id.label("agency_id"),
        )
        .join(Officer, Officer.id == OfficerExternalId.officer_id)
        .where(visible)
    )
    user_names = select(
        literal("user_name"), literal(NO_SOURCE), Officer.user_name_key, Officer.id, Officer.agency_id
    ).where(Officer.user_name_key.is_not(None), visible)
    national_ids = select(
        literal("national_id"), literal(NO_SOURCE), Officer.national_id, Officer.id, Officer.agency_id
    ).where(Officer.national_id.is_not(None), visible)
    return union_all(external_ids, user_names, national_ids).subquery("held")


async def list_shared_keys(
    session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None
) -> Paged[SharedKeyRead]:
    authorize(principal, OFFICERS_REVIEW)
    held = _held(principal)
    shared = (
        select(held.c.kind, held.c.source, held.c.key)
        .group_by(held.c.kind, held.c.source, held.c.key)
        .having(func.count(distinct(held.c.agency_id)) > 1)
    )
    keys, next_cursor = await paginate_rows(
        session, shared, order=(held.c.kind, held.c.source, held.c.key), limit=limit, cursor=cursor
    )
    officers: dict[tuple[Any, ...], list[SharedKeyHolder]] = {tuple(k): [] for k in keys}
    if keys:
        holders = (
            select(held.c.kind, held.c.source, held.c.key, Officer.id, Officer.agency_id)
            .add_columns(Officer.full_name_ar, Officer.name_latin)
            .join(Officer, Officer.id == held.c.officer_id)
            .where(tuple_(held.c.kind, held.c.source, held.c.key).in_([tuple(k) for k in keys]))
            .where(need_to_know.officers(principal))
            .order_by(Officer.agency_id, Officer.name_latin_key, Officer.id)
        )
        for kind, source, key, officer_id, agency_id, name_ar, name_latin in await session.execute(holders):
            officers[(kind, source, key)].append(
                SharedKeyHolder(id=officer_id, agency_id=agency_id, full_name_ar=name_ar, name_latin=name_latin)
            )
    items = [
        SharedKeyRead(kind=kind, source=source or None, key=key, officers=officers[(kind, source, key)])
        for kind, source, key in keys
    ]
    record_read(session, principal=principal, entity="shared_keys", filters={"cursor": cursor}, row_count=len(items))
    return items, next_cursor
