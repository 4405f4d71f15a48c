"""The messages as people see them through the API: the log by need-to-know, one message as sent,
resend, counts per kind and status, the kinds a coordinator turns off for a cycle, erasure, the
vetting outcome without its reason, and reminders evaluated once, not for a cancelled module."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from domain.db import utcnow
from domain.models.notifications import MessageStatus
from domain.notifications import schedule
from tests.api.catalogue_data import disciplines, programme  # noqa: F401  (fixtures)
from tests.api.enrolment_data import agency, officer
from tests.api.notification_data import enrol, open_for_nominations, stored, world  # noqa: F401
from tests.problems import assert_problem


async def test_the_log_follows_the_need_to_know_of_the_person(client, world, sign_in, db):
    await open_for_nominations(client, world)
    await enrol(client, world, world["arabic"])
    mine = (await world["focal"].get("/messages")).json()["items"]
    # The MoI focal point: the call to them, and the acceptance (the officer's and their copy).
    assert {(m["kind"], m["audience"]) for m in mine} == {
        ("call_for_nominations", "focal_point"),
        ("nomination_accepted", "officer"),
        ("nomination_accepted", "copy"),
    }
    assert all("body" not in m for m in mine)  # the list shows who, what, status; the text is one GET away
    # A filter narrows what the person may see, their own messages included (the need-to-know
    # condition is one term of the WHERE, its OR inside it).
    for kind, audiences in (("call_for_nominations", {"focal_point"}), ("nomination_accepted", {"officer", "copy"})):
        found = (await world["focal"].get("/messages", params={"kind": kind})).json()["items"]
        assert {(m["kind"], m["audience"]) for m in found} == {(kind, a) for a in audiences}
    other_agency = await agency(client, "Mail Other Service")
    stranger = await sign_in("focal_point", agency_id=uuid.UUID(other_agency))
    assert (await stranger.get("/messages")).json()["items"] == []
    assert_problem(await stranger.get(f"/messages/{mine[0]['id']}"), 404, "/problems/not-found")
    outsider = await sign_in("coordinator", programme_ids=[])
    assert (await outsider.get("/messages", params={"module_id": world["module"]["id"]})).json()["items"] == []
    for role in ("trainer", "observer"):
        assert (await (await sign_in(role)).get("/messages")).status_code == 403
    one = (await world["focal"].get(f"/messages/{mine[0]['id']}")).json()
    assert one["body"].endswith("Please do not reply to it.\n")


async def test_a_log_per_person_module_and_cycle(client, world, db):
    await open_for_nominations(client, world)
    await enrol(client, world, world["english"])
    by_officer = (await client.get("/messages", params={"officer_id": world["english"]})).json()["items"]
    assert {(m["kind"], m["audience"]) for m in by_officer} == {
        ("nomination_accepted", "officer"),
        ("nomination_accepted", "copy"),
    }
    by_cycle = (await client.get("/messages", params={"cycle_id": world["cycle"]["id"]})).json()["items"]
    assert len(by_cycle) == len(await stored(db, module_id=world["module"]["id"])) == 4
    first = (await client.get("/messages", params={"module_id": world["module"]["id"], "limit": 2})).json()
    assert "next_cursor" in first and first["next_cursor"], first
    rest = await client.get("/messages", params={"module_id": world["module"]["id"], "cursor": first["next_cursor"]})
    ids = [m["id"] for m in first["items"] + rest.json()["items"]]
    assert len(ids) == len(set(ids)) == 4  # newest first, paged without a gap or a repeat


async def test_resend_makes_a_new_message_with_the_same_text(client, world, db):
    await open_for_nominations(client, world)
    [call] = await stored(db, kind="call_for_nominations")
    r = await client.post(f"/messages/{call.id}/resend")
    assert r.status_code == 201, r.text
    again = r.json()
    assert again["resent_from_id"] == str(call.id) and again["id"] != str(call.id)
    assert again["subject"] == call.subject and again["status"] == "pending" and again["to_address"] == call.to_address
    assert r.headers["location"].endswith(f"/api/v1/messages/{again['id']}")
    assert (await world["focal"].post(f"/messages/{call.id}/resend")).status_code == 403
    assert_problem(await client.post(f"/messages/{uuid.uuid4()}/resend"), 404, "/problems/not-found")


async def test_counts_per_kind_and_status(client, world, db):
    await open_for_nominations(client, world)
    await enrol(client, world, world["arabic"])
    counts = (await client.get("/messages/counts", params={"module_id": world["module"]["id"]})).json()
    assert {(c["kind"], c["status"]): c["count"] for c in counts["counts"]} == {
        ("call_for_nominations", "pending"): 1,
        ("nomination_accepted", "pending"): 2,
        ("trainer_assigned", "pending"): 1,
    }
    assert counts["total"] == 4


async def test_a_coordinator_turns_a_kind_off_for_a_cycle(client, world, db, sign_in):
    cycle = world["cycle"]["id"]
    kinds = (await client.get(f"/cycles/{cycle}/message-kinds")).json()
    assert {k["kind"] for k in kinds} >= {"call_for_nominations", "nomination_accepted", "trainer_roster"}
    assert all(k["enabled"] for k in kinds)
    r = await client.put(f"/cycles/{cycle}/message-kinds/nomination_accepted", json={"enabled": False})
    assert r.status_code == 200 and r.json()["enabled"] is False
    await open_for_nominations(client, world)
    await enrol(client, world, world["arabic"])
    assert await stored(db, kind="nomination_accepted") == []  # off: nothing decided
    assert len(await stored(db, kind="call_for_nominations")) == 1  # the others still go
    on = await client.put(f"/cycles/{cycle}/message-kinds/nomination_accepted", json={"enabled": True})
    assert on.json()["enabled"] is True
    assert_problem(
        await client.put(f"/cycles/{cycle}/message-kinds/no_such_kind", json={"enabled": False}),
        404,
        "/problems/not-found",
    )
    outsider = await sign_in("coordinator", programme_ids=[])
    r = await outsider.put(f"/cycles/{cycle}/message-kinds/nomination_accepted", json={"enabled": False})
    assert r.status_code == 403


async def test_erasure_removes_the_officers_messages(client, world, db):
    await open_for_nominations(client, world)
    await enrol(client, world, world["arabic"])
    assert len(await stored(db, officer_id=world["arabic"])) == 2  # theirs and the copy about them
    r = await client.post(f"/officers/{world['arabic']}/erasure")
    assert r.status_code == 200, r.text
    assert await stored(db, officer_id=world["arabic"]) == []
    assert (await client.get("/messages", params={"officer_id": world["arabic"]})).json()["items"] == []


async def test_a_vetting_outcome_says_its_state_and_never_its_reason(client, world, db):
    today = date.today()
    r = await client.post(
        f"/officers/{world['arabic']}/vettings",
        json={
            "type": "courtesy",
            "requested_on": today.isoformat(),
            "needed_by": (today + timedelta(days=9)).isoformat(),
            "module_id": world["module"]["id"],
        },
    )
    assert r.status_code == 201, r.text
    vetting = r.json()
    r = await client.patch(
        f"/vettings/{vetting['id']}",
        json={"status": "rejected", "result_on": today.isoformat(), "note": "SECRET REASON: named in a report"},
        headers={"If-Match": f'"{vetting["version"]}"'},
    )
    assert r.status_code == 200, r.text
    [outcome] = await stored(db, kind="vetting_outcome")
    assert outcome.user_id == world["focal"].user_id and outcome.audience == "focal_point"
    assert "rejected" in outcome.body and "SECRET" not in outcome.body and "named in" not in outcome.body


async def test_reminders_are_evaluated_once_and_not_for_a_cancelled_module(client, world, db):
    await open_for_nominations(client, world)
    await enrol(client, world, world["english"])
    deadline = datetime.fromisoformat(world["module"]["nomination_deadline"])
    week_before = deadline - timedelta(days=7) + timedelta(minutes=1)
    assert await schedule.evaluate_due(db, now=week_before) == 1
    [reminder] = await stored(db, kind="deadline_reminder")
    assert reminder.user_id == world["focal"].user_id and reminder.subject.startswith("7 days left")
    assert "filled so far: 1" in reminder.body
    assert await schedule.evaluate_due(db, now=week_before + timedelta(minutes=5)) == 0  # not twice
    # The module is cancelled before the 2-day reminder and the day before the session: nothing more.
    r = await client.post(f"/modules/{world['module']['id']}/transitions", json={"to": "cancelled", "reason": "x"})
    assert r.status_code == 200, r.text
    session_day = datetime.fromisoformat(world["session"]["starts_at"])
    evaluated = await schedule.evaluate_due(db, now=session_day - timedelta(hours=23))
    assert evaluated >= 2
    assert len(await stored(db, kind="deadline_reminder")) == 1
    assert await stored(db, kind="session_reminder") == [] and await stored(db, kind="trainer_roster") == []


async def test_the_day_before_a_session_participants_and_trainers_hear(client, world, db):
    await open_for_nominations(client, world)
    await enrol(client, world, world["arabic"])
    session_day = datetime.fromisoformat(world["session"]["starts_at"]).astimezone(UTC)
    await schedule.evaluate_due(db, now=session_day - timedelta(hours=23))
    [reminder] = await stored(db, kind="session_reminder")
    assert reminder.language == "ar" and reminder.officer_id == uuid.UUID(world["arabic"])
    [roster] = await stored(db, kind="trainer_roster")
    assert roster.to_address == "trainer@example.org" and "(Officer " in roster.body
    assert roster.mentions == f"\n{world['arabic']}\n"
    assert utcnow() < session_day
