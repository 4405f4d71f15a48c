"""Webhook bodies say what the published schema says. A story through the API produces every event
type of the catalogue; a real worker delivers each event to a receiver on 127.0.0.1 (on the test's
transaction, through LoopbackOnly); every body the receiver got is validated against openapi.json's
`webhooks` schema of its type, with a strict format checker (date-time as RFC 3339, uuid)."""

from __future__ import annotations

import json
from datetime import timedelta
from ipaddress import ip_network

from jsonschema import Draft202012Validator, FormatChecker

from api.openapi import TARGET
from domain.auth.principal import Principal, Role
from domain.db import utcnow
from domain.outbox.catalogue import CATALOGUE
from domain.surveys.issuing import open_due_surveys
from domain.webhooks.schemas import WebhookCreate
from domain.webhooks.service import create_webhook
from domain.webhooks.worker import Worker
from tests.api.catalogue_data import cycle, disciplines, programme  # noqa: F401  (fixtures)
from tests.api.enrolment_data import agency, decide, nominate, officer, open_module
from tests.api.imports.helpers import csv_file, plan
from tests.api.survey_data import ANSWERS, attach, questionnaire
from tests.conftest import make_settings
from tests.servers import TLS
from tests.webhook_receiver import LoopbackOnly, Receiver, receiving

OPENAPI = json.loads(TARGET.read_text(encoding="utf-8"))
STRICT = FormatChecker()


def validator(event_type: str) -> Draft202012Validator:
    """The published schema of the type's body, its references resolved within openapi.json."""
    ref = OPENAPI["webhooks"][event_type]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = {"$ref": ref, "components": OPENAPI["components"]}
    return Draft202012Validator(schema, format_checker=STRICT)


def test_the_format_checker_is_strict():
    assert {"date-time", "uuid"} <= set(STRICT.checkers)  # date-time needs rfc3339-validator installed
    assert not STRICT.conforms("2026-12-07 10:00:00+00:00", "date-time")  # str() of a datetime
    assert not STRICT.conforms("2026-12-07T10:00:00", "date-time")  # no offset
    assert STRICT.conforms("2026-12-07T10:00:00.5Z", "date-time")


async def story(client, cycle) -> None:  # noqa: F811
    """Every event type, through the API (officers and agencies arranged through the services)."""
    moi = await agency(client, "Interior")
    first, second, third = [await officer(client, moi) for _ in range(3)]
    module = await open_module(
        client,
        cycle["id"],
        "HOOK-1",
        capacity=1,
        sessions=[
            ("2025-02-02T09:00:00+03:00", "2025-02-02T13:00:00+03:00"),
            ("2025-02-03T09:00:00+03:00", "2025-02-03T13:00:00+03:00"),
        ],
    )
    sessions = (await client.get(f"/modules/{module['id']}/sessions")).json()["items"]
    moved = await client.patch(
        f"/sessions/{sessions[1]['id']}",
        json={"starts_at": "2025-02-04T09:00:00+03:00", "ends_at": "2025-02-04T13:00:00+03:00"},
    )
    assert moved.status_code == 200, moved.text
    trainer = await client.post("/trainers", json={"name": "Hook Trainer", "organisation": "EUROPOL"})
    staffed = await client.patch(f"/sessions/{sessions[0]['id']}", json={"trainer_ids": [trainer.json()["id"]]})
    assert staffed.status_code == 200, staffed.text
    extra = await client.post(
        f"/modules/{module['id']}/sessions",
        json={"title": "Extra", "starts_at": "2025-02-05T09:00:00+03:00", "ends_at": "2025-02-05T13:00:00+03:00"},
    )
    assert (await client.delete(f"/sessions/{extra.json()['id']}")).status_code == 204
    # One seat: the second nominee waits, and takes the seat when the first withdraws.
    nominations = []
    for person in (first, second):
        r = await nominate(client, module["id"], person)
        assert r.status_code == 201, r.text
        nominations.append(r.json()["id"])
    assert (await decide(client, nominations[0])).status_code == 200
    assert (await decide(client, nominations[1], on_full="waitlist")).status_code == 200
    w = await client.post(f"/nominations/{nominations[0]}/withdraw", json={"reason": "posted abroad"})
    assert w.status_code == 200 and len(w.json()["promoted"]) == 1, w.text
    v = await client.post(
        f"/officers/{second}/vettings",
        json={"type": "courtesy", "requested_on": "2025-01-05", "needed_by": "2025-01-20"},
    )
    assert v.status_code == 201, v.text
    r = await client.patch(f"/vettings/{v.json()['id']}", json={"status": "approved", "result_on": "2025-01-10"})
    assert r.status_code == 200, r.text
    assert (await client.post(f"/modules/{module['id']}/transitions", json={"to": "confirmed"})).status_code == 200
    for s in sessions:
        marks = [{"officer_id": second, "status": "present"}]
        assert (await client.put(f"/sessions/{s['id']}/attendance", json={"marks": marks})).status_code == 200
    late = [{"officer_id": second, "status": "late", "note": "arrived 09:40"}]
    assert (await client.put(f"/sessions/{sessions[0]['id']}/attendance", json={"marks": late})).status_code == 200
    scores = [{"officer_id": second, "pre_test": 50, "post_test": 80}]
    assert (await client.put(f"/modules/{module['id']}/assessments", json={"scores": scores})).status_code == 200
    assert (await client.post(f"/modules/{module['id']}/transitions", json={"to": "delivered"})).status_code == 200
    assert (await client.post(f"/modules/{module['id']}/certificates")).status_code in (200, 201)
    # A reaction survey: opened (links issued), answered with a link, closed when its time has passed.
    survey = await attach(client, module["id"], (await questionnaire(client))["id"])
    assert (await client.post(f"/module-surveys/{survey['id']}/issue")).status_code == 200
    [link] = (await client.post(f"/module-surveys/{survey['id']}/printable-links")).json()["items"]
    token = link["url"].rsplit("/", 1)[1]
    assert (await client.put(f"/survey-responses/{token}", json={"answers": ANSWERS})).status_code == 200
    assert (await open_due_surveys(client.arrange_db, utcnow() + timedelta(days=15))).closed == 1
    [certificate] = (await client.get("/certificates", params={"module_id": module["id"]})).json()["items"]
    revoked = await client.post(f"/certificates/{certificate['id']}/revoke", json={"reason": "issued in error"})
    assert revoked.status_code == 200, revoked.text
    # Officers: changed, deactivated, deleted, erased; an import applied and undone.
    got = await client.get(f"/officers/{first}")
    r = await client.patch(
        f"/officers/{first}", json={"rank": "Colonel", "active": False}, headers={"If-Match": got.headers["ETag"]}
    )
    assert r.status_code == 200, r.text
    got = await client.get(f"/officers/{first}")
    r = await client.patch(f"/officers/{first}", json={"rank": "Major"}, headers={"If-Match": got.headers["ETag"]})
    assert r.status_code == 200, r.text
    assert (await client.delete(f"/officers/{third}")).status_code == 204
    assert (await client.post(f"/officers/{first}/erasure")).status_code == 200
    planned = await plan(client, csv_file([["HOOK-9", "سارة يوسف", "Sara Yousif", "female", moi, ""]]))
    applied = await client.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
    assert applied.status_code == 200, applied.text
    assert (await client.post(f"/officers/imports/{planned['id']}/undo")).status_code == 200


async def test_every_delivered_body_validates_against_the_published_schema(app, client, db, cycle):  # noqa: F811
    receiver = Receiver()
    with receiving(receiver) as port:
        loopback = (ip_network("127.0.0.0/8"),)
        admin = Principal(id=client.user_id, name="admin", role=Role.admin)
        _, secret = await create_webhook(
            db, principal=admin, data=WebhookCreate(url=f"http://127.0.0.1:{port}/all"), allowed_networks=loopback
        )
        receiver.secrets = {"/all": secret}
        await db.flush()
        await story(client, cycle)
        network = LoopbackOnly()
        settings = make_settings(app.state.settings.database_url, webhook_allowed_networks="127.0.0.0/8")
        # On the test's transaction: one lane at a time (round, then settle), as one connection needs.
        async with Worker(app.state.sessions, settings, network=network, ssl_context=TLS) as worker:
            while await worker.round():
                await worker.settle()
    assert network.outside == []
    bodies = [r.event for r in receiver.received]
    assert all(r.verified for r in receiver.received) and bodies
    assert {b["type"] for b in bodies} == set(CATALOGUE), set(CATALOGUE) - {b["type"] for b in bodies}
    for body in bodies:
        errors = [e.message for e in validator(body["type"]).iter_errors(body)]
        assert errors == [], (body, errors)


def test_the_strict_check_would_refuse_a_body_with_a_space_in_a_time():
    for event_type in CATALOGUE:
        body = {
            "id": "01a25147-90ad-7297-9ab5-54efb3b7ea6b",
            "type": event_type,
            "occurred_at": "2026-12-07 10:00:00+00:00",
            "sequence": 1,
            "resource": {"type": "x", "id": "y", "officer_id": None, "external_ids": []},
            "data": {},
        }
        assert [e.json_path for e in validator(event_type).iter_errors(body) if e.validator == "format"] == [
            "$.occurred_at"
        ]
