"""Messages sent to a real SMTP server (aiosmtpd on loopback) by the mail worker, read back with the
email package: the Arabic subject and body intact, the invitation parsed with icalendar (METHOD,
UID, SEQUENCE, TZID). Refusals (4xx then 5xx) and a server that goes away mid-send: retried, then
marked, nothing lost or doubled. The worker runs in this process on the test's transaction."""

from __future__ import annotations

import uuid

import pytest
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models.notifications import MessageStatus
from domain.notifications import config
from domain.notifications.worker import MailWorker
from tests.api.catalogue_data import disciplines, programme  # noqa: F401  (fixtures)
from tests.api.notification_data import enrol, open_for_nominations, soon, stored, world  # noqa: F401
from tests.conftest import make_settings
from tests.need_to_know_guard import GUARDED
from tests.smtp_inbox import DROP, smtp_server


@pytest.fixture
def mail_worker(app, connection, database_url):
    """mail_worker(port) -> a MailWorker sending to 127.0.0.1:port, its sessions in the test's
    transaction, every query it sends checked by the need-to-know guard (the app fixture's, which
    watches the sessions marked GUARDED)."""
    made = []

    def factory() -> AsyncSession:
        session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False, autoflush=False
        )
        session.info[GUARDED] = True
        return session

    def make(port: int | None) -> MailWorker:
        settings = make_settings(
            database_url,
            smtp_url=f"smtp://127.0.0.1:{port}" if port else None,
            mail_retry_schedule="0,0,0",
            mail_timeout_seconds=5,
        )
        worker = MailWorker(factory, settings, name="test-mail")
        made.append(worker)
        return worker

    yield make
    config.configure(app.state.settings)  # the app's sender again


async def drain(worker: MailWorker, rounds: int = 6) -> None:
    for _ in range(rounds):
        if not await worker.round():
            return


def attachments(message) -> list[Calendar]:
    return [
        Calendar.from_ical(part.get_content())
        for part in message.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]


async def test_the_arabic_joining_instructions_arrive_intact_with_their_invitation(client, world, db, mail_worker):
    await open_for_nominations(client, world)
    await enrol(client, world, world["arabic"])
    with smtp_server() as (inbox, port):
        await drain(mail_worker(port))
    [got] = inbox.to("ali.hassan@example.iq")
    message = got.message
    [accepted] = await stored(db, kind="nomination_accepted", audience="officer")
    assert message["Subject"] == accepted.subject and message["Subject"].startswith("تم القبول")
    assert message["Message-ID"] == f"<{accepted.id}@tadrib.invalid>"
    assert message["Content-Language"] == "ar" and message["From"] == "Tadrib <tadrib@tadrib.invalid>"
    body = message.get_body(("plain",)).get_content()
    assert body == accepted.body and "تعليمات الالتحاق" in body and "توقيت العراق" in body
    [invitation] = attachments(message)
    assert str(invitation["METHOD"]) == "REQUEST"
    [event] = invitation.walk("VEVENT")
    assert str(event["UID"]) == f"{world['session']['id']}-{world['arabic']}@tadrib" and int(event["SEQUENCE"]) == 0
    assert event["DTSTART"].params["TZID"] == "Asia/Baghdad"
    assert [str(z["TZID"]) for z in invitation.walk("VTIMEZONE")] == ["Asia/Baghdad"]
    assert str(event["ORGANIZER"]) == "mailto:tadrib@tadrib.invalid"  # the sender (MAIL_FROM)
    # Every decided message went, once each; the focal point's copy has no invitation.
    sent = await stored(db, status=MessageStatus.sent)
    assert len(inbox.received) == len(sent) == len({r.message_id for r in inbox.received})
    [copy] = [r for r in inbox.to("focal.moi@example.iq") if "Accepted" in r.message["Subject"]]
    assert attachments(copy.message) == []


async def test_a_move_then_a_cancellation_reach_the_calendar_with_the_same_uid(client, world, db, mail_worker):
    await open_for_nominations(client, world)
    await enrol(client, world, world["english"])
    session_id = world["session"]["id"]
    r = await client.patch(f"/sessions/{session_id}", json={"starts_at": soon(22, 10), "ends_at": soon(22, 14)})
    assert r.status_code == 200, r.text
    r = await client.post(f"/modules/{world['module']['id']}/transitions", json={"to": "cancelled", "reason": "x"})
    assert r.status_code == 200, r.text
    with smtp_server() as (inbox, port):
        await drain(mail_worker(port))
    seen = []
    for got in inbox.to("zainab.abbas@example.org"):
        for cal in attachments(got.message):
            [event] = cal.walk("VEVENT")
            seen.append((str(cal["METHOD"]), str(event["UID"]), int(event["SEQUENCE"])))
    uid = f"{session_id}-{world['english']}@tadrib"
    assert [m for m, _, _ in seen] == ["REQUEST", "REQUEST", "CANCEL"]  # accepted, moved, cancelled
    assert {u for _, u, _ in seen} == {uid}
    assert [s for _, _, s in seen] == sorted({s for _, _, s in seen})  # strictly higher each time


async def test_a_refusing_server_4xx_then_5xx_is_retried_then_marked_with_its_reason(client, world, db, mail_worker):
    await open_for_nominations(client, world)
    answers = iter(["451 4.3.0 mailbox busy, try later", "550 5.1.1 no such mailbox"])
    with smtp_server() as (inbox, port):
        inbox.answer = lambda envelope: next(answers) if "focal.moi@example.iq" in envelope.rcpt_tos else "250 OK"
        worker = mail_worker(port)
        await worker.round()
        [call] = await stored(db, kind="call_for_nominations")
        await db.refresh(call)
        assert call.status is MessageStatus.pending and call.attempts == 1
        assert call.last_error == "451 4.3.0 mailbox busy, try later"
        await drain(worker)
    await db.refresh(call)
    assert call.status is MessageStatus.failed and call.attempts == 2
    assert call.last_error == "550 5.1.1 no such mailbox"  # kept visible: the reason
    assert inbox.to("focal.moi@example.iq") == []  # nothing delivered, nothing doubled
    assert inbox.attempts == len(inbox.received) + 2  # the focal point's two attempts, nothing more


async def test_a_server_that_goes_away_mid_send_loses_nothing_and_doubles_nothing(client, world, db, mail_worker):
    await open_for_nominations(client, world)
    await enrol(client, world, world["arabic"])
    tries: dict[str, int] = {}

    def flaky(envelope):
        key = envelope.content.split(b"Message-ID:")[1].split(b"\n")[0]
        tries[key] = tries.get(key, 0) + 1
        return DROP if tries[key] == 1 else "250 OK"

    with smtp_server() as (inbox, port):
        inbox.answer = flaky
        await drain(mail_worker(port))
    decided = await stored(db, module_id=world["module"]["id"])
    assert {m.status for m in decided} == {MessageStatus.sent}
    assert all(m.attempts == 2 for m in decided)
    assert sorted(r.message_id for r in inbox.received) == sorted(f"<{m.id}@tadrib.invalid>" for m in decided)


async def test_an_address_is_taken_from_the_record_when_sent_and_never_another(client, world, db, mail_worker):
    await open_for_nominations(client, world)
    await enrol(client, world, world["english"])
    officer = (await client.get(f"/officers/{world['english']}")).json()
    r = await client.patch(
        f"/officers/{world['english']}",
        json={"email": "zainab.new@example.org"},
        headers={"If-Match": f'"{officer["version"]}"'},
    )
    assert r.status_code == 200, r.text
    with smtp_server() as (inbox, port):
        await drain(mail_worker(port))
    assert inbox.to("zainab.abbas@example.org") == []
    [got] = inbox.to("zainab.new@example.org")
    assert got.message["Subject"].startswith("Accepted")


async def test_without_smtp_url_messages_wait_in_the_outbox(client, world, db, mail_worker):
    await open_for_nominations(client, world)
    await mail_worker(None).round()
    [call] = await stored(db, kind="call_for_nominations")
    await db.refresh(call)
    assert call.status is MessageStatus.pending and call.attempts == 0
    listed = (await client.get("/messages", params={"status": "pending", "kind": "call_for_nominations"})).json()
    assert [m["id"] for m in listed["items"]] == [str(call.id)]
    assert uuid.UUID(listed["items"][0]["user_id"]) == world["focal"].user_id
