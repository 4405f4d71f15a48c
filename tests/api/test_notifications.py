"""Messages decided in the transaction of their cause, through HTTP: who gets what, in which
language, with which invitation (RFC 5546), stored as rendered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from domain.i18n import formatting
from domain.models.notifications import InvitationSequence, MessageStatus, ScheduledReminder
from tests.api.catalogue_data import disciplines, programme  # noqa: F401  (fixtures)
from tests.api.notification_data import enrol, events, open_for_nominations, soon, stored, world  # noqa: F401
from tests.conftest import ROOT


async def test_opening_a_module_mails_the_focal_points_of_the_agencies_with_a_quota(client, world, db):
    # While planned, only the trainer heard (assigned to the session, with its invitation).
    [assigned] = await stored(db, module_id=world["module"]["id"])
    assert assigned.kind == "trainer_assigned" and assigned.ics_method == "REQUEST"
    await open_for_nominations(client, world)
    [call] = await stored(db, kind="call_for_nominations")
    assert call.user_id == world["focal"].user_id and call.to_address == "focal.moi@example.iq"
    assert call.audience == "focal_point" and call.language == "en" and call.status is MessageStatus.pending
    assert call.subject == "Call for nominations: MAIL-01 Open-source intelligence for investigators"
    assert "Seats reserved for your agency: 5" in call.body
    assert "Iraq Time (UTC+03:00)" in call.body  # times in the cycle's zone, the zone named
    assert call.ics is None
    # The deadline reminders are planned (7 and 2 days before, and the release at the deadline).
    planned = set(await db.scalars(select(ScheduledReminder.kind).where(ScheduledReminder.target_id == call.module_id)))
    assert {k.value for k in planned} == {"deadline_7", "deadline_2", "seats_released"}


async def test_accepting_mails_the_officer_in_arabic_with_an_invitation_and_copies_the_focal_point(client, world, db):
    await open_for_nominations(client, world)
    await enrol(client, world, world["arabic"])
    [to_officer] = await stored(db, kind="nomination_accepted", audience="officer")
    assert to_officer.language == "ar" and to_officer.to_address == "ali.hassan@example.iq"
    assert to_officer.subject.startswith("تم القبول")
    starts = datetime.fromisoformat(world["session"]["starts_at"])
    assert formatting.day(formatting.local(starts, "Asia/Baghdad").date(), "ar") in to_officer.body  # ar_IQ months
    assert "09:00–13:00 توقيت العراق (UTC+03:00)" in to_officer.body
    assert to_officer.ics_method == "REQUEST"
    [event] = events(to_officer.ics)
    assert str(event["UID"]) == f"{world['session']['id']}-{world['arabic']}@tadrib"
    assert int(event["SEQUENCE"]) == 0 and event["DTSTART"].params["TZID"] == "Asia/Baghdad"
    assert str(event["ATTENDEE"]) == "mailto:ali.hassan@example.iq"
    [copy] = await stored(db, kind="nomination_accepted", audience="copy")
    assert copy.user_id == world["focal"].user_id and copy.language == "en" and copy.ics is None
    assert copy.officer_id == to_officer.officer_id  # about the officer: seen by who may see the officer


async def test_moving_the_session_sends_a_higher_sequence_with_the_same_uid_and_cancelling_sends_cancel(
    client, world, db
):
    await open_for_nominations(client, world)
    await enrol(client, world, world["arabic"])
    session_id = world["session"]["id"]
    r = await client.patch(f"/sessions/{session_id}", json={"starts_at": soon(21), "ends_at": soon(21, 12)})
    assert r.status_code == 200, r.text
    [moved] = await stored(db, kind="session_moved", audience="officer")
    [first] = await stored(db, kind="nomination_accepted", audience="officer")
    before, after = events(first.ics)[0], events(moved.ics)[0]
    assert after["UID"] == before["UID"] and int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert moved.ics_method == "REQUEST"
    [to_trainer] = await stored(db, kind="session_moved", audience="trainer")
    assert to_trainer.to_address == "trainer@example.org"
    r = await client.post(f"/modules/{world['module']['id']}/transitions", json={"to": "cancelled", "reason": "venue"})
    assert r.status_code == 200, r.text
    [cancel] = await stored(db, kind="module_cancelled", audience="officer")
    assert cancel.ics_method == "CANCEL"
    [gone] = events(cancel.ics)
    assert gone["UID"] == before["UID"] and int(gone["SEQUENCE"]) > int(after["SEQUENCE"])
    assert str(gone["STATUS"]) == "CANCELLED"
    assert (await db.get(InvitationSequence, moved.session_id)).sequence == int(gone["SEQUENCE"])
    assert [m.audience for m in await stored(db, kind="module_cancelled")].count("trainer") == 1


async def test_a_session_added_invites_the_participants_and_tells_their_focal_point_who(client, world, db):
    await open_for_nominations(client, world)
    await enrol(client, world, world["english"])
    r = await client.post(
        f"/modules/{world['module']['id']}/sessions",
        json={"title": "Field exercise", "starts_at": soon(23), "ends_at": soon(23, 12)},
    )
    assert r.status_code == 201, r.text
    [to_officer] = await stored(db, kind="session_added", audience="officer")
    [event] = events(to_officer.ics)
    assert str(event["UID"]) == f"{r.json()['id']}-{world['english']}@tadrib" and int(event["SEQUENCE"]) == 0
    [to_focal] = await stored(db, kind="session_added", audience="focal_point")
    assert to_focal.user_id == world["focal"].user_id and to_focal.ics is None
    assert "participants of your agency are enrolled" in to_focal.body and "Officer " in to_focal.body
    assert to_focal.mentions == f"\n{world['english']}\n"  # erasing the officer finds this message too


def test_the_api_process_decides_messages_without_the_tests_help():
    """The listeners are registered by the app itself (api/main.py), not only by the test harness,
    which imports every model: a fresh interpreter that imports the app has them."""
    import subprocess
    import sys

    check = "import sys, api.main; sys.exit(0 if 'domain.notifications.hook' in sys.modules else 1)"
    assert subprocess.run([sys.executable, "-c", check], cwd=ROOT, timeout=60).returncode == 0
