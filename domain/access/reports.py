"""Which figures a principal's reports cover, and whether they are exact.

- admin: everything, exact;
- coordinator: the programmes they are assigned to, exact; naming another programme or its
  cycle in a filter is a 403, and without such a filter the report narrows to their programmes;
- focal point, and a machine client bound to an agency: nominations made by that agency and its
  sub-units only, exact; naming an agency outside that subtree is a 403;
- observer and unbound machine client (scope reports:read): everything, with small counts withheld."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import bound_to_agency
from domain.agencies.tree import NOWHERE
from domain.auth.principal import Principal, Role
from domain.errors import Forbidden, NotFound
from domain.i18n import Translatable, translatable
from domain.models.agencies import Agency

EXACT_ROLES = frozenset({Role.admin, Role.coordinator, Role.focal_point})


def exact_figures(principal: Principal) -> bool:
    """Small counts are withheld from everyone else (observers, donors' machine clients)."""
    return principal.role in EXACT_ROLES or bound_to_agency(principal)


def programmes_covered(principal: Principal) -> frozenset[uuid.UUID] | None:
    """A coordinator's reports cover their programmes only; None: every programme."""
    return frozenset(principal.programme_ids) if principal.role is Role.coordinator else None


def check_programme(principal: Principal, programme_id: uuid.UUID, *, what: str = "This programme") -> None:
    covered = programmes_covered(principal)
    if covered is not None and programme_id not in covered:
        raise Forbidden(
            translatable("{what} is not one you are assigned to.", what=Translatable(what)),
            needed="programme assignment",
        )


async def agency_prefix(session: AsyncSession, principal: Principal, agency_id: uuid.UUID | None) -> str | None:
    """The agency subtree the figures cover (its path prefix): the filter's, within the
    principal's own subtree for those bound to an agency; None for every agency."""
    own: str | None = None
    if bound_to_agency(principal) or principal.role is Role.focal_point:
        if principal.agency_id is not None:
            own = await session.scalar(select(Agency.path).where(Agency.id == principal.agency_id))
        own = own or NOWHERE  # an unbound focal point sees nothing
    if agency_id is None:
        return own
    path = await session.scalar(select(Agency.path).where(Agency.id == agency_id))
    if path is None:
        raise NotFound(translatable("No agency with id {id}.", id=agency_id), entity="agencies", id=str(agency_id))
    if own is not None and not path.startswith(own):
        raise Forbidden(
            translatable("Your figures cover your own agency and its sub-units only."), needed="agency subtree"
        )
    return path
