"""Dependencies every route declares: the request's database session, the acting principal,
paging and If-Match. Authentication plugs in here, not in the routes."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager
from typing import Annotated, AsyncIterator

from fastapi import Depends, Header, Query, Request, Response, Security
from fastapi.security import OAuth2PasswordBearer, SecurityScopes
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth import policy
from domain.auth import service as auth_service
from domain.auth.principal import Principal
from domain.errors import DomainError, PreconditionFailed, Unauthenticated


@asynccontextmanager
async def request_transaction(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit after the route returns, roll back on error
    (except errors that must keep what they wrote, such as a counted failed sign-in)."""
    try:
        yield session
        await session.commit()
    except DomainError as exc:
        await (session.commit() if exc.keep_changes else session.rollback())
        raise
    except BaseException:
        await session.rollback()
        raise


async def get_db(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessionmaker() as session:
        if request.method in ("GET", "HEAD"):
            # Reads need no write lock (SQLite otherwise begins IMMEDIATE).
            await session.connection(execution_options={"read_only": True})
        async with request_transaction(session):
            yield session


DbSession = Annotated[AsyncSession, Depends(get_db, scope="function")]


oauth2 = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    auto_error=False,
    scopes={p: f"held by: {', '.join(policy.roles_with(p))}" for p in sorted(policy.ROLE_PERMISSIONS[policy.Role.admin])},
)


async def get_principal(
    request: Request, security_scopes: SecurityScopes, db: DbSession, token: Annotated[str | None, Depends(oauth2)]
) -> Principal:
    """The signed-in account, re-read on every request (a disabled account stops at once).
    The permissions a route declares with Security(..., scopes=[...]) are checked here."""
    if not token:
        raise Unauthenticated("Sign in first: send Authorization: Bearer <token> from POST /api/v1/auth/token.")
    principal = await auth_service.principal_from_token(db, keyring=request.app.state.keyring, token=token)
    for permission in security_scopes.scopes:
        policy.authorize(principal, permission)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Security(get_principal)]


def require(permission: str):
    """A principal holding `permission`; the route's OpenAPI entry shows it."""
    return Annotated[Principal, Security(get_principal, scopes=[permission])]


class PageParams:
    def __init__(
        self,
        limit: Annotated[int, Query(ge=1, le=200, description="Page size (at most 200)")] = 50,
        cursor: Annotated[str | None, Query(description="Opaque cursor from the previous page's next_cursor")] = None,
    ):
        self.limit = limit
        self.cursor = cursor


Paging = Annotated[PageParams, Depends()]

_ETAG = re.compile(r'^(?:W/)?"(\d+)"$')


def expected_version(
    if_match: Annotated[str | None, Header(description='ETag from a previous GET, e.g. "3"; 412 when stale')] = None,
) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    match = _ETAG.match(if_match.strip())
    if not match:
        raise PreconditionFailed(f"If-Match {if_match!r} is not an ETag this API issued.")
    return int(match.group(1))


IfMatch = Annotated[int | None, Depends(expected_version)]


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


def link_next(request: Request, response: Response, next_cursor: str | None) -> None:
    if next_cursor:
        url = request.url.include_query_params(cursor=next_cursor)
        response.headers["Link"] = f'<{url}>; rel="next"'
