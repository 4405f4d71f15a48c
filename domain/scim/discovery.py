"""What /scim/v2/Schemas tells each client about the officer extension's `agency`: required from a
client not bound to an agency (a POST without it is refused), optional from a bound one (its
officers are in its agency unless it names a sub-unit), and, as canonical values, the agency
codes this client may send: those within its reach that name one agency only."""

from __future__ import annotations

from scim2_models import Required, Schema
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.auth.principal import Principal
from domain.models.agencies import Agency
from domain.scim.schema import OFFICER, PROVIDER

AGENCY_REQUIRED = (
    "The officer's agency: its code (one of canonicalValues) or its id. Required: this client is not bound to an "
    "agency."
)
AGENCY_OPTIONAL = (
    "The officer's agency: its code (one of canonicalValues) or its id, your agency or one of its sub-units. "
    "Optional: this client is bound to an agency, which a new officer joins when it is omitted (an existing "
    "officer keeps theirs)."
)


async def provisionable_codes(session: AsyncSession, principal: Principal) -> list[str]:
    """The codes (acronyms) of the agencies within the principal's reach that name one agency only
    (a code several agencies share must be sent as an id)."""
    key = func.lower(Agency.acronym)
    query = (
        select(func.min(Agency.acronym))
        .where(Agency.acronym.is_not(None), need_to_know.agency_in_reach(principal, Agency.id))
        .group_by(key)
        .having(func.count() == 1)
        .order_by(key)
    )
    return list(await session.scalars(query))


def officer_schema(principal: Principal, codes: list[str]) -> Schema:
    schema = next(s for s in PROVIDER.schemas if s.id == OFFICER).model_copy(deep=True)
    bound = principal.agency_id is not None
    for attribute in schema.attributes or []:
        if attribute.name == "agency":
            attribute.required = Required.false if bound else Required.true
            attribute.description = AGENCY_OPTIONAL if bound else AGENCY_REQUIRED
            attribute.canonical_values = codes or None
    return schema


async def schemas_for(session: AsyncSession, principal: Principal) -> tuple[Schema, ...]:
    """Every published schema, the officer extension as this client must use it."""
    officer = officer_schema(principal, await provisionable_codes(session, principal))
    return tuple(officer if s.id == OFFICER else s for s in PROVIDER.schemas)
