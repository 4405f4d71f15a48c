"""Dependencies every route declares: the request's database session, the acting principal,
paging and If-Match. Authentication plugs in here, not in the routes."""

from __future__ import annotations

import re
from typing import Annotated, AsyncIterator

from fastapi import Depends, Header, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.principal import Principal
from domain.errors import PreconditionFailed


async def get_db(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit after the route returns, roll back on error."""
    async with request.app.state.sessionmaker() as session:
        if request.method in ("GET", "HEAD"):
            # Reads need no write lock (SQLite otherwise begins IMMEDIATE).
            await session.connection(execution_options={"read_only": True})
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


DbSession = Annotated[AsyncSession, Depends(get_db, scope="function")]


async def get_principal() -> Principal:
    # Sign-in arrives with the access-control issue; until then every caller acts as the system.
    return Principal.system("anonymous")


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


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
