"""Pure scheduling rules: double bookings and calendar warnings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


@dataclass(frozen=True)
class Booking:
    session_id: uuid.UUID | None  # None for a session not yet stored
    starts_at: datetime
    ends_at: datetime
    venue_id: uuid.UUID | None
    trainer_ids: frozenset[uuid.UUID]


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals: a session ending at 12:00 does not clash with one starting at 12:00."""
    return a_start < b_end and b_start < a_end


def clashes(candidate: Booking, others: list[Booking]) -> list[tuple[Booking, str, uuid.UUID]]:
    """Every (other booking, resource kind, resource id) the candidate collides with."""
    found = []
    for other in others:
        if candidate.session_id is not None and other.session_id == candidate.session_id:
            continue  # the same stored session, being moved
        if not overlaps(candidate.starts_at, candidate.ends_at, other.starts_at, other.ends_at):
            continue
        if candidate.venue_id is not None and candidate.venue_id == other.venue_id:
            found.append((other, "venue", candidate.venue_id))
        for trainer_id in sorted(candidate.trainer_ids & other.trainer_ids):
            found.append((other, "trainer", trainer_id))
    return found


def local_dates(starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> list[date]:
    first = starts_at.astimezone(tz).date()
    last = (ends_at - timedelta(microseconds=1)).astimezone(tz).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def calendar_warnings(
    starts_at: datetime,
    ends_at: datetime,
    *,
    time_zone: str,
    working_days: list[str],
    holidays: list[dict[str, Any]],
    cycle_starts_on: date,
    cycle_ends_on: date,
) -> list[dict[str, str]]:
    """Allowed but worth a second look: non-working days, listed holidays, outside the cycle."""
    tz = ZoneInfo(time_zone)
    holiday_names = {str(h["date"]): h.get("name", "holiday") for h in holidays}
    warnings = []
    for day in local_dates(starts_at, ends_at, tz):
        weekday = WEEKDAYS[day.weekday()]
        if weekday not in working_days:
            warnings.append(
                {"code": "non-working-day", "message": f"{day} is a {weekday}, not a working day in this cycle."}
            )
        if day.isoformat() in holiday_names:
            warnings.append(
                {"code": "holiday", "message": f"{day} is a listed holiday: {holiday_names[day.isoformat()]}."}
            )
        if not cycle_starts_on <= day <= cycle_ends_on:
            warnings.append(
                {
                    "code": "outside-cycle",
                    "message": f"{day} is outside the cycle ({cycle_starts_on} to {cycle_ends_on}).",
                }
            )
    return warnings
