"""The iCalendar renderer, checked with two independent parsers (icalendar and vobject)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import vobject
from icalendar import Calendar

from domain.calendar.ics import FeedEvent, FeedMeta, event_uid, render, sequence

UTC = UTC


def event(**overrides) -> FeedEvent:
    values = dict(
        uid=event_uid("0190e1a2-0000-7000-8000-000000000001"),
        starts_at=datetime(2025, 2, 2, 6, 0, tzinfo=UTC),
        ends_at=datetime(2025, 2, 2, 10, 0, tzinfo=UTC),
        time_zone="Asia/Baghdad",
        summary="ILP-1: Opening",
        description="Intelligence-led policing\nFormat: Course",
        location="Training hall A, Baghdad",
        sequence=0,
        last_modified=datetime(2025, 1, 10, 8, 30, 15, 123456, tzinfo=UTC),
    )
    return FeedEvent(**(values | overrides))


def parse(body: bytes) -> Calendar:
    cal = Calendar.from_ical(body)
    vobject.readOne(body.decode("utf-8"), validate=True)  # the second, independent parser
    return cal


def test_a_session_in_the_cycles_zone_with_its_vtimezone():
    cal = parse(
        render(FeedMeta(name="Cycle", home_zone="Asia/Baghdad", span=(date(2024, 6, 1), date(2026, 12, 31))), [event()])
    )
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//Tadrib//")
    assert [tz.tz_name for tz in cal.timezones] == ["Asia/Baghdad"]
    (ev,) = cal.events
    assert ev["DTSTART"].params["TZID"] == "Asia/Baghdad"
    assert ev.start == datetime(2025, 2, 2, 9, 0, tzinfo=ev.start.tzinfo)  # 06:00 UTC is 09:00 in Baghdad (UTC+3)
    assert ev.start.utcoffset() == timedelta(hours=3)
    assert ev.end - ev.start == timedelta(hours=4)
    assert str(ev["UID"]) == "0190e1a2-0000-7000-8000-000000000001@tadrib"
    assert ev["SEQUENCE"] == 0 and str(ev["STATUS"]) == "CONFIRMED"
    # No METHOD: DTSTAMP is when the event was last revised, like LAST-MODIFIED (whole seconds, UTC).
    assert "METHOD" not in cal
    assert ev["DTSTAMP"].dt == ev["LAST-MODIFIED"].dt == datetime(2025, 1, 10, 8, 30, 15, tzinfo=UTC)
    assert str(ev["LOCATION"]) == "Training hall A, Baghdad"


def test_a_zone_with_daylight_saving_gets_both_rules_and_the_right_local_time():
    summer = event(
        time_zone="Europe/Madrid",
        starts_at=datetime(2025, 7, 1, 7, tzinfo=UTC),
        ends_at=datetime(2025, 7, 1, 9, tzinfo=UTC),
    )
    winter = event(
        uid="w@tadrib",
        time_zone="Europe/Madrid",
        starts_at=datetime(2025, 1, 15, 8, tzinfo=UTC),
        ends_at=datetime(2025, 1, 15, 10, tzinfo=UTC),
    )
    body = render(FeedMeta(name="Trainer"), [winter, summer])
    cal = parse(body)
    (madrid,) = cal.timezones
    assert {c.name for c in madrid.subcomponents} == {"STANDARD", "DAYLIGHT"}
    starts = {str(e["UID"]): e.start for e in cal.events}
    assert (starts["w@tadrib"].hour, starts["w@tadrib"].utcoffset()) == (9, timedelta(hours=1))
    assert (starts[summer.uid].hour, starts[summer.uid].utcoffset()) == (9, timedelta(hours=2))


def test_two_zones_two_vtimezones():
    cal = parse(render(FeedMeta(name="Officer"), [event(), event(uid="b@tadrib", time_zone="Europe/Brussels")]))
    assert sorted(tz.tz_name for tz in cal.timezones) == ["Asia/Baghdad", "Europe/Brussels"]


def test_an_empty_feed_is_still_a_valid_calendar():
    # RFC 5545 3.6: a calendar has at least one component; an empty feed carries its zone.
    cal = parse(render(FeedMeta(name="Nothing yet", home_zone="Asia/Baghdad"), [], today=date(2025, 3, 1)))
    assert [tz.tz_name for tz in cal.timezones] == ["Asia/Baghdad"] and cal.events == []
    cal = parse(render(FeedMeta(name="Nothing yet"), [], today=date(2025, 3, 1)))
    assert len(cal.timezones) == 1 and cal.events == []


def test_an_unknown_zone_falls_back_to_utc():
    (ev,) = parse(render(FeedMeta(name="x"), [event(time_zone="Mars/Olympus_Mons")])).events
    assert ev.start == datetime(2025, 2, 2, 6, tzinfo=UTC)


def test_cancelled_events_are_marked_and_free():
    (ev,) = parse(render(FeedMeta(name="x"), [event(status="CANCELLED", sequence=3)])).events
    assert str(ev["STATUS"]) == "CANCELLED" and str(ev["TRANSP"]) == "TRANSPARENT" and ev["SEQUENCE"] == 3


def test_text_is_escaped_folded_and_utf8():
    title = "التحليل الجنائي الرقمي; evidence, methods\nday two " + "x" * 120
    body = render(FeedMeta(name="دورة"), [event(summary=title, location="قاعة التدريب، بغداد")])
    lines = body.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)  # CRLF, folded at 75 octets
    (ev,) = parse(body).events
    assert str(ev["SUMMARY"]) == title and str(ev["LOCATION"]) == "قاعة التدريب، بغداد"


def test_the_same_rows_give_the_same_bytes():
    meta = FeedMeta(name="Cycle", home_zone="Asia/Baghdad", span=(date(2024, 6, 1), date(2026, 12, 31)))
    assert render(meta, [event()]) == render(meta, [event()])


def test_sequence_follows_the_version_and_cancellation():
    assert sequence(1, cancelled=False) == 0
    assert sequence(4, cancelled=False) == 3
    assert sequence(4, cancelled=True) == 4
