"""Dependencies every route declares: the request's database session, the acting principal
(holding a permission), paging and If-Match. Authentication plugs in here, not in the routes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request, Response, Security, params
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlowPassword, OAuthFlows
from fastapi.security import OAuth2, SecurityScopes
from sqlalchemy.ext.asyncio import AsyncSession

from api.urls import this_url
from domain.auth import policy
from domain.auth import service as auth_service
from domain.auth.principal import Principal, Role
from domain.auth.remembered import RememberedPrincipals
from domain.errors import Forbidden, Unauthenticated
from domain.i18n import translatable
from domain.settings import get_settings


async def get_db(request: Request) -> AsyncSession:
    """The request's session; the unit of work (api/unit_of_work.py) commits or rolls it back."""
    return request.state.uow.session


DbSession = Annotated[AsyncSession, Depends(get_db)]


TOKEN_URL = "/api/v1/auth/token"
_SCOPES = {p: f"held by: {', '.join(policy.roles_with(p))}" for p in sorted(policy.ROLE_PERMISSIONS[Role.admin])}


class BearerPrincipal(OAuth2):
    """The signed-in account behind an OAuth 2.0 bearer token from the token endpoint: people sign in
    with the password grant, machine clients with client credentials. Documented as both flows; read
    from Authorization. The account is re-read on every request (a disabled account stops at once);
    the permissions a route declares with Security(..., scopes=[...]) are checked here.

    One dependency, the security scheme itself, rather than a function depending on the scheme and
    on the session: FastAPI solves each sub-dependency on every request, and the OpenAPI document is
    the same (the scheme with the route's scopes)."""

    def __init__(self) -> None:
        flows = OAuthFlows(
            password=OAuthFlowPassword(tokenUrl=TOKEN_URL, scopes=_SCOPES),
            clientCredentials=OAuthFlowClientCredentials(tokenUrl=TOKEN_URL, scopes=_SCOPES),
        )
        super().__init__(flows=flows, scheme_name="OAuth2", auto_error=False)

    async def __call__(self, request: Request, security_scopes: SecurityScopes) -> Principal:  # type: ignore[override]
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip() if scheme.lower() == "bearer" else ""
        if not token:
            raise Unauthenticated(
                translatable("Sign in first: send Authorization: Bearer <token> from POST /api/v1/auth/token.")
            )
        principal = await _principal(request, token)
        for permission in security_scopes.scopes:
            policy.authorize(principal, permission)
        request.state.principal = principal
        return principal


async def _principal(request: Request, token: str) -> Principal:
    """Remembered for a moment (domain/auth/remembered.py), else read: the request's session is
    opened only when the account is read."""
    remembered: RememberedPrincipals = request.app.state.principals
    keyring = request.app.state.keyring

    async def read() -> Principal:  # refused (401) rather than None
        return await auth_service.principal_from_token(request.state.uow.session, keyring=keyring, token=token)

    principal = await remembered.get_or_read(token, read, until=lambda _: keyring.decode(token)["exp"])
    assert principal is not None
    return principal


get_principal = BearerPrincipal()

CurrentPrincipal = Annotated[Principal, Security(get_principal)]


async def person(principal: CurrentPrincipal) -> Principal:
    """A person's account (not a machine client), for what only people have: a password, feed URLs."""
    if principal.kind != "user" or principal.id is None:
        raise Forbidden(
            translatable("This is for people's accounts; a machine client uses its bearer token and its secret."),
            needed="a user account",
        )
    return principal


Person = Annotated[Principal, Depends(person)]


def holding(permission: str) -> params.Security:
    """The signed-in principal, refused unless it holds `permission`; the route's OpenAPI entry
    shows it. Routes name it as a type: `Reader = Annotated[Principal, holding(PLANNING_READ)]`."""
    return Security(get_principal, scopes=[permission])


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None


# Page sizes come from the settings (DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), read once at import:
# the bounds are part of the published contract (openapi.json), not of one app instance.
_PAGES = get_settings()


# Dependencies are coroutines: a plain function would be run in a worker thread on every request.
async def page_params(
    limit: Annotated[
        int, Query(ge=1, le=_PAGES.max_page_size, description=f"Page size (at most {_PAGES.max_page_size})")
    ] = _PAGES.default_page_size,
    cursor: Annotated[str | None, Query(description="Opaque cursor from the previous page's next_cursor")] = None,
) -> PageParams:
    return PageParams(limit, cursor)


Paging = Annotated[PageParams, Depends(page_params)]

# An If-Match is validated with the request's other parameters and its body (a malformed one is a
# 422 naming it); whether it names the current version is a precondition, checked by the service
# once the request is known to be valid and allowed (RFC 9110 §13.2.1): 412 when stale.
IF_MATCH = r'^(\*|(W/)?"[0-9]{1,12}")$'


async def expected_version(
    if_match: Annotated[
        str | None, Header(description='ETag from a previous GET, e.g. "3" (or *); 412 when stale', pattern=IF_MATCH)
    ] = None,
) -> int | None:
    if if_match is None or if_match == "*":
        return None
    return int(if_match.removeprefix("W/").strip('"'))


IfMatch = Annotated[int | None, Depends(expected_version)]


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


def link_next(request: Request, response: Response, next_cursor: str | None) -> None:
    if next_cursor:
        response.headers["Link"] = f'<{this_url(request, cursor=next_cursor)}>; rel="next"'


def list_page(request: Request, response: Response, found: tuple[Sequence[Any], str | None]) -> dict[str, Any]:
    """A list's epilogue, written once: a service's (items, next_cursor) as the page the route
    answers ({"items", "next_cursor"}), with the Link header to the next page when there is one."""
    items, next_cursor = found
    link_next(request, response, next_cursor)
    return {"items": items, "next_cursor": next_cursor}
