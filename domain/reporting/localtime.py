"""Local calendar dates of UTC instants, computed in SQL, in a cycle's time zone.

PostgreSQL converts natively (timezone(zone, instant)). SQLite has no time-zone data, so the
offset is a CASE over the zone's UTC-offset segments, worked out here with zoneinfo for the
years the cycles span: exact across daylight-saving changes, and pure SQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Date, String, case, cast, func, literal, type_coerce
from sqlalchemy.sql import ColumnElement, SQLColumnExpression

# Each zone: (first year, last year) of the instants to convert; outside, the nearest offset holds.
Zones = dict[str, tuple[int, int]]


def _offset(tz: ZoneInfo, at: int) -> int:
    offset = datetime.fromtimestamp(at, tz).utcoffset()
    assert offset is not None  # an aware datetime always has one
    return int(offset.total_seconds())


@lru_cache(maxsize=128)
def offset_segments(zone: str, first_year: int, last_year: int) -> tuple[tuple[datetime | None, int], ...]:
    """((starts_at_utc, offset_seconds), ...): the first segment starts at None (the distant past).
    A zone unknown to this machine counts as UTC."""
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ((None, 0),)
    t = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(last_year + 1, 1, 1, tzinfo=UTC).timestamp())
    day = 86_400
    segments: list[tuple[datetime | None, int]] = [(None, _offset(tz, t))]
    while t < end:
        nxt = t + day
        if _offset(tz, nxt) != _offset(tz, t):
            lo, hi = t, nxt  # the change happens in (lo, hi]: find its first second
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if _offset(tz, mid) == _offset(tz, lo) else (lo, mid)
            segments.append((datetime.fromtimestamp(hi, UTC), _offset(tz, hi)))
        t = nxt
    return tuple(segments)


def _offset_expr(instant: SQLColumnExpression[datetime], zone: str, years: tuple[int, int]) -> ColumnElement[int]:
    segments = offset_segments(zone, *years)
    if len(segments) == 1:
        return literal(segments[0][1])
    whens = [(instant < segments[i + 1][0], segments[i][1]) for i in range(len(segments) - 1)]
    return case(*whens, else_=segments[-1][1])


def local_date(
    dialect: str, instant: SQLColumnExpression[datetime], zone: str | SQLColumnExpression[str], zones: Zones
) -> ColumnElement[date]:
    """The calendar date of `instant` in `zone` (a zone name, or a column holding one)."""
    if dialect == "postgresql":
        return cast(func.timezone(zone if not isinstance(zone, str) else literal(zone), instant), Date)
    if isinstance(zone, str):
        offset = _offset_expr(instant, zone, zones.get(zone, (2000, 2000)))
    elif zones:
        offset = case(*[(zone == name, _offset_expr(instant, name, years)) for name, years in zones.items()], else_=0)
    else:
        offset = literal(0)
    return type_coerce(func.date(instant, cast(offset, String).concat(" seconds")), Date)


def year_span(first: date | None, last: date | None) -> tuple[int, int]:
    """The years to cover for a cycle (or cycles) from `first` to `last`, with a year's margin."""
    today = date.today()
    first, last = first or today, last or today
    return (first - timedelta(days=366)).year, (last + timedelta(days=366)).year
