"""Calendar feeds through HTTP: RFC 5545 validity (icalendar and vobject parse every feed),
stable UIDs, SEQUENCE on moves, scoping, and secret feed URLs.

The world, in the EU–Iraq cycle (Asia/Baghdad): module CAL-A with two sessions (trainer T1 teaches
the first, at venue V), module CAL-B with one session (T2), module CAL-X with one session (T1),
cancelled after officer A was enrolled in it. Officer A (Federal Police) is enrolled in CAL-A and
waitlisted in CAL-B; officer C belongs to the intelligence service. All data is fictional."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
import vobject
from icalendar import Calendar
from sqlalchemy import select, update

from domain.models.audit import AuditEntry
from domain.models.auth import User
from domain.models.enrolment import ChangeCause, Nomination, NominationChange, NominationRole, NominationStatus
from tests.api.catalogue_data import (  # noqa: F401  (fixtures)
    assert_problem,
    cycle,
    disciplines,
    make_module,
    make_trainer,
    make_venue,
    programme,
    session_body,
    transition,
    unknown_id,
)
from tests.api.enrolment_data import agency, officer

BAGHDAD = timezone(timedelta(hours=3))


def parse(r) -> Calendar:
    """Both parsers must accept the feed; returns icalendar's reading."""
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    vobject.readOne(r.content.decode("utf-8"), validate=True)
    cal = Calendar.from_ical(r.content)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"])
    for ev in cal.events:
        assert ev.get("UID") and ev.get("DTSTAMP") and ev.get("SEQUENCE") is not None
        assert ev["DTSTART"].params["TZID"] == ev["DTEND"].params["TZID"] == "Asia/Baghdad"
    assert {tz.tz_name for tz in cal.timezones} >= {ev["DTSTART"].params["TZID"] for ev in cal.events}
    return cal


def by_summary(cal: Calendar) -> dict[str, object]:
    return {str(ev["SUMMARY"]): ev for ev in cal.events}


async def enrol(db, module_id: str, officer_id: str, agency_id: str, status=NominationStatus.enrolled) -> None:
    db.add(
        Nomination(
            module_id=uuid.UUID(module_id),
            officer_id=uuid.UUID(officer_id),
            agency_id=uuid.UUID(agency_id),
            role=NominationRole.participant,
            status=status,
            nominated_by="test",
        )
    )
    await db.flush()


async def add_session(client, module_id: str, day: int, title: str, **kwargs) -> dict:
    start = datetime(2025, 2, day, 9, 0, tzinfo=BAGHDAD)
    r = await client.post(
        f"/modules/{module_id}/sessions",
        json=session_body(start.isoformat(), (start + timedelta(hours=3)).isoformat(), title=title, **kwargs),
    )
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
async def world(client, cycle, programme, db, sign_in):
    venue = await make_venue(client, "Training hall V (test)", "Baghdad")
    t1, t2 = await make_trainer(client, "Trainer One (test)"), await make_trainer(client, "Trainer Two (test)")
    police, inis = await agency(client, "Federal Police (cal)"), await agency(client, "Intelligence Service (cal)")
    a, c = await officer(client, police), await officer(client, inis)
    m_a = await make_module(client, cycle["id"], "CAL-A", title="Intelligence-led policing (test)", format="workshop")
    m_b = await make_module(client, cycle["id"], "CAL-B")
    m_x = await make_module(client, cycle["id"], "CAL-X")
    s1 = await add_session(client, m_a["id"], 2, "Opening", venue=venue, trainers=[t1])
    s2 = await add_session(client, m_a["id"], 3, "Risk analysis")
    s3 = await add_session(client, m_b["id"], 4, "OSINT basics", trainers=[t2])
    s4 = await add_session(client, m_x["id"], 5, "Cancelled day", trainers=[t1])
    await enrol(db, m_a["id"], a, police)
    await enrol(db, m_b["id"], a, police, NominationStatus.waitlisted)
    await enrol(db, m_x["id"], a, police)
    await enrol(db, m_b["id"], c, inis)
    r = await transition(client, m_x["id"], "cancelled", reason="trainers unavailable")
    assert r.status_code == 200, r.text
    return {
        "cycle": cycle,
        "modules": {"a": m_a, "b": m_b, "x": m_x},
        "sessions": {"s1": s1, "s2": s2, "s3": s3, "s4": s4},
        "trainers": {"t1": t1, "t2": t2},
        "officers": {"a": a, "c": c},
        "agencies": {"police": police, "inis": inis},
        "t1": await sign_in("trainer", trainer_id=uuid.UUID(t1["id"])),
        "police_fp": await sign_in("focal_point", agency_id=uuid.UUID(police)),
        "inis_fp": await sign_in("focal_point", agency_id=uuid.UUID(inis)),
        "coordinator": await sign_in("coordinator", programme_ids=[uuid.UUID(programme["id"])]),
        "observer": await sign_in("observer"),
    }


async def test_cycle_feed_is_valid_and_lists_the_sessions_of_live_modules(client, world):
    cal = parse(await client.get(f"/calendar/cycles/{world['cycle']['id']}.ics"))
    assert "Asia/Baghdad" in {tz.tz_name for tz in cal.timezones}
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Baghdad"
    events = by_summary(cal)
    assert set(events) == {"CAL-A: Opening", "CAL-A: Risk analysis", "CAL-B: OSINT basics"}  # CAL-X is cancelled
    opening = events["CAL-A: Opening"]
    assert str(opening["UID"]) == f"{world['sessions']['s1']['id']}@tadrib"
    assert (
        opening.start == datetime(2025, 2, 2, 9, 0, tzinfo=BAGHDAD) and opening.start.hour == 9
    )  # local time, not UTC
    assert opening.end == datetime(2025, 2, 2, 12, 0, tzinfo=BAGHDAD)
    assert str(opening["LOCATION"]) == "Training hall V (test), Baghdad"
    assert str(opening["DESCRIPTION"]) == "Intelligence-led policing (test)\nFormat: Workshop"
    assert str(opening["STATUS"]) == "TENTATIVE" and opening["SEQUENCE"] == 0  # a draft module, never changed
    assert "LOCATION" not in events["CAL-A: Risk analysis"]


async def test_every_signed_in_reader_of_the_plan_gets_the_cycle_feed(world, anonymous):
    url = f"/calendar/cycles/{world['cycle']['id']}.ics"
    for who in ("t1", "police_fp", "coordinator", "observer"):
        assert len(parse(await world[who].get(url)).events) == 3, who
    assert_problem(await anonymous.get(url), 401)
    assert_problem(await world["observer"].get(f"/calendar/cycles/{unknown_id()}.ics"), 404)


async def test_uids_are_stable_and_sequence_rises_when_a_session_moves(client, world):
    url = f"/calendar/cycles/{world['cycle']['id']}.ics"
    first = await client.get(url)
    again = await client.get(url)
    assert first.content == again.content and first.headers["etag"] == again.headers["etag"]
    not_modified = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert not_modified.status_code == 304 and not not_modified.content

    s1 = world["sessions"]["s1"]
    moved = await client.patch(
        f"/sessions/{s1['id']}", json={"starts_at": "2025-02-02T10:00:00+03:00", "ends_at": "2025-02-02T13:00:00+03:00"}
    )
    assert moved.status_code == 200, moved.text
    after = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    before_cal, after_cal = parse(first), parse(after)
    assert {str(e["UID"]) for e in before_cal.events} == {str(e["UID"]) for e in after_cal.events}
    old, new = by_summary(before_cal)["CAL-A: Opening"], by_summary(after_cal)["CAL-A: Opening"]
    assert str(old["UID"]) == str(new["UID"])
    assert new["SEQUENCE"] > old["SEQUENCE"]
    assert new.start == datetime(2025, 2, 2, 10, 0, tzinfo=BAGHDAD)
    assert new["DTSTAMP"].dt >= old["DTSTAMP"].dt
    untouched = "CAL-A: Risk analysis"
    assert by_summary(after_cal)[untouched]["SEQUENCE"] == by_summary(before_cal)[untouched]["SEQUENCE"]

    moved_again = await client.patch(f"/sessions/{s1['id']}", json={"starts_at": "2025-02-02T08:00:00+03:00"})
    assert moved_again.status_code == 200, moved_again.text
    latest = by_summary(parse(await client.get(url)))["CAL-A: Opening"]
    assert latest["SEQUENCE"] > new["SEQUENCE"] and str(latest["UID"]) == str(old["UID"])


async def test_officer_feed_lists_only_modules_they_are_enrolled_in(world, db):
    a = world["officers"]["a"]
    cal = parse(await world["police_fp"].get(f"/calendar/officers/{a}.ics"))
    events = by_summary(cal)
    # CAL-B (waitlisted) is absent; CAL-X was cancelled while A was enrolled: kept, marked cancelled.
    assert set(events) == {"CAL-A: Opening", "CAL-A: Risk analysis", "CAL-X: Cancelled day"}
    cancelled = events["CAL-X: Cancelled day"]
    assert str(cancelled["STATUS"]) == "CANCELLED" and cancelled["SEQUENCE"] == 1
    assert "Asia/Baghdad" in {tz.tz_name for tz in cal.timezones}
    # No name in the file, and the focal point's read of personal data is logged.
    person = (await world["police_fp"].get(f"/officers/{a}")).json()
    raw = (await world["police_fp"].get(f"/calendar/officers/{a}.ics")).text
    assert person["name_latin"] not in raw and person["full_name_ar"] not in raw
    logged = (await db.scalars(select(AuditEntry).where(AuditEntry.entity == "officer_calendar"))).all()
    assert (
        logged and logged[-1].actor_id == world["police_fp"].user_id and logged[-1].changes["filter"]["officer_id"] == a
    )
    c = by_summary(parse(await world["inis_fp"].get(f"/calendar/officers/{world['officers']['c']}.ics")))
    assert set(c) == {"CAL-B: OSINT basics"}


async def test_officer_feed_is_scoped_like_the_officer(client, world):
    url = f"/calendar/officers/{world['officers']['a']}.ics"
    assert len(parse(await client.get(url)).events) == 3
    assert len(parse(await world["coordinator"].get(url)).events) == 3
    hidden = assert_problem(await world["inis_fp"].get(url), 404)  # another agency's officer does not exist for them
    missing = assert_problem(await world["inis_fp"].get(f"/calendar/officers/{unknown_id()}.ics"), 404)
    assert (
        hidden["title"] == missing["title"]
        and hidden["detail"].split(" with id ")[0] == missing["detail"].split(" with id ")[0]
    )
    assert_problem(await world["t1"].get(url), 403)
    assert_problem(await world["observer"].get(url), 403)


async def test_trainer_feed_for_coordinators_and_the_trainer_themself(client, world):
    t1, t2 = world["trainers"]["t1"]["id"], world["trainers"]["t2"]["id"]
    own = by_summary(parse(await world["t1"].get(f"/calendar/trainers/{t1}.ics")))
    assert set(own) == {"CAL-A: Opening", "CAL-X: Cancelled day"}
    assert str(own["CAL-X: Cancelled day"]["STATUS"]) == "CANCELLED"
    assert set(by_summary(parse(await world["coordinator"].get(f"/calendar/trainers/{t2}.ics")))) == {
        "CAL-B: OSINT basics"
    }
    assert_problem(await world["t1"].get(f"/calendar/trainers/{t2}.ics"), 404)  # another trainer's: not found
    assert_problem(await world["police_fp"].get(f"/calendar/trainers/{t1}.ics"), 403)
    assert_problem(await world["observer"].get(f"/calendar/trainers/{t1}.ics"), 403)
    assert_problem(await client.get(f"/calendar/trainers/{unknown_id()}.ics"), 404)


async def test_a_trainer_with_no_sessions_gets_an_empty_valid_calendar(client, world):
    t3 = await make_trainer(client, "Trainer Three (test)")
    r = await client.get(f"/calendar/trainers/{t3['id']}.ics")
    assert r.status_code == 200
    cal = Calendar.from_ical(r.content)
    vobject.readOne(r.text, validate=True)
    assert cal.events == [] and cal.timezones


async def test_a_feed_is_a_constant_number_of_queries(client, world, statements):
    url = f"/calendar/cycles/{world['cycle']['id']}.ics"
    statements.count = 0
    assert len(parse(await client.get(url)).events) == 3
    few = statements.count
    for day in range(10, 20):
        await add_session(client, world["modules"]["b"]["id"], day, f"Extra {day}")
    statements.count = 0
    assert len(parse(await client.get(url)).events) == 13
    assert statements.count == few


async def test_secret_feed_url_works_without_a_token_until_revoked(world, anonymous):
    t1 = world["t1"]
    r = await t1.post("/calendar/feeds", json={"kind": "trainer", "target_id": world["trainers"]["t1"]["id"]})
    assert r.status_code == 201, r.text
    created = r.json()
    # Absolute, for a calendar program to subscribe to: on the URL this client called (no PUBLIC_URL here).
    assert created["url"].startswith("http://test/api/v1/calendar/feeds/") and created["url"].endswith(".ics")
    secret_path = created["url"]
    assert set(by_summary(parse(await anonymous.get(secret_path)))) == {"CAL-A: Opening", "CAL-X: Cancelled day"}
    bearer = await t1.get(f"/calendar/trainers/{world['trainers']['t1']['id']}.ics")
    assert (await anonymous.get(secret_path)).content == bearer.content  # the same calendar as the owner reads it

    listed = (await t1.get("/calendar/feeds")).json()
    assert [f["id"] for f in listed] == [created["id"]]
    assert "url" not in listed[0] and created["url"].split("/")[-1][:-4] not in str(listed)  # the secret is shown once
    assert (await world["coordinator"].get("/calendar/feeds")).json() == []  # only one's own
    assert_problem(await world["coordinator"].delete(f"/calendar/feeds/{created['id']}"), 404)

    assert (await t1.delete(f"/calendar/feeds/{created['id']}")).status_code == 204
    gone = assert_problem(await anonymous.get(secret_path), 404)
    unknown = assert_problem(await anonymous.get("/calendar/feeds/" + "A" * 43 + ".ics"), 404)
    assert gone == unknown
    assert_problem(await anonymous.get("/calendar/feeds/short.ics"), 404)
    assert (await t1.get("/calendar/feeds")).json() == []
    assert_problem(await t1.delete(f"/calendar/feeds/{created['id']}"), 404)


async def test_secret_feed_of_a_disabled_account_is_gone(world, anonymous, db):
    fp = world["police_fp"]
    r = await fp.post("/calendar/feeds", json={"kind": "officer", "target_id": world["officers"]["a"]})
    assert r.status_code == 201, r.text
    path = r.json()["url"]
    assert len(parse(await anonymous.get(path)).events) == 3
    user = await db.get(User, fp.user_id)
    user.disabled = True
    await db.flush()
    assert_problem(await anonymous.get(path), 404)


async def test_secret_feed_follows_what_the_owner_may_read_now(world, anonymous, db):
    fp = world["police_fp"]
    r = await fp.post("/calendar/feeds", json={"kind": "officer", "target_id": world["officers"]["a"]})
    path = r.json()["url"]
    assert (await anonymous.get(path)).status_code == 200
    user = await db.get(User, fp.user_id)
    user.agency_id = uuid.UUID(world["agencies"]["inis"])  # the focal point moves to another agency
    await db.flush()
    assert_problem(await anonymous.get(path), 404)


async def test_no_secret_feed_for_a_calendar_one_cannot_read(world, sign_in, client):
    a = world["officers"]["a"]
    assert_problem(await world["inis_fp"].post("/calendar/feeds", json={"kind": "officer", "target_id": a}), 404)
    t2 = world["trainers"]["t2"]["id"]
    assert_problem(await world["t1"].post("/calendar/feeds", json={"kind": "trainer", "target_id": t2}), 404)
    assert_problem(await world["observer"].post("/calendar/feeds", json={"kind": "officer", "target_id": a}), 403)
    assert_problem(await client.post("/calendar/feeds", json={"kind": "cycle", "target_id": unknown_id()}), 404)
    assert_problem(await client.post("/calendar/feeds", json={"kind": "room", "target_id": unknown_id()}), 422)
    r = await world["observer"].post("/calendar/feeds", json={"kind": "cycle", "target_id": world["cycle"]["id"]})
    assert r.status_code == 201, r.text


async def test_machine_clients_use_their_token_not_secret_urls(client, anonymous, world):
    created = (
        await client.post("/clients", json={"name": "hr-cal", "scopes": ["planning:read", "officers:read"]})
    ).json()
    token = await anonymous.post(
        "/auth/token", data={"grant_type": "client_credentials"}, auth=(created["client_id"], created["client_secret"])
    )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert len(parse(await anonymous.get(f"/calendar/cycles/{world['cycle']['id']}.ics", headers=headers)).events) == 3
    assert (
        len(parse(await anonymous.get(f"/calendar/officers/{world['officers']['a']}.ics", headers=headers)).events) == 3
    )
    refused = await anonymous.post(
        "/calendar/feeds", json={"kind": "cycle", "target_id": world["cycle"]["id"]}, headers=headers
    )
    assert_problem(refused, 403)
    assert_problem(await anonymous.get("/calendar/feeds", headers=headers), 403)


async def test_the_officer_feed_reads_the_withdrawal_cause_not_its_wording(world, db):
    """A module's cancellation withdraws with a structured cause; the reason's wording is free."""
    a = world["officers"]["a"]
    history = NominationChange.nomination_id.in_(select(Nomination.id).where(Nomination.officer_id == uuid.UUID(a)))
    await db.execute(
        update(NominationChange)
        .where(history, NominationChange.cause == ChangeCause.module_cancelled.value)
        .values(reason="reworded by a later release")
    )
    events = by_summary(parse(await world["police_fp"].get(f"/calendar/officers/{a}.ics")))
    assert str(events["CAL-X: Cancelled day"]["STATUS"]) == "CANCELLED"
    await db.execute(update(NominationChange).where(history).values(cause=None))
    events = by_summary(parse(await world["police_fp"].get(f"/calendar/officers/{a}.ics")))
    assert "CAL-X: Cancelled day" not in events
