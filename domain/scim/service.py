"""The SCIM protocol service (scim2-server) with the decisions we take on top of it."""

from __future__ import annotations

from typing import Any

from scim2_models import Context, Resource, SearchRequest
from scim2_server.conditions import Conditions
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.routing import Operation
from scim2_server.service import ScimService

from domain.scim.filters import check_filter_length
from domain.scim.schema import PROVIDER, User


class OfficerScimService(ScimService):
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


SERVICE = OfficerScimService(PROVIDER)
