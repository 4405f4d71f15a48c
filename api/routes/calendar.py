"""Calendars (RFC 5545 iCalendar) of sessions, and their secret URLs for calendar programs."""

import hashlib
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response

from api.deps import CurrentPrincipal, DbSession, holding
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth.policy import OFFICERS_READ, PLANNING_READ, TRAINERS_READ
from domain.auth.principal import Principal
from domain.calendar import feeds, service
from domain.calendar.schemas import FeedCreate, FeedCreated, FeedRead
from domain.models.calendar import CalendarFeed, FeedKind

router = APIRouter(tags=["calendar"], route_class=CheckedRoute)


class CalendarResponse(Response):
    media_type = "text/calendar"  # Starlette adds "; charset=utf-8"


async def _account(principal: CurrentPrincipal) -> Principal:
    feeds.require_account(principal)
    return principal


Account = Annotated[Principal, Depends(_account)]
PlanningReader = Annotated[Principal, holding(PLANNING_READ)]
TrainersReader = Annotated[Principal, holding(TRAINERS_READ)]
OfficersReader = Annotated[Principal, holding(OFFICERS_READ)]
IfNoneMatch = Annotated[
    str | None, Header(description="The ETag of the copy you hold; 304 when the calendar has not changed")
]
FEED_DOC = (
    "Each session is a VEVENT with a stable UID (<session id>@tadrib), DTSTART/DTEND in the cycle's time zone with a "
    "VTIMEZONE, SUMMARY (module code: session title), LOCATION (venue, city), DESCRIPTION (module title, format), "
    "STATUS (TENTATIVE until the module is confirmed) and a SEQUENCE that rises whenever the session changes. "
    "An ETag lets calendar programs poll with If-None-Match."
)
ICS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {"schema": {"type": "string"}}}, "description": "An iCalendar (RFC 5545) file"},
    304: {"description": "Not modified since the ETag sent in If-None-Match"},
}


def _ics(body: bytes, if_none_match: str | None) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if if_none_match and etag in {t.strip().removeprefix("W/") for t in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    return CalendarResponse(body, headers=headers)


@router.get(
    "/calendar/cycles/{cycle_id:uuid}.ics",
    response_class=CalendarResponse,
    operation_id="get_cycle_calendar",
    summary="Get a cycle's calendar of sessions (iCalendar)",
    description="Every session of the cycle's modules that are not cancelled. " + FEED_DOC,
    responses=ICS | problems(404),
)
async def get_cycle_calendar(
    cycle_id: uuid.UUID, db: DbSession, principal: PlanningReader, if_none_match: IfNoneMatch = None
) -> Response:
    return _ics(await service.calendar(db, principal=principal, kind=FeedKind.cycle, target_id=cycle_id), if_none_match)


@router.get(
    "/calendar/trainers/{trainer_id:uuid}.ics",
    response_class=CalendarResponse,
    operation_id="get_trainer_calendar",
    summary="Get a trainer's teaching calendar (iCalendar)",
    description="Admins and coordinators read any trainer's calendar, a trainer only their own (another's is a 404); "
    "focal points are refused. Sessions of cancelled modules stay, marked STATUS:CANCELLED. " + FEED_DOC,
    responses=ICS | problems(404),
)
async def get_trainer_calendar(
    trainer_id: uuid.UUID, db: DbSession, principal: TrainersReader, if_none_match: IfNoneMatch = None
) -> Response:
    return _ics(
        await service.calendar(db, principal=principal, kind=FeedKind.trainer, target_id=trainer_id), if_none_match
    )


@router.get(
    "/calendar/officers/{officer_id:uuid}.ics",
    response_class=CalendarResponse,
    operation_id="get_officer_calendar",
    summary="Get an officer's training calendar (iCalendar)",
    description="Sessions of the modules the officer is enrolled in (or completed), and of modules cancelled while "
    "they were enrolled, marked STATUS:CANCELLED. An officer outside your reach is a 404. The calendar carries no "
    "name. " + FEED_DOC,
    responses=ICS | problems(404),
)
async def get_officer_calendar(
    officer_id: uuid.UUID, db: DbSession, principal: OfficersReader, if_none_match: IfNoneMatch = None
) -> Response:
    return _ics(
        await service.calendar(db, principal=principal, kind=FeedKind.officer, target_id=officer_id), if_none_match
    )


@router.post(
    "/calendar/feeds",
    response_model=FeedCreated,
    status_code=201,
    operation_id="create_calendar_feed",
    summary="Create a secret calendar URL for a calendar program",
    description="For any calendar you may read (else the same 403 or 404 as the calendar itself). The URL is shown "
    "once and needs no token; it serves the calendar as your account may read it at the time of each fetch, "
    "until revoked or your account is disabled. User accounts only: machine clients use their bearer token.",
    responses=problems(404, 409),
)
async def create_calendar_feed(
    data: FeedCreate, request: Request, response: Response, db: DbSession, principal: Account
) -> FeedCreated:
    feed, secret = await feeds.create_feed(
        db, principal=principal, data=data, secret_key=request.app.state.keyring.secret_key
    )
    response.headers["Cache-Control"] = "no-store"  # the secret URL: no cache, nor the Idempotency-Key store, keeps it
    url = absolute_url(request, request.app.url_path_for("get_secret_calendar_feed", secret=secret))
    return FeedCreated(id=feed.id, kind=feed.kind, target_id=feed.target_id, created_at=feed.created_at, url=url)


@router.get(
    "/calendar/feeds",
    response_model=list[FeedRead],
    operation_id="list_calendar_feeds",
    summary="List your secret calendar URLs",
    description="Without their secrets, which are shown only once.",
    responses=problems(),
)
async def list_calendar_feeds(db: DbSession, principal: Account) -> list[CalendarFeed]:
    return await feeds.list_feeds(db, principal=principal)


@router.delete(
    "/calendar/feeds/{feed_id:uuid}",
    status_code=204,
    operation_id="revoke_calendar_feed",
    summary="Revoke one of your secret calendar URLs",
    description="The URL answers 404 from now on.",
    responses=problems(404),
)
async def revoke_calendar_feed(feed_id: uuid.UUID, db: DbSession, principal: Account) -> Response:
    await feeds.revoke_feed(db, principal=principal, feed_id=feed_id)
    return Response(status_code=204)


@router.get(
    "/calendar/feeds/{secret}.ics",
    response_class=CalendarResponse,
    operation_id="get_secret_calendar_feed",
    summary="Get a calendar by its secret URL (no sign-in)",
    description="The calendar as the account that created the URL may read it now. Unknown or revoked URLs, and "
    "those of accounts since disabled or no longer allowed, are all a 404. " + FEED_DOC,
    responses=ICS | problems(404, public=True),
)
async def get_secret_calendar_feed(
    secret: str, request: Request, db: DbSession, if_none_match: IfNoneMatch = None
) -> Response:
    body = await feeds.secret_calendar(db, secret=secret, secret_key=request.app.state.keyring.secret_key)
    return _ics(body, if_none_match)
