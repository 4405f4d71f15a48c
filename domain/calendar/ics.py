"""Rendering RFC 5545 calendars with the `icalendar` library. Pure: rows in, bytes out.

Choices, so that calendar programs update rather than duplicate events:
- UID is the session's id, which never changes: "<session uuid>@tadrib".
- SEQUENCE is the session's version minus one (the version rises on every change to the
  session, so a move always raises it), plus one once the module is cancelled (a cancelled
  module's sessions can no longer change, so the number never goes back).
- The calendar has no METHOD, so DTSTAMP is, as RFC 5545 3.8.7.2 says, when the event's
  information was last revised: the same as LAST-MODIFIED. The feed is then the same bytes
  until something changes, which lets the API answer 304 to a polling calendar program.
- Times are stored in UTC and written in the cycle's zone with its TZID, each zone used having a
  VTIMEZONE covering the dates of the feed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, Timezone

PRODID = "-//Tadrib//Training calendar feeds//EN"
UID_DOMAIN = "tadrib"
REFRESH = timedelta(hours=1)  # how often subscribers should poll
FALLBACK_ZONE = "UTC"


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    starts_at: datetime  # aware (UTC from the database)
    ends_at: datetime
    time_zone: str  # IANA name: the cycle's zone
    summary: str
    description: str
    location: str | None
    sequence: int
    last_modified: datetime
    status: str = "CONFIRMED"  # TENTATIVE, CONFIRMED or CANCELLED

    @property
    def cancelled(self) -> bool:
        return self.status == "CANCELLED"


@dataclass(frozen=True)
class FeedMeta:
    name: str
    # The zone the calendar is about (a cycle's); written as X-WR-TIMEZONE and always given a VTIMEZONE.
    home_zone: str | None = None
    # Dates the VTIMEZONE components must cover besides the events' (a cycle's dates).
    span: tuple[date, date] | None = None


def event_uid(session_id: uuid.UUID | str) -> str:
    return f"{session_id}@{UID_DOMAIN}"


def sequence(version: int, *, cancelled: bool) -> int:
    """Raised by every change to the session, and once more when its module is cancelled."""
    return max(version - 1, 0) + (1 if cancelled else 0)


def zone_name(name: str | None) -> str:
    """A zone the tz database knows, else UTC (a stored zone is validated on write; belt and braces)."""
    if not name:
        return FALLBACK_ZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return FALLBACK_ZONE
    return name


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: calendar times must be aware")
    return value.astimezone(UTC)


def _vevent(e: FeedEvent) -> Event:
    tz = ZoneInfo(zone_name(e.time_zone))
    stamp = _as_utc(e.last_modified).replace(microsecond=0)
    event = Event()
    event.add("uid", e.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", _as_utc(e.starts_at).astimezone(tz))
    event.add("dtend", _as_utc(e.ends_at).astimezone(tz))
    event.add("summary", e.summary)
    if e.location:
        event.add("location", e.location)
    event.add("description", e.description)
    event.add("sequence", e.sequence)
    event.add("last-modified", stamp)
    event.add("status", e.status)
    event.add("transp", "TRANSPARENT" if e.cancelled else "OPAQUE")
    return event


def _span(meta: FeedMeta, events: list[FeedEvent], today: date) -> tuple[date, date]:
    days = [d for e in events for d in (_as_utc(e.starts_at).date(), _as_utc(e.ends_at).date())]
    if meta.span:
        days += list(meta.span)
    if not days:
        days = [today]
    return min(days) - timedelta(days=1), max(days) + timedelta(days=2)


@lru_cache(maxsize=256)
def _vtimezone(name: str, first: date, last: date) -> Timezone:
    """A zone's VTIMEZONE over a span, built once: icalendar walks every transition of the zone to
    make it (tens of milliseconds), and feeds of one cycle ask for the same zone and span. Shared
    read-only: adding a component to a calendar does not change it."""
    return Timezone.from_tzid(name, first_date=first, last_date=last)


def render(meta: FeedMeta, events: list[FeedEvent], *, today: date | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per session and a VTIMEZONE per zone used."""
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("name", meta.name)
    cal.add("x-wr-calname", meta.name)
    if meta.home_zone:
        cal.add("x-wr-timezone", zone_name(meta.home_zone))
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")  # the older, non-standard spelling some programs read

    zones = {zone_name(e.time_zone) for e in events} - {FALLBACK_ZONE}
    if meta.home_zone or not zones:
        # A calendar needs at least one component (RFC 5545 3.6): an empty feed still has its zone.
        zones.add(zone_name(meta.home_zone))
    first, last = _span(meta, events, today or datetime.now(UTC).date())
    for name in sorted(zones):
        cal.add_component(_vtimezone(name, first, last))
    for e in events:
        cal.add_component(_vevent(e))
    ical: bytes = cal.to_ical()  # icalendar leaves to_ical unannotated
    return ical


INVITATION_PRODID = "-//Tadrib//Training invitations//EN"


@dataclass(frozen=True)
class Party:
    """An iTIP ORGANIZER or ATTENDEE: an address and the name shown beside it."""

    address: str
    name: str | None = None


def invitation(
    method: str, event: FeedEvent, *, organizer: Party, attendee: Party, stamp: datetime | None = None
) -> bytes:
    """An iTIP message (RFC 5546) for one session and one person, as e-mail carries it (RFC 6047):
    METHOD:REQUEST (new, or updated with a higher SEQUENCE and the same UID) or METHOD:CANCEL
    (the same UID, a higher SEQUENCE, STATUS:CANCELLED). One VEVENT, one UID, with the VTIMEZONE
    of its zone, so that calendar programs show the session at the right hour. DTSTAMP is when
    the message was made (RFC 5546 3.2: the iTIP message's creation)."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method {method}")
    cal = Calendar()
    cal.add("prodid", INVITATION_PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    zone = zone_name(event.time_zone)
    first, last = _as_utc(event.starts_at).date(), _as_utc(event.ends_at).date()
    if zone != FALLBACK_ZONE:
        cal.add_component(_vtimezone(zone, first - timedelta(days=1), last + timedelta(days=2)))
    vevent = _vevent(event)
    vevent.pop("DTSTAMP")
    vevent.add("dtstamp", _as_utc(stamp or datetime.now(UTC)).replace(microsecond=0))
    organizer_params = {"CN": organizer.name} if organizer.name else {}
    vevent.add("organizer", f"mailto:{organizer.address}", parameters=organizer_params)
    attendee_params = {"ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"}
    if attendee.name:
        attendee_params["CN"] = attendee.name
    vevent.add("attendee", f"mailto:{attendee.address}", parameters=attendee_params)
    cal.add_component(vevent)
    ical: bytes = cal.to_ical()
    return ical
