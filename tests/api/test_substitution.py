"""Substitution (POST /nominations/{id}/substitute): another officer in a nomination's place, where
the rules allow it; audited, evented, with If-Match, and never across agencies for a focal point."""

import uuid

import pytest

from tests.api.catalogue_data import assert_problem, cycle, disciplines, programme  # noqa: F401  (fixtures)
from tests.api.enrolment_data import agency, decide, nominate, officer, open_module

LATER = [("2027-03-02T09:00:00+03:00", "2027-03-02T13:00:00+03:00")]


@pytest.fixture
async def setup(client, cycle, sign_in):
    moi = await agency(client, "MoI")
    police = await agency(client, "Federal Police", moi)
    inis = await agency(client, "INIS")
    focal = await sign_in("focal_point", agency_id=uuid.UUID(moi))
    return {"cycle": cycle["id"], "moi": moi, "police": police, "inis": inis, "focal": focal}


async def test_an_enrolled_participant_is_substituted_keeping_the_seat(client, setup):
    module = await open_module(client, setup["cycle"], "SUB-01", capacity=1, sessions=LATER)
    first, second = await officer(client, setup["police"]), await officer(client, setup["moi"], sex="female")
    nom = (await nominate(client, module["id"], first, priority=3)).json()
    assert (await decide(client, nom["id"])).status_code == 200
    focal = setup["focal"]
    version = (await focal.get(f"/nominations/{nom['id']}")).headers["ETag"]
    r = await focal.post(
        f"/nominations/{nom['id']}/substitute",
        json={"officer_id": second, "reason": "posted abroad"},
        headers={"If-Match": version},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["replaced"]["status"] == "withdrawn"
    new = body["nomination"]
    assert new["status"] == "enrolled" and new["officer_id"] == second and new["priority"] == 3
    assert r.headers["Location"].endswith(f"/nominations/{new['id']}")
    history = (await focal.get(f"/nominations/{new['id']}/history")).json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [(None, "submitted"), ("submitted", "enrolled")]
    assert "posted abroad" in history[0]["reason"]
    old_history = (await focal.get(f"/nominations/{nom['id']}/history")).json()
    assert old_history[-1]["to_status"] == "withdrawn" and "substituted by" in old_history[-1]["reason"]
    events = (await client.get("/events", params={"limit": 200})).json()["items"]
    kinds = [(e["type"], e["resource"]["id"]) for e in events]
    assert ("nomination.withdrawn", nom["id"]) in kinds and ("nomination.submitted", new["id"]) in kinds
    audit = (await client.get("/audit", params={"entity": "nomination", "limit": 200})).json()["items"]
    assert any(a["entity_id"] == new["id"] and a["action"] == "created" for a in audit)
    # The seat count did not move: still one enrolled.
    listed = (await client.get(f"/modules/{module['id']}/nominations", params={"status": "enrolled"})).json()
    assert [n["officer_id"] for n in listed["items"]] == [second]


async def test_stale_if_match_is_412_and_changes_nothing(client, setup):
    module = await open_module(client, setup["cycle"], "SUB-02", sessions=LATER)
    first, second = await officer(client, setup["police"]), await officer(client, setup["police"])
    nom = (await nominate(client, module["id"], first)).json()
    r = await setup["focal"].post(
        f"/nominations/{nom['id']}/substitute", json={"officer_id": second}, headers={"If-Match": '"99"'}
    )
    assert_problem(r, 412)
    assert (await client.get(f"/nominations/{nom['id']}")).json()["status"] == "submitted"


async def test_another_agencys_officer_or_nomination_is_never_reached(client, setup):
    module = await open_module(client, setup["cycle"], "SUB-03", sessions=LATER)
    mine, theirs = await officer(client, setup["police"]), await officer(client, setup["inis"])
    other_nom = (await nominate(client, module["id"], theirs)).json()
    my_nom = (await nominate(client, module["id"], mine)).json()
    focal = setup["focal"]
    assert_problem(await focal.post(f"/nominations/{other_nom['id']}/substitute", json={"officer_id": mine}), 404)
    r = await focal.post(f"/nominations/{my_nom['id']}/substitute", json={"officer_id": theirs})
    body = assert_problem(r, 422)
    assert body["errors"][0]["field"] == "officer_id"
    assert (await client.get(f"/nominations/{my_nom['id']}")).json()["status"] == "submitted"


async def test_rules_refuse_what_they_must(client, setup):
    module = await open_module(client, setup["cycle"], "SUB-04", sessions=LATER)
    a, b = await officer(client, setup["police"]), await officer(client, setup["police"])
    nom_a = (await nominate(client, module["id"], a)).json()
    nom_b = (await nominate(client, module["id"], b)).json()
    focal = setup["focal"]
    assert_problem(
        await focal.post(f"/nominations/{nom_a['id']}/substitute", json={"officer_id": b}),
        422,
        "/problems/already-nominated",
    )
    await focal.post(f"/nominations/{nom_b['id']}/withdraw", json={})
    assert_problem(
        await focal.post(f"/nominations/{nom_b['id']}/substitute", json={"officer_id": a}),
        409,
        "/problems/not-substitutable",
    )
    started = await open_module(client, setup["cycle"], "SUB-05")  # its session was in 2025
    nom = (await nominate(client, started["id"], a)).json()
    assert_problem(
        await client.post(f"/nominations/{nom['id']}/substitute", json={"officer_id": b}),
        409,
        "/problems/substitution-closed",
    )
