"""SCIM 2.0 at /scim/v2 (RFC 7643/7644): one catch-all route that drives scim2-server's handler
with a storage bound to this request's session and principal. It runs inside the app's unit
of work (committed before the answer leaves, rolled back on an error) and body limit like any
route, but answers in SCIM's own format (application/scim+json), errors included, so it is
served outside the OpenAPI document: SCIM describes itself at /scim/v2/Schemas,
/ResourceTypes and /ServiceProviderConfig."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from scim2_models import ForbiddenException, SCIMException, UnauthorizedException
from scim2_server.applications.base import BaseApplication
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse

from api.errors import classify
from api.problems import RETRY_AFTER_UNAVAILABLE_S
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth import policy
from domain.auth import service as auth_service
from domain.auth.principal import Principal, Role
from domain.errors import Unauthenticated
from domain.scim.service import SERVICE, OfficerScimHandler, methods_at
from domain.scim.storage import OfficerStorage

log = logging.getLogger("tadrib.scim")
router = APIRouter(route_class=CheckedRoute)
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
PREFIX = "/scim/v2"
NOBODY = Principal(id=None, name="anonymous", role=Role.observer)  # reaches no officer: the SPC needs none


async def _principal(request: Request) -> Principal:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise UnauthorizedException(detail="Send Authorization: Bearer <token> of a client with scope scim.")
    try:
        principal = await auth_service.principal_from_token(
            request.state.uow.session, keyring=request.app.state.keyring, token=token.strip()
        )
    except Unauthenticated as exc:
        raise UnauthorizedException(detail=exc.detail) from None
    if not policy.allowed(principal, policy.SCIM):
        raise ForbiddenException(detail=f"SCIM provisioning needs the {policy.SCIM} scope.")
    request.state.principal = principal
    return principal


def _failure(exc: Exception, request: Request) -> ScimResponse:
    if isinstance(exc, SCIMException):
        return SERVICE.error_response(exc)
    answer = SERVICE.error_response(exc)  # a 500 in SCIM's format
    if classify(exc) == "unavailable":
        body = dict(
            answer.body or {}, status="503", detail="The database is unavailable; nothing was changed. Retry later."
        )
        return ScimResponse(
            HTTPStatus.SERVICE_UNAVAILABLE,
            body,
            dict(answer.headers, **{"Retry-After": str(RETRY_AFTER_UNAVAILABLE_S)}),
        )
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return answer


async def scim_endpoint(request: Request, path: str = "") -> Response:
    scim_request = ScimRequest(
        method=request.method,
        base_url=absolute_url(request, PREFIX),
        path=BaseApplication.split_path("/" + path),
        query=dict(request.query_params),
        headers=list(request.headers.items()),
        body=await request.body(),
    )
    try:
        principal = NOBODY if SERVICE.is_public(scim_request) else await _principal(request)
        scim_request.subject = principal
        session = request.state.uow.session
        result = await OfficerScimHandler(OfficerStorage(session, principal), session, principal).handle(scim_request)
    except Exception as exc:  # every failure answers a SCIM Error
        result = _failure(exc, request)
    body = b"" if result.body is None else json.dumps(result.body, ensure_ascii=False).encode()
    return Response(body, status_code=int(result.status), headers=dict(result.headers))


class ScimRoute(APIRoute):
    """SCIM's catch-all: each path under it serves the methods SCIM's own routes give it (api/allow.py)."""

    def methods_at(self, path: str) -> list[str]:
        return methods_at(path.removeprefix(PREFIX) or "/")


for pattern in (PREFIX, PREFIX + "/{path:path}"):
    router.add_api_route(
        pattern, scim_endpoint, methods=METHODS, include_in_schema=False, route_class_override=ScimRoute
    )
