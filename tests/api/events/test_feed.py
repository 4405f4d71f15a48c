"""The change feed through HTTP: the catalogue's events emitted by the services where the change
happens, the envelope, the per-resource sequence, paging, types, retention and need-to-know."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.db import utcnow
from domain.pagination import encode_cursor
from tests.api.catalogue_data import cycle, disciplines, programme  # noqa: F401  (fixtures)
from tests.api.enrolment_data import agency, decide, nominate, officer, open_module
from tests.problems import assert_problem


async def feed(caller, **params) -> list[dict]:
    """Every event of the feed, page after page (small pages, to exercise the cursor)."""
    events, after = [], None
    while True:
        r = await caller.get("/events", params={"limit": 3, **params, **({"after": after} if after else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        events += body["items"]
        if not body["items"]:
            return events
        after = body["next_cursor"]


@pytest.fixture
async def world(client, cycle):
    moi, moj = await agency(client, "Interior"), await agency(client, "Justice")
    ours = await officer(client, moi, external_ids=[{"source": "moi-hr", "id": "HR-7"}])
    theirs = await officer(client, moj, external_ids=[{"source": "moj-hr", "id": "J-9"}])
    module = await open_module(client, cycle["id"], "FEED-1")
    return {"moi": moi, "moj": moj, "ours": ours, "theirs": theirs, "module": module}


async def test_a_nomination_story_in_commit_order_with_a_sequence_per_resource(client, world):
    r = await nominate(client, world["module"]["id"], world["ours"])
    assert r.status_code == 201, r.text
    nomination = r.json()["id"]
    assert (await decide(client, nomination)).status_code == 200
    assert (
        await client.post(f"/nominations/{nomination}/withdraw", json={"reason": "posted abroad"})
    ).status_code == 200

    events = await feed(client)
    types = [e["type"] for e in events]
    assert types[:2] == ["officer.created", "officer.created"]
    assert "module.status_changed" in types and "session.created" in types
    story = [e for e in events if e["resource"] == {**e["resource"], "type": "nomination", "id": nomination}]
    assert [(e["type"], e["sequence"], e["data"]["status"]) for e in story] == [
        ("nomination.submitted", 1, "submitted"),
        ("nomination.decided", 2, "enrolled"),
        ("nomination.withdrawn", 3, "withdrawn"),
    ]
    first = story[0]
    assert first["resource"]["officer_id"] == world["ours"]
    assert first["resource"]["external_ids"] == [{"source": "moi-hr", "id": "HR-7"}]
    assert first["data"] == {"module_id": world["module"]["id"], "officer_id": world["ours"], "status": "submitted"}
    # Thin data: no names, anywhere.
    assert "Officer" not in str(events) and "full_name" not in str(events)
    # Module transitions number their own resource.
    module_events = [e for e in events if e["type"] == "module.status_changed"]
    assert [e["sequence"] for e in module_events] == [1, 2]
    assert [e["data"]["status"] for e in module_events] == ["planned", "open"]


async def test_types_filter_and_unknown_types(client, world):
    events = await feed(client, types=["officer.created"])
    assert {e["type"] for e in events} == {"officer.created"} and len(events) == 2
    r = await client.get("/events", params={"types": "officer.promoted"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")


async def test_an_empty_page_hands_back_the_cursor_to_poll_with(client, world):
    r = await client.get("/events", params={"limit": 200})
    cursor = r.json()["next_cursor"]
    again = await client.get("/events", params={"after": cursor})
    assert again.json() == {"items": [], "next_cursor": cursor}
    await officer(client, world["moi"])
    later = (await client.get("/events", params={"after": cursor})).json()["items"]
    assert [e["type"] for e in later] == ["officer.created"]


async def test_a_cursor_older_than_the_retention_is_410(client, world):
    old = encode_cursor([0, 1, (utcnow() - timedelta(days=31)).isoformat()])
    r = await client.get("/events", params={"after": old})
    assert_problem(r, 410, "/problems/cursor-expired")
    assert "30 days" in r.json()["detail"]
    r = await client.get("/events", params={"after": "not-a-cursor"})
    assert r.status_code == 422


async def test_a_bound_client_sees_only_its_agencys_officers(client, machine, world):
    for person in (world["ours"], world["theirs"]):
        nomination = (await nominate(client, world["module"]["id"], person)).json()["id"]
        assert (await decide(client, nomination)).status_code == 200
    bound = await machine(["events:read"], agency_id=world["moi"])
    events = await feed(bound)
    about = {e["resource"]["officer_id"] for e in events} - {None}
    assert about == {world["ours"]}
    assert "J-9" not in str(events) and world["theirs"] not in str(events)
    assert {"nomination.submitted", "nomination.decided", "module.status_changed"} <= {e["type"] for e in events}
    unbound = await machine(["events:read"])
    assert {e["resource"]["officer_id"] for e in await feed(unbound)} - {None} == {world["ours"], world["theirs"]}
    assert (await (await machine(["officers:read"])).get("/events")).status_code == 403


async def test_erased_officers_events_no_longer_identify_them(client, world):
    nomination = (await nominate(client, world["module"]["id"], world["ours"])).json()["id"]
    assert (await client.post(f"/officers/{world['ours']}/erasure")).status_code in (200, 201)
    events = [e for e in await feed(client) if e["resource"]["officer_id"] == world["ours"]]
    assert {e["type"] for e in events} >= {"officer.created", "nomination.submitted", "officer.erased"}
    assert all(e["resource"]["external_ids"] == [] for e in events)
    assert "HR-7" not in str(events)
    assert any(e["resource"]["id"] == nomination for e in events)


async def test_officer_updates_name_fields_never_values(client, world):
    r = await client.get(f"/officers/{world['ours']}")
    r = await client.patch(
        f"/officers/{world['ours']}", json={"rank": "Colonel", "active": False}, headers={"If-Match": r.headers["ETag"]}
    )
    assert r.status_code == 200, r.text
    last = (await feed(client, types=["officer.deactivated", "officer.updated"]))[-1]
    assert last["type"] == "officer.deactivated" and last["sequence"] == 2
    assert last["data"] == {"agency_id": world["moi"], "active": False, "changed": ["active", "rank"]}
    assert "Colonel" not in str(last)


def test_every_event_type_is_documented_in_openapi_webhooks_and_the_docs(app):
    from pathlib import Path

    from domain.outbox.catalogue import CATALOGUE

    schema = app.openapi()
    assert schema["openapi"].startswith("3.1")
    assert sorted(schema["webhooks"]) == sorted(CATALOGUE)
    body = schema["webhooks"]["nomination.decided"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/NominationDecidedEvent")
    page = (Path(__file__).resolve().parents[3] / "docs" / "events-and-webhooks.md").read_text(encoding="utf-8")
    assert [t for t in CATALOGUE if f"`{t}`" not in page] == []
