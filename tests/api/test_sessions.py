"""Sessions through HTTP: timezone-aware times stored in UTC, double bookings of venues and
trainers (409 listing every conflict, or kept with a written override), calendar warnings of
an Asia/Baghdad cycle, If-Match, paging and a constant statement count.

Calendar used (cycle 2024-06-01 to 2026-12-31, Sunday–Thursday, holiday 2025-03-31):
Sunday 12 January 2025 is a working day, Friday 10 and Saturday 11 January are the weekend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.api.catalogue_data import (  # noqa: F401  (fixtures)
    assert_problem,
    cycle,
    disciplines,
    error_fields,
    make_module,
    make_trainer,
    make_venue,
    programme,
    session_body,
    transition,
    unknown_id,
)

UTC = UTC


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
async def module(client, cycle) -> dict:
    return await make_module(client, cycle["id"], "ILP-01", title="Intelligence-Led Policing")


@pytest.fixture
async def other_module(client, cycle) -> dict:
    return await make_module(client, cycle["id"], "OSINT-01", title="Social-media analysis", discipline="osint")


@pytest.fixture
async def venue(client) -> dict:
    return await make_venue(client, "Joint Coordination Center, hall 1 (test)")


@pytest.fixture
async def other_venue(client) -> dict:
    return await make_venue(client, "Police college, room 4 (test)")


@pytest.fixture
async def trainers(client) -> list[dict]:
    return [
        await make_trainer(client, name, org)
        for name, org in [
            ("Ana Ejemplo Prueba", "Test police academy ES"),
            ("Jan Voorbeeld", "Test federal police BE"),
            ("Eva Musterfrau", "Test agency EU"),
        ]
    ]


async def post_session(client, module_id: str, body: dict):
    return await client.post(f"/modules/{module_id}/sessions", json=body)


async def create_session(client, module_id: str, starts_at: str, ends_at: str, **kwargs) -> dict:
    r = await post_session(client, module_id, session_body(starts_at, ends_at, **kwargs))
    assert r.status_code == 201, r.text
    return r.json()


async def stored_sessions(client, module_id: str) -> list[dict]:
    r = await client.get(f"/modules/{module_id}/sessions", params={"limit": 200})
    assert r.status_code == 200, r.text
    return r.json()["items"]


# --- create and read ------------------------------------------------------------------------


async def test_create_session_201(client, module, venue, trainers):
    body = session_body(
        "2025-01-12T09:00:00+03:00",
        "2025-01-12T13:00:00+03:00",
        venue=venue,
        trainers=trainers[:2],
        title="Risk analysis, day 1",
    )
    r = await post_session(client, module["id"], body)
    assert r.status_code == 201, r.text
    s = r.json()
    assert r.headers["etag"] == '"1"'
    assert r.headers["location"] == f"http://test/api/v1/sessions/{s['id']}"
    assert s["module_id"] == module["id"]
    assert s["title"] == "Risk analysis, day 1"
    assert s["venue_id"] == venue["id"]
    assert sorted(s["trainer_ids"]) == sorted(t["id"] for t in trainers[:2])
    assert s["override_reason"] is None
    assert s["warnings"] == []  # a Sunday, a working day in Iraq, inside the cycle

    r = await client.get(f"/sessions/{s['id']}")
    assert r.status_code == 200
    assert r.headers["etag"] == '"1"'
    got = r.json()
    for field in ("id", "module_id", "title", "venue_id", "override_reason", "version"):
        assert got[field] == s[field], field
    assert sorted(got["trainer_ids"]) == sorted(s["trainer_ids"])


async def test_times_are_returned_in_utc_and_equal_the_instant_sent(client, module):
    s = await create_session(client, module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T13:30:00+03:00")
    listed = next(x for x in await stored_sessions(client, module["id"]) if x["id"] == s["id"])
    fetched = (await client.get(f"/sessions/{s['id']}")).json()
    for got in (s, fetched, listed):
        starts_at, ends_at = utc(got["starts_at"]), utc(got["ends_at"])
        assert starts_at.utcoffset() == timedelta(0), got["starts_at"]
        assert ends_at.utcoffset() == timedelta(0), got["ends_at"]
        assert starts_at == datetime(2025, 1, 12, 6, 0, tzinfo=UTC)  # 09:00+03:00 == 06:00Z
        assert ends_at == datetime(2025, 1, 12, 10, 30, tzinfo=UTC)


async def test_naive_datetime_is_422_naming_the_field(client, module):
    r = await post_session(client, module["id"], session_body("2025-01-12T09:00:00", "2025-01-12T13:00:00+03:00"))
    body = assert_problem(r, 422, "/problems/validation-error")
    assert error_fields(body) == {"starts_at"}
    r = await post_session(client, module["id"], session_body("2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00"))
    assert error_fields(assert_problem(r, 422)) == {"ends_at"}
    assert await stored_sessions(client, module["id"]) == []


@pytest.mark.parametrize("ends_at", ["2025-01-12T08:00:00+03:00", "2025-01-12T09:00:00+03:00", "2025-01-12T06:00:00Z"])
async def test_ending_before_or_at_the_start_is_422(client, module, ends_at):
    r = await post_session(client, module["id"], session_body("2025-01-12T09:00:00+03:00", ends_at))
    body = assert_problem(r, 422, "/problems/validation-error")
    assert "ends_at" in error_fields(body)
    assert await stored_sessions(client, module["id"]) == []


async def test_malformed_datetime_is_422(client, module):
    r = await post_session(client, module["id"], session_body("12/01/2025 9am", "2025-01-12T13:00:00+03:00"))
    assert "starts_at" in error_fields(assert_problem(r, 422))


async def test_unknown_trainer_is_422(client, module, trainers):
    missing = unknown_id()
    r = await post_session(
        client,
        module["id"],
        session_body(
            "2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00", trainer_ids=[trainers[0]["id"], missing]
        ),
    )
    body = assert_problem(r, 422, "/problems/validation-error")
    assert "trainer_ids" in error_fields(body)
    assert missing in " ".join(e["message"] for e in body["errors"])
    assert await stored_sessions(client, module["id"]) == []


async def test_unknown_venue_is_422(client, module):
    r = await post_session(
        client,
        module["id"],
        session_body("2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00", venue_id=unknown_id()),
    )
    assert "venue_id" in error_fields(assert_problem(r, 422))


async def test_unknown_module_is_404(client, disciplines):
    r = await post_session(client, unknown_id(), session_body("2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00"))
    assert_problem(r, 404, "/problems/not-found")
    assert_problem(await client.get(f"/modules/{unknown_id()}/sessions"), 404, "/problems/not-found")
    assert_problem(await client.get(f"/sessions/{unknown_id()}"), 404, "/problems/not-found")


# --- double bookings ------------------------------------------------------------------------


async def test_same_venue_overlapping_is_409_naming_the_other_session(client, module, other_module, venue):
    first = await create_session(
        client, module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00", venue=venue, title="ILP day 1"
    )
    r = await post_session(
        client,
        other_module["id"],
        session_body("2025-01-12T12:00:00+03:00", "2025-01-12T15:00:00+03:00", venue=venue, title="OSINT day 1"),
    )
    body = assert_problem(r, 409, "/problems/schedule-conflict")
    assert len(body["conflicts"]) == 1
    conflict = body["conflicts"][0]
    assert conflict["session"]["id"] == first["id"]
    assert conflict["session"]["title"] == "ILP day 1"
    assert utc(conflict["session"]["starts_at"]) == utc(first["starts_at"])
    assert conflict["module"]["id"] == module["id"] and conflict["module"]["code"] == "ILP-01"
    assert conflict["resource"] == {"kind": "venue", "id": venue["id"], "name": venue["name"]}
    assert await stored_sessions(client, other_module["id"]) == []


async def test_same_module_overlapping_in_the_same_venue_is_409(client, module, venue):
    await create_session(client, module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00", venue=venue)
    r = await post_session(
        client, module["id"], session_body("2025-01-12T10:00:00+03:00", "2025-01-12T11:00:00+03:00", venue=venue)
    )
    assert_problem(r, 409, "/problems/schedule-conflict")


async def test_shared_trainer_is_409(client, module, other_module, venue, other_venue, trainers):
    first = await create_session(
        client,
        module["id"],
        "2025-01-12T09:00:00+03:00",
        "2025-01-12T13:00:00+03:00",
        venue=venue,
        trainers=[trainers[0], trainers[1]],
    )
    # Another venue, but trainer 1 is already teaching then; trainer 2 is free.
    r = await post_session(
        client,
        other_module["id"],
        session_body(
            "2025-01-12T10:00:00+03:00",
            "2025-01-12T11:00:00+03:00",
            venue=other_venue,
            trainers=[trainers[1], trainers[2]],
        ),
    )
    body = assert_problem(r, 409, "/problems/schedule-conflict")
    assert len(body["conflicts"]) == 1
    conflict = body["conflicts"][0]
    assert conflict["resource"] == {"kind": "trainer", "id": trainers[1]["id"], "name": trainers[1]["name"]}
    assert conflict["session"]["id"] == first["id"]
    assert conflict["module"]["code"] == "ILP-01"


async def test_venue_and_trainer_both_clash(client, module, other_module, venue, trainers):
    first = await create_session(
        client,
        module["id"],
        "2025-01-12T09:00:00+03:00",
        "2025-01-12T13:00:00+03:00",
        venue=venue,
        trainers=[trainers[0]],
    )
    r = await post_session(
        client,
        other_module["id"],
        session_body("2025-01-12T06:30:00Z", "2025-01-12T07:30:00Z", venue=venue, trainers=[trainers[0]]),
    )
    body = assert_problem(r, 409, "/problems/schedule-conflict")
    assert sorted((c["resource"]["kind"], c["resource"]["name"]) for c in body["conflicts"]) == [
        ("trainer", trainers[0]["name"]),
        ("venue", venue["name"]),
    ]
    assert {c["session"]["id"] for c in body["conflicts"]} == {first["id"]}


async def test_every_conflict_is_listed(client, module, other_module, venue, other_venue, trainers):
    morning = await create_session(
        client, module["id"], "2025-01-12T08:00:00+03:00", "2025-01-12T10:00:00+03:00", venue=venue
    )
    noon = await create_session(
        client,
        other_module["id"],
        "2025-01-12T11:00:00+03:00",
        "2025-01-12T13:00:00+03:00",
        venue=other_venue,
        trainers=[trainers[0], trainers[1]],
    )
    r = await post_session(
        client,
        other_module["id"],
        session_body(
            "2025-01-12T09:00:00+03:00",
            "2025-01-12T12:00:00+03:00",
            venue=venue,
            trainers=[trainers[0], trainers[1], trainers[2]],
        ),
    )
    body = assert_problem(r, 409, "/problems/schedule-conflict")
    found = sorted(
        (c["session"]["id"], c["module"]["code"], c["resource"]["kind"], c["resource"]["id"]) for c in body["conflicts"]
    )
    assert found == sorted(
        [
            (morning["id"], "ILP-01", "venue", venue["id"]),
            (noon["id"], "OSINT-01", "trainer", trainers[0]["id"]),
            (noon["id"], "OSINT-01", "trainer", trainers[1]["id"]),
        ]
    )


async def test_adjacent_sessions_do_not_clash(client, module, other_module, venue, trainers):
    await create_session(
        client, module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T12:00:00+03:00", venue=venue, trainers=trainers
    )
    # Starts exactly when the first ends (12:00+03:00 == 09:00Z), and ends exactly when it starts.
    after = await create_session(
        client, other_module["id"], "2025-01-12T09:00:00Z", "2025-01-12T11:00:00Z", venue=venue, trainers=trainers
    )
    before = await create_session(
        client,
        other_module["id"],
        "2025-01-12T07:00:00+03:00",
        "2025-01-12T09:00:00+03:00",
        venue=venue,
        trainers=trainers,
    )
    assert after["warnings"] == [] and before["warnings"] == []


async def test_same_wall_clock_in_another_offset_is_not_a_clash(client, module, other_module, venue):
    await create_session(client, module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T11:00:00+03:00", venue=venue)
    # 09:00Z–11:00Z is 12:00–14:00 in Baghdad.
    await create_session(client, other_module["id"], "2025-01-12T09:00:00Z", "2025-01-12T11:00:00Z", venue=venue)


async def test_override_reason_keeps_the_double_booking(client, module, other_module, venue, trainers):
    await create_session(
        client,
        module["id"],
        "2025-01-12T09:00:00+03:00",
        "2025-01-12T13:00:00+03:00",
        venue=venue,
        trainers=[trainers[0]],
    )
    reason = "Joint opening plenary: both modules share the hall and the lead expert."
    r = await post_session(
        client,
        other_module["id"],
        session_body(
            "2025-01-12T09:00:00+03:00",
            "2025-01-12T10:00:00+03:00",
            venue=venue,
            trainers=[trainers[0]],
            override_reason=reason,
        ),
    )
    assert r.status_code == 201, r.text
    s = r.json()
    overridden = [w for w in s["warnings"] if w["code"] == "double-booking-overridden"]
    assert len(overridden) == 2  # the venue and the trainer
    assert all(w["message"] for w in overridden)
    assert s["override_reason"] == reason
    assert (await client.get(f"/sessions/{s['id']}")).json()["override_reason"] == reason


async def test_blank_override_reason_does_not_override(client, module, other_module, venue):
    await create_session(client, module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00", venue=venue)
    r = await post_session(
        client,
        other_module["id"],
        session_body("2025-01-12T09:00:00+03:00", "2025-01-12T10:00:00+03:00", venue=venue, override_reason="   "),
    )
    assert_problem(r, 409, "/problems/schedule-conflict")


async def test_sessions_of_a_cancelled_module_do_not_clash(client, module, other_module, venue, trainers):
    await create_session(
        client,
        module["id"],
        "2025-01-12T09:00:00+03:00",
        "2025-01-12T13:00:00+03:00",
        venue=venue,
        trainers=[trainers[0]],
    )
    r = await transition(client, module["id"], "cancelled", "Partner agency withdrew")
    assert r.status_code == 200, r.text
    s = await create_session(
        client,
        other_module["id"],
        "2025-01-12T09:00:00+03:00",
        "2025-01-12T13:00:00+03:00",
        venue=venue,
        trainers=[trainers[0]],
    )
    assert s["warnings"] == []
    assert s["override_reason"] is None


async def test_sessions_of_a_postponed_module_still_clash(client, module, other_module, venue):
    await create_session(client, module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00", venue=venue)
    assert (await transition(client, module["id"], "postponed", "Waiting for the Eid dates")).status_code == 200
    r = await post_session(
        client, other_module["id"], session_body("2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00", venue=venue)
    )
    assert_problem(r, 409, "/problems/schedule-conflict")


async def test_no_new_sessions_in_a_cancelled_module(client, module):
    assert (await transition(client, module["id"], "cancelled", "Budget cut")).status_code == 200
    r = await post_session(client, module["id"], session_body("2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00"))
    body = assert_problem(r, 409, "/problems/module-closed")
    assert "cancelled" in body["detail"]


# --- calendar warnings ----------------------------------------------------------------------


def warning_codes(session: dict) -> list[str]:
    return [w["code"] for w in session["warnings"]]


@pytest.mark.parametrize("day", ["2025-01-10", "2025-01-11"], ids=["friday", "saturday"])
async def test_weekend_session_is_saved_with_a_warning(client, module, day):
    s = await create_session(client, module["id"], f"{day}T09:00:00+03:00", f"{day}T13:00:00+03:00")
    assert warning_codes(s) == ["non-working-day"]
    assert day in s["warnings"][0]["message"]
    assert (await client.get(f"/sessions/{s['id']}")).status_code == 200


async def test_utc_time_on_a_local_friday_warns(client, module):
    # Thursday 9 January 22:00Z is Friday 10 January 01:00 in Baghdad.
    s = await create_session(client, module["id"], "2025-01-09T22:00:00Z", "2025-01-09T23:00:00Z")
    assert warning_codes(s) == ["non-working-day"]


async def test_holiday_session_is_saved_with_a_warning(client, module):
    s = await create_session(client, module["id"], "2025-03-31T09:00:00+03:00", "2025-03-31T13:00:00+03:00")  # a Monday
    assert warning_codes(s) == ["holiday"]
    assert "Eid al-Fitr" in s["warnings"][0]["message"]


async def test_holiday_added_later_is_taken_into_account(client, cycle, module):
    # Eid dates are announced shortly before: the coordinator adds one, the next session warns.
    r = await client.patch(
        f"/cycles/{cycle['id']}", json={"holidays": [*cycle["holidays"], {"date": "2025-06-08", "name": "Eid al-Adha"}]}
    )
    assert r.status_code == 200, r.text
    s = await create_session(client, module["id"], "2025-06-08T09:00:00+03:00", "2025-06-08T13:00:00+03:00")  # a Sunday
    assert warning_codes(s) == ["holiday"]


async def test_session_outside_the_cycle_is_saved_with_a_warning(client, module):
    s = await create_session(
        client, module["id"], "2027-01-05T09:00:00+03:00", "2027-01-05T13:00:00+03:00"
    )  # a Tuesday
    assert warning_codes(s) == ["outside-cycle"]


async def test_moving_a_session_recomputes_its_warnings(client, module):
    s = await create_session(client, module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00")
    r = await client.patch(
        f"/sessions/{s['id']}", json={"starts_at": "2025-01-10T09:00:00+03:00", "ends_at": "2025-01-10T13:00:00+03:00"}
    )
    assert r.status_code == 200, r.text
    assert warning_codes(r.json()) == ["non-working-day"]


# --- update and delete ----------------------------------------------------------------------


async def test_patch_moves_a_session(client, module, venue, trainers):
    s = await create_session(
        client,
        module["id"],
        "2025-01-12T09:00:00+03:00",
        "2025-01-12T13:00:00+03:00",
        venue=venue,
        trainers=[trainers[0]],
    )
    r = await client.patch(
        f"/sessions/{s['id']}",
        json={
            "starts_at": "2025-01-13T09:00:00+03:00",
            "ends_at": "2025-01-13T12:00:00+03:00",
            "trainer_ids": [trainers[1]["id"]],
        },
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    moved = r.json()
    assert utc(moved["starts_at"]) == datetime(2025, 1, 13, 6, tzinfo=UTC)
    assert utc(moved["starts_at"]).utcoffset() == timedelta(0)
    assert moved["trainer_ids"] == [trainers[1]["id"]]
    got = (await client.get(f"/sessions/{s['id']}")).json()
    assert utc(got["ends_at"]) == datetime(2025, 1, 13, 9, tzinfo=UTC)
    assert got["trainer_ids"] == [trainers[1]["id"]] and got["version"] == 2


async def test_patch_without_moving_does_not_clash_with_itself(client, module, venue, trainers):
    s = await create_session(
        client, module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00", venue=venue, trainers=trainers
    )
    r = await client.patch(f"/sessions/{s['id']}", json={"title": "Renamed", "ends_at": "2025-01-12T14:00:00+03:00"})
    assert r.status_code == 200, r.text
    assert r.json()["warnings"] == []


async def test_patch_into_a_clash_is_409_and_changes_nothing(
    client, module, other_module, venue, other_venue, trainers
):
    busy = await create_session(
        client,
        module["id"],
        "2025-01-12T09:00:00+03:00",
        "2025-01-12T13:00:00+03:00",
        venue=venue,
        trainers=[trainers[0]],
    )
    s = await create_session(
        client,
        other_module["id"],
        "2025-01-13T09:00:00+03:00",
        "2025-01-13T13:00:00+03:00",
        venue=other_venue,
        trainers=[trainers[1]],
    )
    before = (await client.get(f"/sessions/{s['id']}")).json()

    # Moving it onto the busy slot in the busy venue.
    r = await client.patch(
        f"/sessions/{s['id']}",
        json={
            "starts_at": "2025-01-12T10:00:00+03:00",
            "ends_at": "2025-01-12T11:00:00+03:00",
            "venue_id": venue["id"],
        },
        headers={"If-Match": '"1"'},
    )
    body = assert_problem(r, 409, "/problems/schedule-conflict")
    assert [(c["session"]["id"], c["resource"]["kind"]) for c in body["conflicts"]] == [(busy["id"], "venue")]

    # Moving it in time only, and adding the busy trainer.
    r = await client.patch(
        f"/sessions/{s['id']}",
        json={
            "starts_at": "2025-01-12T10:00:00+03:00",
            "ends_at": "2025-01-12T11:00:00+03:00",
            "trainer_ids": [trainers[0]["id"], trainers[1]["id"]],
        },
    )
    body = assert_problem(r, 409, "/problems/schedule-conflict")
    assert [(c["resource"]["kind"], c["resource"]["id"]) for c in body["conflicts"]] == [("trainer", trainers[0]["id"])]

    after = await client.get(f"/sessions/{s['id']}")
    assert after.headers["etag"] == '"1"'
    assert after.json() == before


async def test_patch_ending_before_start_is_422(client, module):
    s = await create_session(client, module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00")
    r = await client.patch(f"/sessions/{s['id']}", json={"ends_at": "2025-01-12T08:00:00+03:00"})
    assert "ends_at" in error_fields(assert_problem(r, 422))
    r = await client.patch(f"/sessions/{s['id']}", json={"starts_at": "2025-01-12T09:00:00"})
    assert "starts_at" in error_fields(assert_problem(r, 422))
    assert (await client.get(f"/sessions/{s['id']}")).json()["version"] == 1


async def test_patch_with_stale_if_match_is_412(client, module):
    s = await create_session(client, module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00")
    r = await client.patch(f"/sessions/{s['id']}", json={"title": "First edit"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.headers["etag"] == '"2"'
    r = await client.patch(f"/sessions/{s['id']}", json={"title": "Lost update"}, headers={"If-Match": '"1"'})
    assert_problem(r, 412, "/problems/precondition-failed")
    assert (await client.get(f"/sessions/{s['id']}")).json()["title"] == "First edit"


async def test_override_on_patch_keeps_the_move(client, module, other_module, venue):
    await create_session(client, module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00", venue=venue)
    s = await create_session(
        client, other_module["id"], "2025-01-13T09:00:00+03:00", "2025-01-13T13:00:00+03:00", venue=venue
    )
    r = await client.patch(
        f"/sessions/{s['id']}",
        json={
            "starts_at": "2025-01-12T09:00:00+03:00",
            "ends_at": "2025-01-12T10:00:00+03:00",
            "override_reason": "Shared opening in the main hall",
        },
    )
    assert r.status_code == 200, r.text
    assert "double-booking-overridden" in warning_codes(r.json())
    assert (await client.get(f"/sessions/{s['id']}")).json()["override_reason"] == "Shared opening in the main hall"


async def test_delete_session(client, module, other_module, venue):
    s = await create_session(
        client, module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00", venue=venue
    )
    assert_problem(await client.delete(f"/sessions/{s['id']}", headers={"If-Match": '"5"'}), 412)
    r = await client.delete(f"/sessions/{s['id']}")
    assert r.status_code == 204
    assert_problem(await client.get(f"/sessions/{s['id']}"), 404)
    assert await stored_sessions(client, module["id"]) == []
    # The slot is free again.
    await create_session(
        client, other_module["id"], "2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00", venue=venue
    )


async def test_a_trainer_or_venue_in_use_cannot_be_deleted(client, module, venue, trainers):
    await create_session(
        client,
        module["id"],
        "2025-01-12T09:00:00+03:00",
        "2025-01-12T13:00:00+03:00",
        venue=venue,
        trainers=[trainers[0]],
    )
    assert_problem(await client.delete(f"/trainers/{trainers[0]['id']}"), 409, "/problems/in-use")
    assert_problem(await client.delete(f"/venues/{venue['id']}"), 409, "/problems/in-use")
    assert (await client.delete(f"/trainers/{trainers[2]['id']}")).status_code == 204


# --- listing --------------------------------------------------------------------------------


# Created out of order, several a day (Baghdad times).
SLOTS = [
    ("2025-01-13", "11:00"),
    ("2025-01-12", "13:00"),
    ("2025-01-12", "09:00"),
    ("2025-01-14", "09:00"),
    ("2025-01-12", "11:00"),
    ("2025-01-13", "09:00"),
    ("2025-01-12", "15:00"),
]


async def create_slots(client, module_id: str) -> list[str]:
    for day, time in SLOTS:
        hour = int(time[:2])
        await create_session(
            client, module_id, f"{day}T{time}:00+03:00", f"{day}T{hour + 1:02d}:30:00+03:00", title=f"{day} {time}"
        )
    return sorted(f"{day} {time}" for day, time in SLOTS)


async def test_list_is_ordered_by_start(client, module):
    expected = await create_slots(client, module["id"])
    r = await client.get(f"/modules/{module['id']}/sessions")
    assert r.status_code == 200, r.text
    assert [s["title"] for s in r.json()["items"]] == expected
    assert r.json()["next_cursor"] is None and "link" not in r.headers
    r = await client.get(f"/modules/{module['id']}/sessions", params={"limit": 3})
    assert [s["title"] for s in r.json()["items"]] == expected[:3]
    assert r.json()["next_cursor"] and 'rel="next"' in r.headers["link"]


async def test_list_pages_through_every_session_in_order(client, module):
    expected = await create_slots(client, module["id"])
    seen, cursor, pages = [], None, 0
    while pages < 10:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        r = await client.get(f"/modules/{module['id']}/sessions", params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= 2
        seen += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            assert "link" not in r.headers
            break
        assert 'rel="next"' in r.headers["link"] and cursor in r.headers["link"]
    assert [s["title"] for s in seen] == expected
    assert pages == 4


async def test_list_filters_by_dates(client, module):
    for day in ["2025-01-12", "2025-01-13", "2025-01-14"]:
        await create_session(client, module["id"], f"{day}T09:00:00+03:00", f"{day}T13:00:00+03:00", title=f"Day {day}")
    r = await client.get(
        f"/modules/{module['id']}/sessions",
        params={"starts_from": "2025-01-13T00:00:00+03:00", "starts_to": "2025-01-14T00:00:00+03:00"},
    )
    assert [s["title"] for s in r.json()["items"]] == ["Day 2025-01-13"]
    body = assert_problem(
        await client.get(f"/modules/{module['id']}/sessions", params={"starts_from": "2025-01-13T00:00:00"}), 422
    )
    assert any(f.split(".")[-1] == "starts_from" for f in error_fields(body))


async def test_bad_cursor_and_limit_are_422(client, module):
    assert_problem(await client.get(f"/modules/{module['id']}/sessions", params={"cursor": "not-a-cursor"}), 422)
    assert_problem(await client.get(f"/modules/{module['id']}/sessions", params={"limit": 201}), 422)
    assert_problem(await client.get(f"/modules/{module['id']}/sessions", params={"limit": 0}), 422)


async def test_listing_costs_the_same_statements_whatever_the_page_size(client, module, trainers, statements):
    start = datetime(2025, 1, 12, 6, tzinfo=UTC)
    for i in range(25):
        begins = start + timedelta(hours=2 * i)
        await create_session(
            client,
            module["id"],
            begins.isoformat(),
            (begins + timedelta(hours=1)).isoformat(),
            trainers=[trainers[i % 3], trainers[(i + 1) % 3]],
            title=f"Slot {i:02d}",
        )

    async def count(limit: int) -> int:
        statements.count = 0
        r = await client.get(f"/modules/{module['id']}/sessions", params={"limit": limit})
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert len(items) == limit
        assert all(len(s["trainer_ids"]) == 2 for s in items)
        return statements.count

    small, large = await count(2), await count(20)
    assert small == large, (small, large)
