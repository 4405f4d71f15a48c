"""The change feed: every change, in commit order, as the caller may see it."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, holding
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import this_url
from domain.auth.policy import EVENTS_READ
from domain.auth.principal import Principal
from domain.events import feed
from domain.events.schemas import EventRead
from domain.outbox.catalogue import EventTypeName
from domain.pagination import Page

router = APIRouter(tags=["events"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(EVENTS_READ)]

FEED_DOC = (
    "Events in commit order: an event whose transaction commits late takes its place when it commits, after every "
    "event already served, so paging with `after` never skips one. Each page answers `next_cursor`, also when it is "
    "empty: poll again with it. A client bound to an agency gets only the events about that agency's officers (and "
    "those about no officer: modules, sessions, imports). Events are kept `EVENTS_RETENTION_DAYS` (30) days; an older "
    "cursor is `410 /problems/cursor-expired`. Each event's `sequence` counts per resource: drop an update whose "
    "sequence is lower than one you applied. The types and their data are in this document's `webhooks` section."
)


@router.get(
    "/events",
    response_model=Page[EventRead],
    operation_id="list_events",
    summary="Read the change feed",
    description=FEED_DOC,
    responses=problems(410),
)
async def list_events(
    request: Request,
    response: Response,
    db: DbSession,
    principal: Reader,
    after: Annotated[
        str | None, Query(max_length=200, description="next_cursor of the previous page; none: from the oldest kept")
    ] = None,
    types: Annotated[list[EventTypeName] | None, Query(description="only these types (repeat the parameter)")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size (at most 200)")] = 50,
) -> dict[str, Any]:
    items, next_cursor = await feed.list_events(
        db,
        principal=principal,
        after=after,
        types=types,
        limit=limit,
        retention_days=request.app.state.settings.events_retention_days,
    )
    if next_cursor and len(items) == limit:
        response.headers["Link"] = f'<{this_url(request, after=next_cursor)}>; rel="next"'
    return {"items": items, "next_cursor": next_cursor}
