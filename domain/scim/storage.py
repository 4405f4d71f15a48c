"""The storage scim2-server calls, over officers and their provisioning links, for one request:
its session and its principal. A source sees the officers it provisioned and that are within
its reach (need-to-know); any other id is a 404, like one that does not exist. Every write goes
through the officers' own write path (domain/officers/writes.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import ValidationError
from scim2_models import (
    ForbiddenException,
    InvalidValueException,
    NotFoundException,
    PreconditionFailedException,
    Resource,
    ResourceType,
    SCIMException,
    SearchRequest,
    UniquenessException,
)
from scim2_server.storage import AsyncScimStorage, SearchPage
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import errors
from domain.access import need_to_know
from domain.audit.service import record_change, record_read
from domain.auth.principal import Principal
from domain.models.agencies import Agency
from domain.models.officers import Officer
from domain.models.officers import ProvisioningLink as Link
from domain.officers.schemas import OfficerCreate, OfficerUpdate
from domain.officers.writes import add_officer, change_officer
from domain.scim.filters import SqlFilter, order_by
from domain.scim.mapping import LINK_PROFILE, invalid_value, link_profile, officer_fields, to_resource, version_tag
from domain.scim.schema import USER_MODEL, User
from domain.scim.schema import Officer as OfficerExtension


def source_of(principal: Principal) -> str:
    """The provisioning source a principal speaks for: `scim:<client_id>` for a machine client."""
    if principal.kind == "client":
        return "scim:" + principal.name.removeprefix("client:")
    return f"scim:user:{principal.name}"


@contextmanager
def scim_errors() -> Iterator[None]:
    """Domain refusals as SCIM errors (the handler renders them in SCIM's own format)."""
    try:
        yield
    except SCIMException:
        raise
    except ValidationError as exc:
        raise invalid_value(exc) from None
    except errors.NotFound as exc:
        raise NotFoundException(detail=exc.detail) from None
    except errors.PreconditionFailed as exc:
        raise PreconditionFailedException(detail=exc.detail) from None
    except errors.Forbidden as exc:
        raise ForbiddenException(detail=exc.detail) from None
    except errors.Conflict as exc:
        raise UniquenessException(detail=exc.detail) from None
    except errors.InvalidInput as exc:
        fields = ", ".join(e["message"] for e in exc.extra.get("errors", []))
        raise InvalidValueException(detail=f"{exc.detail} {fields}".strip()) from None
    except errors.DomainError as exc:
        raise InvalidValueException(detail=exc.detail) from None


class OfficerStorage(AsyncScimStorage):
    supports_cursors = False

    def __init__(self, session: AsyncSession, principal: Principal):
        self.session = session
        self.principal = principal
        self.source = source_of(principal)
        self._codes: dict[uuid.UUID, str | None] = {}

    # -- reading ---------------------------------------------------------------------------

    def _visible(self) -> Any:
        linked = and_(Link.officer_id == Officer.id, Link.source == self.source)
        return select(Officer, Link).join(Link, linked).where(need_to_know.officers(self.principal))

    async def _row(self, resource_type: ResourceType, resource_id: str | None) -> tuple[Officer, Link]:
        try:
            officer_id = uuid.UUID(str(resource_id))
        except ValueError:
            officer_id = None
        found = None
        if resource_type.name == "User" and officer_id is not None:
            found = (await self.session.execute(self._visible().where(Officer.id == officer_id))).first()
        if found is None:  # not there, not this source's, or beyond reach: the same answer
            raise NotFoundException(detail=f"User {resource_id} not found")
        return found[0], found[1]

    async def _agency_codes(self, ids: set[uuid.UUID]) -> None:
        wanted = ids - self._codes.keys()
        if wanted:
            for agency_id, acronym in await self.session.execute(
                select(Agency.id, Agency.acronym).where(Agency.id.in_(wanted))
            ):
                self._codes[agency_id] = acronym

    async def _resource(self, officer: Officer, link: Link) -> Resource[Any]:
        await self._agency_codes({officer.agency_id})
        return to_resource(officer, link, self._codes.get(officer.agency_id))

    async def get(
        self, resource_type: ResourceType, resource_id: str, *, response_parameters: Any = None
    ) -> Resource[Any]:
        officer, link = await self._row(resource_type, resource_id)
        self._record_read({"id": resource_id}, 1)
        return await self._resource(officer, link)

    def _record_read(self, filters: dict[str, Any], row_count: int) -> None:
        """Reads by machine clients (and focal points) are logged, as through the REST routes."""
        if need_to_know.logs_reads(self.principal):
            record_read(
                self.session, principal=self.principal, entity="scim_user", filters=filters, row_count=row_count
            )

    async def search(
        self, resource_types: list[ResourceType], search_request: SearchRequest[Any], *, position: Any = None
    ) -> SearchPage:
        if not any(rt.name == "User" for rt in resource_types):
            return SearchPage(total=0, resources=[])
        query = self._visible()
        if search_request.filter is not None:
            query = query.where(SqlFilter(search_request.filter).visit(search_request.filter.ast))
        total = await self.session.scalar(select(func.count()).select_from(query.subquery()))
        # Past the last result the page is empty whatever the start: the database never sees an
        # offset beyond the count (a startIndex above 2**63 fits no SQL integer).
        start = min(search_request.start_index_0 or 0, total or 0)
        query = query.order_by(*order_by(search_request, USER_MODEL)).offset(start)
        if search_request.count is not None:
            query = query.limit(search_request.count)
        rows = (await self.session.execute(query)).all()
        self._record_read(
            {
                "filter": str(search_request.filter.ast) if search_request.filter is not None else None,
                "start_index": search_request.start_index,
                "count": search_request.count,
            },
            len(rows),
        )
        await self._agency_codes({officer.agency_id for officer, _ in rows})
        return SearchPage(
            total=total or 0, resources=[to_resource(o, link, self._codes.get(o.agency_id)) for o, link in rows]
        )

    # -- writing ---------------------------------------------------------------------------

    async def _agency_of(self, resource: User[Any], current: uuid.UUID | None) -> uuid.UUID | None:
        """The agency the resource names (a code or an id, within reach), else the current one,
        else the agency the client is bound to."""
        ext = resource[OfficerExtension]
        named = (ext.agency or "").strip() if ext else ""
        if not named:
            return current or self.principal.agency_id
        try:
            return uuid.UUID(named)  # the officers' write path checks it is within reach
        except ValueError:
            pass
        in_reach = need_to_know.agency_in_reach(self.principal, Agency.id)
        matches = list(
            await self.session.scalars(select(Agency.id).where(func.lower(Agency.acronym) == named.lower(), in_reach))
        )
        if len(matches) != 1:
            problem = (
                "names no agency you can provision" if not matches else "names several agencies: send the agency's id"
            )
            raise InvalidValueException(detail=f"{OfficerExtension.__schema__}:agency {named!r} {problem}")
        return matches[0]

    async def _free_external_id(self, external_id: str | None, officer_id: uuid.UUID | None) -> None:
        """This source's externalId is unique within an agency: a holder within reach is a 409, one
        outside it is as if there were none (see Officer: it cannot collide)."""
        if external_id is None:
            return
        taken = (
            select(Link.officer_id)
            .join(Officer, Officer.id == Link.officer_id)
            .where(Link.source == self.source, Link.external_id == external_id, need_to_know.officers(self.principal))
        )
        if officer_id is not None:
            taken = taken.where(Link.officer_id != officer_id)
        holder = await self.session.scalar(taken.limit(1))
        if holder is not None:
            raise UniquenessException(detail="externalId is already used by another User of this source")

    async def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        assert isinstance(resource, User)
        if resource_type.name != "User":
            raise ForbiddenException(detail="Only Users are provisioned")
        with scim_errors():
            profile = link_profile(resource)
            await self._free_external_id(profile["external_id"], None)
            fields = officer_fields(resource, await self._agency_of(resource, None))
            data = OfficerCreate(
                **{k: v for k, v in fields.items() if v is not None}, active=resource.active is not False
            )
            # Namesakes are different people with different accounts: the account name is the identity here.
            officer = await add_officer(self.session, principal=self.principal, data=data, allow_duplicate=True)
            link = Link(officer_id=officer.id, agency_id=officer.agency_id, source=self.source, **profile)
            self.session.add(link)
            await self.session.flush()
            record_change(
                self.session,
                principal=self.principal,
                action="provisioned",
                entity="officer",
                entity_id=officer.id,
                changes={"provisioning_links": (None, {"source": self.source, "external_id": link.external_id})},
            )
            return await self._resource(officer, link)

    async def update(
        self, resource_type: ResourceType, resource: Resource[Any], *, expected_version: str | None = None
    ) -> Resource[Any]:
        assert isinstance(resource, User)
        officer, link = await self._row(resource_type, resource.id)
        if expected_version is not None and version_tag(officer) != expected_version:
            raise PreconditionFailedException(detail="The User changed since it was read")
        with scim_errors():
            profile = link_profile(resource)
            await self._free_external_id(profile["external_id"], officer.id)
            fields = officer_fields(resource, await self._agency_of(resource, officer.agency_id))
            changes = OfficerUpdate(**fields, active=resource.active is not False).changes()
            before = {k: getattr(link, k) for k in LINK_PROFILE if getattr(link, k) != profile[k]}
            for column, value in profile.items():
                setattr(link, column, value)
            extra = {"provisioning_links": (before, {k: profile[k] for k in before})} if before else None
            officer = await change_officer(
                self.session,
                principal=self.principal,
                officer=officer,
                changes=changes,
                expected_version=None,
                extra_changes=extra,
            )
            return await self._resource(officer, link)

    async def delete(
        self, resource_type: ResourceType, resource_id: str, *, expected_version: str | None = None
    ) -> None:
        """Unlinks the officer from this source and deactivates them; their history stays, and
        the account name is freed. Erasure stays a separate administrator's act."""
        officer, link = await self._row(resource_type, resource_id)
        if expected_version is not None and version_tag(officer) != expected_version:
            raise PreconditionFailedException(detail="The User changed since it was read")
        with scim_errors():
            unlinked = {"provisioning_links": ({"source": self.source, "external_id": link.external_id}, None)}
            await self.session.delete(link)
            await change_officer(
                self.session,
                principal=self.principal,
                officer=officer,
                changes={"active": False, "user_name": None},
                expected_version=None,
                extra_changes=unlinked,
            )
