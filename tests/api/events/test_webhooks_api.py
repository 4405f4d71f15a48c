"""Webhook subscriptions through HTTP: the secret shown once, refusals of internal targets (the
app closed, as a deployment that sets nothing is, and opened as `make run` opens it),
owners seeing only their own, rotation, pausing and re-enabling, redelivery and replay."""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from domain.models.webhooks import DeliveryStatus, WebhookDelivery
from tests.api.enrolment_data import agency, officer
from tests.conftest import ROOT
from tests.problems import assert_problem

URL = "http://93.184.215.14/hook"  # public: accepted, and never called (no worker runs on this database)
MAKE_RUN = dict(
    pair.split("=", 1)
    for pair in re.search(r"^DEV_SETTINGS \?= (.*)$", (ROOT / "Makefile").read_text(), re.M).group(1).split()
)


@contextmanager
def opened_as_make_run_opens(app):
    """The app with the settings `make run` sets (the Makefile's DEV_SETTINGS)."""
    settings = app.state.settings
    before = settings.webhook_allowed_networks
    settings.webhook_allowed_networks = MAKE_RUN["WEBHOOK_ALLOWED_NETWORKS"]
    try:
        yield
    finally:
        settings.webhook_allowed_networks = before


async def test_create_shows_the_secret_once(client):
    r = await client.post("/webhooks", json={"url": URL, "event_types": ["nomination.decided"], "description": "HR"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["secret"].startswith("whsec_") and r.headers["Cache-Control"] == "no-store"
    assert body["status"] == "enabled" and body["event_types"] == ["nomination.decided"]
    again = await client.get(f"/webhooks/{body['id']}")
    assert again.status_code == 200 and "secret" not in again.json()
    assert body["secret"] not in str((await client.get("/webhooks")).json())


INTERNAL = {
    "http://10.0.0.1/hook": "a private address",
    "http://192.168.0.10/": "a private address",
    "http://169.254.169.254/latest/meta-data": "a cloud metadata address",
    "http://100.100.100.200/latest/meta-data": "a cloud metadata address",
    "http://[fd00:ec2::254]/": "a cloud metadata address",
    "http://100.64.0.1/": "a shared (carrier-grade NAT) address",
    "http://169.254.10.1/": "a link-local address",
    "http://[fe80::1]/": "a link-local address",
    "http://127.0.0.1/hook": "a loopback address",
    "http://[::1]/": "a loopback address",
    "http://0.0.0.0/": "the unspecified address",
    "http://[::ffff:10.0.0.1]/": "a private address",
    "http://[2002:a9fe:a9fe::1]/": "carries 169.254.169.254 (6to4), a cloud metadata address",
    "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/": "carries 10.0.0.1 (Teredo client)",
    "http://[64:ff9b::a00:1]/": "carries 10.0.0.1 (NAT64), a private address",
    "http://[64:ff9b:1::a9fe:a9fe]/": "carries 169.254.169.254 (NAT64), a cloud metadata address",
}


@pytest.mark.parametrize("url", INTERNAL)
async def test_internal_targets_are_refused_and_say_why(client, url):
    r = await client.post("/webhooks", json={"url": url})
    body = assert_problem(r, 422, "/problems/webhook-url-refused")
    assert body["errors"][0]["field"] == "url" and INTERNAL[url] in body["errors"][0]["message"], body
    assert (await client.get("/webhooks")).json()["items"] == []  # nothing half-written


async def test_a_name_that_resolves_to_an_internal_address_is_refused_without_telling_the_address(client):
    r = await client.post("/webhooks", json={"url": "http://localhost:8080/hook"})  # 127.0.0.1 (and ::1)
    body = assert_problem(r, 422, "/problems/webhook-url-refused")
    assert body["errors"] == [{"field": "url", "message": "localhost does not resolve to public addresses only"}]
    assert "127.0.0.1" not in r.text and "loopback" not in r.text  # the internal network's names stay untold


async def test_what_make_run_opens_is_loopback_and_nothing_else(app, client):
    with opened_as_make_run_opens(app):
        for url in ("http://127.0.0.1:9/hook", "http://localhost:9/hook", "http://[::1]:9/hook"):
            assert (await client.post("/webhooks", json={"url": url})).status_code == 201, url
        for url in (
            "http://10.0.0.1/",
            "http://169.254.169.254/",
            "http://100.100.100.200/",
            "http://[2002:a9fe:a9fe::1]/",
            "http://[2002:7f00:1::1]/",  # 6to4 around loopback: a relay's address, not this machine's
        ):
            assert_problem(await client.post("/webhooks", json={"url": url}), 422, "/problems/webhook-url-refused")


async def test_public_targets_are_accepted_and_bad_urls_named(client):
    for url in (
        URL,
        "https://93.184.215.14:8443/x",
        "http://[64:ff9b::5db8:d70e]/nat64",
        "http://[2002:5db8:d70e::1]/",
    ):
        assert (await client.post("/webhooks", json={"url": url})).status_code == 201, url
    r = await client.post("/webhooks", json={"url": "ftp://93.184.215.14/x"})
    assert r.status_code == 422
    r = await client.post("/webhooks", json={"url": "http://user:pw@93.184.215.14/x"})
    assert_problem(r, 422, "/problems/webhook-url-refused")
    existing = (await client.get("/webhooks")).json()["items"][0]
    r = await client.patch(f"/webhooks/{existing['id']}", json={"url": "http://169.254.169.254/"})
    assert_problem(r, 422, "/problems/webhook-url-refused")
    assert (await client.get(f"/webhooks/{existing['id']}")).json()["url"] == existing["url"]


async def test_clients_manage_their_own_only(client, machine):
    one, other = await machine(["webhooks:manage", "events:read"]), await machine(["webhooks:manage"])
    mine = (await one.post("/webhooks", json={"url": URL})).json()
    assert mine["owner_kind"] == "client"
    assert (await other.get(f"/webhooks/{mine['id']}")).status_code == 404
    assert (await other.delete(f"/webhooks/{mine['id']}")).status_code == 404
    assert (await other.get("/webhooks")).json()["items"] == []
    assert [w["id"] for w in (await client.get("/webhooks")).json()["items"]] == [mine["id"]]  # administrators see all
    assert (await (await machine(["events:read"])).get("/webhooks")).status_code == 403


async def test_rotation_keeps_the_old_secret_for_a_day(client):
    created = (await client.post("/webhooks", json={"url": URL})).json()
    r = await client.post(f"/webhooks/{created['id']}/secret")
    assert r.status_code == 200, r.text
    rotated = r.json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    shown = (await client.get(f"/webhooks/{created['id']}")).json()
    assert shown["previous_secret_until"] == rotated["previous_secret_until"]


async def test_pause_reenable_redeliver_and_replay(client, db):
    hook = (await client.post("/webhooks", json={"url": URL})).json()
    moi = await agency(client, "Interior")
    await officer(client, moi)
    await officer(client, moi)
    events = (await client.get("/events", params={"types": "officer.created"})).json()["items"]
    event_id = events[-1]["id"]
    r = await client.post(f"/webhooks/{hook['id']}/redeliveries", json={"event_id": event_id})
    assert r.status_code == 202 and r.json() == {"queued": 1}
    log = (await client.get(f"/webhooks/{hook['id']}/deliveries")).json()["items"]
    assert [(d["event_id"], d["status"], d["log"]) for d in log] == [(event_id, "pending", [])]
    r = await client.post(f"/webhooks/{hook['id']}/redeliveries", json={"event_id": hook["id"]})
    assert_problem(r, 404)
    r = await client.post(
        f"/webhooks/{hook['id']}/replays", json={"since": "2020-01-01T00:00:00Z", "until": "2199-01-01T00:00:00Z"}
    )
    assert r.status_code == 202 and r.json()["queued"] == 2
    r = await client.post(
        f"/webhooks/{hook['id']}/replays", json={"since": "2021-01-01T00:00:00Z", "until": "2020-01-01T00:00:00Z"}
    )
    assert r.status_code == 422
    # Pausing keeps the queue; a failed delivery goes out again when the endpoint is enabled.
    etag = (await client.get(f"/webhooks/{hook['id']}")).headers["ETag"]
    paused = await client.patch(f"/webhooks/{hook['id']}", json={"enabled": False}, headers={"If-Match": etag})
    assert paused.status_code == 200 and paused.json()["status"] == "disabled"
    delivery = await db.scalar(select(WebhookDelivery).where(WebhookDelivery.event_id == uuid.UUID(event_id)))
    delivery.status = DeliveryStatus.failed
    await db.flush()
    enabled = await client.patch(f"/webhooks/{hook['id']}", json={"enabled": True})
    assert enabled.json()["status"] == "enabled" and enabled.json()["disabled_reason"] is None
    await db.refresh(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.pending, 0)
    assert (await client.delete(f"/webhooks/{hook['id']}")).status_code == 204
