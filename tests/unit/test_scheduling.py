"""Pure scheduling rules (domain rules 2 and 3): half-open overlaps, double bookings of venues
and trainers, and the calendar warnings of a cycle in Asia/Baghdad (UTC+3, no DST,
Sunday–Thursday working week)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from domain.catalogue.scheduling import Booking, calendar_warnings, clashes, local_dates, overlaps

BAGHDAD = timezone(timedelta(hours=3))
UTC = UTC
IRAQ_WEEK = ["sunday", "monday", "tuesday", "wednesday", "thursday"]


def at(day: int, hour: int, minute: int = 0, *, month: int = 1, year: int = 2025, tz=BAGHDAD) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def booking(start: datetime, end: datetime, *, venue=None, trainers=(), session_id: uuid.UUID | None = None) -> Booking:
    return Booking(session_id if session_id is not None else uuid.uuid4(), start, end, venue, frozenset(trainers))


# --- overlaps -------------------------------------------------------------------------------


class TestOverlaps:
    def test_partial_overlap(self):
        assert overlaps(at(12, 9), at(12, 12), at(12, 11), at(12, 14))
        assert overlaps(at(12, 11), at(12, 14), at(12, 9), at(12, 12))

    def test_containment_and_identity(self):
        assert overlaps(at(12, 9), at(12, 17), at(12, 10), at(12, 11))
        assert overlaps(at(12, 10), at(12, 11), at(12, 9), at(12, 17))
        assert overlaps(at(12, 9), at(12, 12), at(12, 9), at(12, 12))

    def test_half_open_adjacent_sessions_do_not_overlap(self):
        # 09:00–12:00 then 12:00–14:00: the first ends exactly when the second starts.
        assert not overlaps(at(12, 9), at(12, 12), at(12, 12), at(12, 14))
        assert not overlaps(at(12, 12), at(12, 14), at(12, 9), at(12, 12))

    def test_one_minute_of_overlap_counts(self):
        assert overlaps(at(12, 9), at(12, 12, 1), at(12, 12), at(12, 14))

    def test_disjoint(self):
        assert not overlaps(at(12, 9), at(12, 10), at(12, 11), at(12, 12))
        assert not overlaps(at(13, 9), at(13, 10), at(12, 9), at(12, 10))

    def test_compares_instants_not_wall_clocks(self):
        # 09:00+03:00 is 06:00Z: a 06:00Z–07:00Z session overlaps a 09:00–10:00 Baghdad session...
        assert overlaps(at(12, 9), at(12, 10), at(12, 6, tz=UTC), at(12, 7, tz=UTC))
        # ...and 09:00Z–10:00Z (12:00–13:00 in Baghdad) does not, although the wall clocks match.
        assert not overlaps(at(12, 9), at(12, 10), at(12, 9, tz=UTC), at(12, 10, tz=UTC))
        # Adjacent across offsets: ends 12:00+03:00 == 09:00Z.
        assert not overlaps(at(12, 9), at(12, 12), at(12, 9, tz=UTC), at(12, 11, tz=UTC))


# --- clashes --------------------------------------------------------------------------------


class TestClashes:
    venue = uuid.uuid4()
    other_venue = uuid.uuid4()
    t1, t2, t3 = sorted(uuid.uuid4() for _ in range(3))

    def test_same_venue_at_the_same_time(self):
        other = booking(at(12, 10), at(12, 12), venue=self.venue)
        candidate = booking(at(12, 9), at(12, 11), venue=self.venue, session_id=None)
        assert clashes(candidate, [other]) == [(other, "venue", self.venue)]

    def test_shared_trainer(self):
        other = booking(at(12, 10), at(12, 12), venue=self.other_venue, trainers=[self.t1])
        candidate = booking(at(12, 9), at(12, 11), venue=self.venue, trainers=[self.t1, self.t2])
        assert clashes(candidate, [other]) == [(other, "trainer", self.t1)]

    def test_venue_and_trainers_each_listed(self):
        other = booking(at(12, 10), at(12, 12), venue=self.venue, trainers=[self.t1, self.t2, self.t3])
        candidate = booking(at(12, 9), at(12, 11), venue=self.venue, trainers=[self.t3, self.t1])
        found = clashes(candidate, [other])
        assert found == [(other, "venue", self.venue), (other, "trainer", self.t1), (other, "trainer", self.t3)]

    def test_every_other_session_is_listed(self):
        a = booking(at(12, 8), at(12, 10), venue=self.venue)
        b = booking(at(12, 10), at(12, 12), trainers=[self.t2])
        c = booking(at(12, 12), at(12, 13), venue=self.venue, trainers=[self.t2])  # adjacent: no clash
        d = booking(at(12, 9), at(12, 10), venue=self.other_venue, trainers=[self.t3])  # nothing shared
        candidate = booking(at(12, 9), at(12, 12), venue=self.venue, trainers=[self.t2])
        found = clashes(candidate, [a, b, c, d])
        assert found == [(a, "venue", self.venue), (b, "trainer", self.t2)]

    def test_adjacent_sessions_do_not_clash(self):
        other = booking(at(12, 9), at(12, 12), venue=self.venue, trainers=[self.t1])
        candidate = booking(at(12, 12), at(12, 14), venue=self.venue, trainers=[self.t1])
        assert clashes(candidate, [other]) == []

    def test_nothing_shared_no_clash(self):
        other = booking(at(12, 9), at(12, 12), venue=self.other_venue, trainers=[self.t2])
        candidate = booking(at(12, 9), at(12, 12), venue=self.venue, trainers=[self.t1])
        assert clashes(candidate, [other]) == []

    def test_no_venue_is_not_a_shared_venue(self):
        other = booking(at(12, 9), at(12, 12), venue=None)
        candidate = booking(at(12, 9), at(12, 12), venue=None)
        assert clashes(candidate, [other]) == []

    def test_a_session_does_not_clash_with_itself_when_moved(self):
        sid = uuid.uuid4()
        stored = booking(at(12, 9), at(12, 12), venue=self.venue, trainers=[self.t1], session_id=sid)
        moved = booking(at(12, 10), at(12, 13), venue=self.venue, trainers=[self.t1], session_id=sid)
        assert clashes(moved, [stored]) == []

    def test_two_unsaved_bookings_still_clash(self):
        # "None for a session not yet stored" must not make two new sessions look like the same one.
        a = Booking(None, at(12, 9), at(12, 12), self.venue, frozenset())
        b = Booking(None, at(12, 10), at(12, 11), self.venue, frozenset())
        assert clashes(b, [a]) == [(a, "venue", self.venue)]

    def test_clash_across_offsets(self):
        other = booking(at(12, 6, tz=UTC), at(12, 8, tz=UTC), venue=self.venue)  # 09:00–11:00 Baghdad
        candidate = booking(at(12, 10), at(12, 12), venue=self.venue)
        assert clashes(candidate, [other]) == [(other, "venue", self.venue)]


# --- calendar warnings ----------------------------------------------------------------------


def warnings_for(
    start,
    end,
    *,
    holidays=(),
    starts_on=date(2024, 6, 1),
    ends_on=date(2026, 12, 31),
    working_days=IRAQ_WEEK,
    time_zone="Asia/Baghdad",
):
    return calendar_warnings(
        start,
        end,
        time_zone=time_zone,
        working_days=list(working_days),
        holidays=list(holidays),
        cycle_starts_on=starts_on,
        cycle_ends_on=ends_on,
    )


def codes(warnings) -> list[str]:
    return [w["code"] for w in warnings]


class TestCalendarWarnings:
    def test_working_day_has_no_warning(self):
        # Sunday 12 January 2025 is a working day in Iraq.
        assert warnings_for(at(12, 9), at(12, 13)) == []

    def test_friday_is_a_non_working_day(self):
        # 2025-01-10T09:00+03:00 is a Friday.
        found = warnings_for(at(10, 9), at(10, 13))
        assert codes(found) == ["non-working-day"]
        assert "2025-01-10" in found[0]["message"] and "friday" in found[0]["message"]

    def test_saturday_is_a_non_working_day(self):
        assert codes(warnings_for(at(11, 9), at(11, 13))) == ["non-working-day"]

    def test_each_weekday_of_the_iraqi_week(self):
        # Sunday 12 .. Saturday 18 January 2025.
        expected = {12: [], 13: [], 14: [], 15: [], 16: [], 17: ["non-working-day"], 18: ["non-working-day"]}
        for day, want in expected.items():
            assert codes(warnings_for(at(day, 9), at(day, 10))) == want, day

    def test_other_working_week(self):
        # A cycle elsewhere working Monday–Friday: Friday is fine, Sunday is not.
        week = ["monday", "tuesday", "wednesday", "thursday", "friday"]
        assert warnings_for(at(10, 9), at(10, 13), working_days=week) == []
        assert codes(warnings_for(at(12, 9), at(12, 13), working_days=week)) == ["non-working-day"]

    def test_listed_holiday(self):
        holidays = [{"date": "2025-03-31", "name": "Eid al-Fitr"}]
        found = warnings_for(at(31, 9, month=3), at(31, 13, month=3), holidays=holidays)  # a Monday
        assert codes(found) == ["holiday"]
        assert "Eid al-Fitr" in found[0]["message"]

    def test_holiday_given_as_a_date_object(self):
        holidays = [{"date": date(2025, 3, 31), "name": "Eid al-Fitr"}]
        assert codes(warnings_for(at(31, 9, month=3), at(31, 13, month=3), holidays=holidays)) == ["holiday"]

    def test_holiday_on_a_weekend_gives_both_warnings(self):
        holidays = [{"date": "2025-01-10", "name": "Invented holiday"}]
        assert sorted(codes(warnings_for(at(10, 9), at(10, 13), holidays=holidays))) == ["holiday", "non-working-day"]

    def test_other_days_are_not_holidays(self):
        holidays = [{"date": "2025-03-31", "name": "Eid al-Fitr"}]
        assert warnings_for(at(1, 9, month=4), at(1, 13, month=4), holidays=holidays) == []

    def test_outside_the_cycle(self):
        found = warnings_for(at(5, 9, year=2027), at(5, 13, year=2027))  # a Tuesday after the cycle
        assert codes(found) == ["outside-cycle"]
        assert codes(warnings_for(at(12, 9, month=5, year=2024), at(12, 13, month=5, year=2024))) == [
            "outside-cycle"
        ]  # a Sunday before

    def test_first_and_last_days_of_the_cycle_are_inside(self):
        # Sunday 2 June 2024 and Thursday 31 December 2026 are working days at the cycle's edges.
        assert (
            warnings_for(at(2, 9, month=6, year=2024), at(2, 10, month=6, year=2024), starts_on=date(2024, 6, 2)) == []
        )
        assert warnings_for(at(31, 9, month=12, year=2026), at(31, 10, month=12, year=2026)) == []

    def test_utc_time_on_the_next_local_day(self):
        # Thursday 9 January 22:00Z is Friday 10 January 01:00 in Baghdad: a non-working day,
        # although the UTC date is a Thursday.
        found = warnings_for(at(9, 22, tz=UTC), at(9, 23, tz=UTC))
        assert codes(found) == ["non-working-day"]
        assert "2025-01-10" in found[0]["message"]

    def test_utc_time_on_a_local_working_day(self):
        # Saturday 11 January 21:30Z is Sunday 12 January 00:30 in Baghdad: a working day.
        assert warnings_for(at(11, 21, 30, tz=UTC), at(11, 23, tz=UTC)) == []

    def test_utc_time_on_a_local_holiday(self):
        holidays = [{"date": "2025-03-31", "name": "Eid al-Fitr"}]
        # 30 March 21:00Z is 31 March 00:00 in Baghdad.
        assert codes(warnings_for(at(30, 21, month=3, tz=UTC), at(30, 23, month=3, tz=UTC), holidays=holidays)) == [
            "holiday"
        ]

    def test_utc_time_after_the_cycle_locally(self):
        # 31 December 2026 22:00Z is 1 January 2027 01:00 in Baghdad: outside a cycle ending 2026-12-31
        # (and a Friday).
        found = warnings_for(at(31, 22, month=12, year=2026, tz=UTC), at(31, 23, month=12, year=2026, tz=UTC))
        assert sorted(codes(found)) == ["non-working-day", "outside-cycle"]

    def test_multi_day_session_warns_for_each_day(self):
        # Thursday 09:00 to Saturday 13:00: Friday and Saturday each warn.
        found = warnings_for(at(9, 9), at(11, 13))
        assert codes(found) == ["non-working-day", "non-working-day"]
        assert "2025-01-10" in found[0]["message"] and "2025-01-11" in found[1]["message"]

    def test_session_ending_at_local_midnight_does_not_touch_the_next_day(self):
        # Thursday 20:00 to Friday 00:00 (local): the end is exclusive, Friday is not used.
        assert warnings_for(at(9, 20), at(10, 0)) == []
        # One minute more and Friday is used.
        assert codes(warnings_for(at(9, 20), at(10, 0, 1))) == ["non-working-day"]


def test_first_day_before_the_cycle_precisely():
    found = warnings_for(at(1, 9, month=6, year=2024), at(1, 10, month=6, year=2024), starts_on=date(2024, 6, 2))
    # Saturday 1 June 2024: a non-working day, and the day before the cycle starts.
    assert sorted(codes(found)) == ["non-working-day", "outside-cycle"]


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (at(12, 9), at(12, 13), [date(2025, 1, 12)]),
        (at(12, 21, tz=UTC), at(12, 22, tz=UTC), [date(2025, 1, 13)]),
        (at(12, 20, tz=UTC), at(12, 21, tz=UTC), [date(2025, 1, 12)]),  # ends 00:00 local: exclusive
        (at(9, 9), at(11, 13), [date(2025, 1, 9), date(2025, 1, 10), date(2025, 1, 11)]),
    ],
)
def test_local_dates(start, end, expected):
    from zoneinfo import ZoneInfo

    assert local_dates(start, end, ZoneInfo("Asia/Baghdad")) == expected
