"""The outbox pages: an administrator sees the messages decided (without SMTP_URL, what would
have been sent), one message as sent in its language with its invitation, resends it, and turns a
kind off for a cycle; another role gets a missing page."""

from __future__ import annotations

import uuid

from tests.api.catalogue_data import disciplines, programme  # noqa: F401  (fixtures)
from tests.api.notification_data import enrol, open_for_nominations, stored, world  # noqa: F401


async def test_the_outbox_shows_what_would_have_been_sent(client, world, db, person):
    await open_for_nominations(client, world)
    await enrol(client, world, world["arabic"])
    admin = await person("admin")
    page = await admin.get("/admin/outbox")
    assert page.status_code == 200, page.text
    html = page.text
    assert "SMTP_URL is not set" in html
    assert "nomination_accepted" in html and "ali.hassan@example.iq" in html and "focal.moi@example.iq" in html
    [accepted] = await stored(db, kind="nomination_accepted", audience="officer")
    one = await admin.get(f"/admin/outbox/{accepted.id}")
    assert one.status_code == 200
    assert 'lang="ar" dir="rtl"' in one.text and "تعليمات الالتحاق" in one.text
    assert "METHOD:REQUEST" in one.text and f"&lt;{accepted.id}@tadrib.invalid&gt;" in one.text
    resent = await admin.submit(f"/admin/outbox/{accepted.id}/resend")
    assert resent.status_code == 303
    [copy] = await stored(db, resent_from_id=accepted.id)
    assert resent.headers["location"] == f"/admin/outbox/{copy.id}"


async def test_a_kind_turned_off_on_the_page_and_other_roles_get_a_missing_page(client, world, db, person):
    admin = await person("admin")
    cycle = world["cycle"]["id"]
    page = await admin.get(f"/admin/outbox/cycles/{cycle}")
    assert page.status_code == 200 and "Accepted, with joining instructions" in page.text
    r = await admin.submit(f"/admin/outbox/cycles/{cycle}/kinds/call_for_nominations", {"enabled": "false"})
    assert r.status_code == 303
    await open_for_nominations(client, world)
    assert await stored(db, kind="call_for_nominations") == []
    trainer = await person("trainer", trainer_id=None)
    for url in ("/admin/outbox", f"/admin/outbox/cycles/{cycle}", f"/admin/outbox/{uuid.uuid4()}"):
        assert (await trainer.get(url)).status_code == 404


async def test_the_dashboard_counts_messages_per_kind_and_status_as_the_api_does(client, world, person):
    await open_for_nominations(client, world)
    await enrol(client, world, world["arabic"])
    admin = await person("admin")
    counts = (await client.get("/messages/counts")).json()
    assert counts["total"] > 0
    page = (await admin.get("/coordinator")).text
    assert 'id="messages-heading"' in page
    for c in counts["counts"]:
        link = f'href="/admin/outbox?kind={c["kind"]}&amp;status={c["status"]}">{c["count"]}</a>'
        assert link in page, link
    assert "Accepted, with joining instructions" in page and "Waiting to be sent" in page
    arabic = (await admin.get("/coordinator", headers={"Accept-Language": "ar"})).text
    assert "Waiting to be sent" not in arabic and 'dir="rtl"' in arabic
