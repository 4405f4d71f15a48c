"""The SCIM protocol service (scim2-server) with the decisions we take on top of it, and the
handler that serves one request: its discovery of schemas is the client's own (discovery.py)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from scim2_models import Context, ListResponse, NotFoundException, Resource, Schema, SearchRequest
from scim2_server.conditions import Conditions
from scim2_server.errors import MethodNotAllowedException
from scim2_server.handler import AsyncScimHandler
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.routing import Operation, match
from scim2_server.service import ScimService
from scim2_server.storage import AsyncScimStorage

from domain.auth.principal import Principal
from domain.scim.discovery import schemas_for
from domain.scim.filters import check_filter_length
from domain.scim.schema import PROVIDER, User


class OfficerScimService(ScimService):
    published: tuple[Schema, ...] = PROVIDER.schemas

    def apply_replacement(
        self, current: Resource[Any], replacement: Resource[Any], conditions: Conditions
    ) -> Resource[Any] | None:
        # RFC 7644 §3.5.1 lets a provider keep a readWrite attribute a PUT omits. Okta's full PUTs
        # may leave `active` out: that must never deactivate anyone by accident.
        if "active" not in replacement.model_fields_set and isinstance(replacement, User) and isinstance(current, User):
            replacement.active = current.active
        return super().apply_replacement(current, replacement, conditions)

    def patch_response(self, base_url: str, resource: Resource[Any], response_parameters: Any) -> ScimResponse:
        # RFC 7644 §3.5.2 allows 200 with the resource or 204; identity providers (Okta's
        # documented exchanges) expect the resource.
        return self.resource_response(
            self.publish(base_url, resource), Context.RESOURCE_REPLACEMENT_RESPONSE, response_parameters
        )

    def read_search(self, resource_types: list[Any], payload: Any) -> tuple[SearchRequest[Any], Any]:
        check_filter_length(payload)  # GET's query and POST .search's body both come this way
        return super().read_search(resource_types, payload)

    def is_public(self, request: ScimRequest) -> bool:
        """RFC 7644 §4: the ServiceProviderConfig may be read without credentials."""
        try:
            return self.match(request).operation is Operation.service_provider_config
        except Exception:
            return False

    def publishing(self, schemas: tuple[Schema, ...]) -> OfficerScimService:
        """This service, describing the resources with these schemas at /Schemas."""
        service = copy.copy(self)
        service.published = schemas
        return service

    # /Schemas and /Schemas/{id} as the library serves them, from `published`.
    def schemas(self, location: str, query: Mapping[str, str]) -> ScimResponse:
        self.forbid_filter(query)
        response = ListResponse[Schema](
            total_results=len(self.published),
            items_per_page=len(self.published),
            start_index=1,
            resources=[self.locate(s, f"{location}/{s.id}") for s in self.published],
        )
        return ScimResponse(HTTPStatus.OK, response.model_dump())

    def schema(self, location: str, schema_id: str, query: Mapping[str, str]) -> ScimResponse:
        self.forbid_filter(query)
        for schema in self.published:
            if schema.id == schema_id:
                return self.discovery_response(self.locate(schema, location))
        raise NotFoundException(detail=f"Schema {schema_id!r} not found")


SERVICE = OfficerScimService(PROVIDER)


def methods_at(path: str) -> list[str]:
    """The methods SCIM's routes serve at a path relative to the SCIM root (RFC 7644 §3.2):
    what its answer to a method no route has would list in Allow."""
    try:
        match("", path)
    except MethodNotAllowedException as exc:
        return list(exc.allowed)
    except NotFoundException:
        pass
    return []


class OfficerScimHandler(AsyncScimHandler):
    """Serves one request for a principal; /Schemas says what this principal must send."""

    def __init__(self, storage: AsyncScimStorage, session: Any, principal: Principal):
        super().__init__(SERVICE, storage)
        self.session, self.principal = session, principal

    async def _own_schemas(self) -> AsyncScimHandler:
        service = SERVICE.publishing(await schemas_for(self.session, self.principal))
        return AsyncScimHandler(service, self.storage)

    async def schemas(self, request: ScimRequest) -> ScimResponse:
        return await (await self._own_schemas()).schemas(request)

    async def schema(self, request: ScimRequest) -> ScimResponse:
        return await (await self._own_schemas()).schema(request)
