"""Calendar arithmetic of the planner, pure: which days a month or a week view shows (weeks start
on Sunday, the first working day in Iraq), and the views before and after."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class View(StrEnum):
    month = "month"
    week = "week"


def week_start(day: date) -> date:
    """The Sunday on or before `day`."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def span(view: View, on: date) -> tuple[date, date]:
    """The first and last day shown (whole weeks, Sunday to Saturday)."""
    if view is View.week:
        first = week_start(on)
        return first, first + timedelta(days=6)
    month_first = on.replace(day=1)
    next_month = (month_first + timedelta(days=32)).replace(day=1)
    first = week_start(month_first)
    last = week_start(next_month - timedelta(days=1)) + timedelta(days=6)
    return first, last


def neighbours(view: View, on: date) -> tuple[date, date]:
    """The anchors of the previous and the next view."""
    if view is View.week:
        return on - timedelta(days=7), on + timedelta(days=7)
    month_first = on.replace(day=1)
    previous = (month_first - timedelta(days=1)).replace(day=1)
    following = (month_first + timedelta(days=32)).replace(day=1)
    return previous, following


def weeks(first: date, last: date) -> list[list[date]]:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [days[i : i + 7] for i in range(0, len(days), 7)]


def anchor(today: date, starts_on: date, ends_on: date) -> date:
    """Where a planner opens: today while the cycle runs, else its first or last day."""
    return min(max(today, starts_on), ends_on)
