"""The planner's calendar arithmetic: whole weeks from Sunday, months and weeks before and after."""

from datetime import date

from domain.planner.rules import View, anchor, neighbours, span, week_start, weeks


def test_weeks_start_on_sunday():
    assert week_start(date(2026, 12, 10)) == date(2026, 12, 6)  # a Thursday -> the Sunday before
    assert week_start(date(2026, 12, 6)) == date(2026, 12, 6)  # a Sunday is its own
    assert week_start(date(2026, 12, 12)) == date(2026, 12, 6)  # a Saturday ends the week


def test_a_month_is_shown_in_whole_weeks_from_sunday_to_saturday():
    first, last = span(View.month, date(2026, 12, 17))
    assert (first, last) == (date(2026, 11, 29), date(2027, 1, 2))
    rows = weeks(first, last)
    assert len(rows) == 5 and all(len(w) == 7 and w[0].weekday() == 6 for w in rows)
    assert span(View.month, date(2026, 2, 1)) == (date(2026, 2, 1), date(2026, 2, 28))  # Sunday 1 to Saturday 28


def test_a_week_and_the_neighbours():
    assert span(View.week, date(2026, 12, 10)) == (date(2026, 12, 6), date(2026, 12, 12))
    assert neighbours(View.week, date(2026, 12, 10)) == (date(2026, 12, 3), date(2026, 12, 17))
    assert neighbours(View.month, date(2026, 12, 31)) == (date(2026, 11, 1), date(2027, 1, 1))
    assert neighbours(View.month, date(2026, 1, 15)) == (date(2025, 12, 1), date(2026, 2, 1))


def test_the_planner_opens_on_today_within_the_cycle():
    assert anchor(date(2026, 12, 7), date(2024, 1, 1), date(2026, 12, 31)) == date(2026, 12, 7)
    assert anchor(date(2027, 3, 1), date(2024, 1, 1), date(2026, 12, 31)) == date(2026, 12, 31)
    assert anchor(date(2023, 3, 1), date(2024, 1, 1), date(2026, 12, 31)) == date(2024, 1, 1)
