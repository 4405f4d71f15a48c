"""Nominations, decisions, quotas, the waitlist and gender balance through HTTP."""

import uuid

import pytest

from tests.api.catalogue_data import assert_problem, cycle, disciplines, programme  # noqa: F401  (fixtures)
from tests.api.enrolment_data import agency, decide, nominate, officer, open_module


@pytest.fixture
async def setup(client, cycle):
    moi = await agency(client, "MoI")
    police = await agency(client, "Federal Police", moi)
    inis = await agency(client, "INIS")
    return {"cycle": cycle["id"], "moi": moi, "police": police, "inis": inis}


async def test_nominate_accept_and_history(client, setup):
    module = await open_module(client, setup["cycle"], "ILP-01", capacity=2)
    oid = await officer(client, setup["police"])
    r = await nominate(client, module["id"], oid, priority=5, note="strong analyst")
    assert r.status_code == 201, r.text
    nom = r.json()
    assert nom["status"] == "submitted" and nom["agency_id"] == setup["police"]
    d = await decide(client, nom["id"], reason="fits the profile")
    assert d.status_code == 200, d.text
    assert d.json()["nomination"]["status"] == "enrolled"
    history = (await client.get(f"/nominations/{nom['id']}/history")).json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [(None, "submitted"), ("submitted", "enrolled")]
    assert history[1]["reason"] == "fits the profile" and history[1]["actor_name"].startswith("admin-")


async def test_refusals_name_the_rule(client, setup, cycle):
    first = await open_module(client, setup["cycle"], "OPINT-01")
    follow = await open_module(
        client,
        setup["cycle"],
        "DIGEV-01",
        prerequisite_module_ids=[first["id"]],
        sessions=[("2025-06-01T09:00:00+03:00", "2025-06-01T12:00:00+03:00")],
    )
    oid = await officer(client, setup["police"])
    body = assert_problem(await nominate(client, follow["id"], oid), 422, "/problems/prerequisite-not-completed")
    assert body["violations"][0]["modules"][0]["code"] == "OPINT-01"
    assert (await nominate(client, first["id"], oid)).status_code == 201
    assert_problem(await nominate(client, first["id"], oid), 422, "/problems/already-nominated")
    leahy = await open_module(
        client,
        setup["cycle"],
        "GCMS-01",
        vetting_required="leahy",
        sessions=[("2025-07-06T09:00:00+03:00", "2025-07-06T12:00:00+03:00")],
    )
    body = assert_problem(await nominate(client, leahy["id"], oid), 422, "/problems/identity-fields-missing")
    assert set(body["violations"][0]["fields"]) == {"national_id", "date_of_birth", "place_of_birth"}
    assert (await client.get(f"/modules/{leahy['id']}/nominations")).json()["items"] == []  # nothing half-written


async def test_overlapping_enrolment_is_refused(client, setup):
    a = await open_module(
        client, setup["cycle"], "A-1", sessions=[("2025-03-02T09:00:00+03:00", "2025-03-02T13:00:00+03:00")]
    )
    b = await open_module(
        client, setup["cycle"], "B-1", sessions=[("2025-03-02T12:00:00+03:00", "2025-03-02T15:00:00+03:00")]
    )
    oid = await officer(client, setup["police"])
    nom = (await nominate(client, a["id"], oid)).json()
    await decide(client, nom["id"])
    assert_problem(await nominate(client, b["id"], oid), 422, "/problems/schedule-overlap")


async def test_capacity_is_a_409_naming_the_limit_or_a_queue(client, setup):
    module = await open_module(client, setup["cycle"], "CAP-1", capacity=1)
    noms = [(await nominate(client, module["id"], await officer(client, setup["police"]))).json() for _ in range(3)]
    assert (await decide(client, noms[0]["id"])).json()["nomination"]["status"] == "enrolled"
    body = assert_problem(await decide(client, noms[1]["id"]), 409, "/problems/capacity-reached")
    assert body["limit"] == "capacity"
    assert (await client.get(f"/nominations/{noms[1]['id']}")).json()["status"] == "submitted"
    queued = await decide(client, noms[1]["id"], on_full="waitlist")
    assert queued.json()["nomination"]["status"] == "waitlisted"
    assert queued.json()["warnings"][0]["code"] == "capacity-reached"


async def test_quota_reserves_and_caps_then_release_returns_seats(client, setup):
    module = await open_module(client, setup["cycle"], "Q-1", capacity=3)
    r = await client.put(f"/modules/{module['id']}/quotas", json={"quotas": [{"agency_id": setup["moi"], "seats": 2}]})
    assert r.status_code == 200, r.text
    assert r.json()["general_pool"] == 1
    inis = [(await nominate(client, module["id"], await officer(client, setup["inis"]))).json() for _ in range(2)]
    police = [(await nominate(client, module["id"], await officer(client, setup["police"]))).json() for _ in range(3)]
    assert (await decide(client, inis[0]["id"])).status_code == 200
    assert_problem(await decide(client, inis[1]["id"]), 409, "/problems/capacity-reached")  # the pool is used
    assert (await decide(client, police[0]["id"])).status_code == 200  # sub-unit counts for the MoI quota
    assert (await decide(client, police[1]["id"])).status_code == 200
    assert_problem(await decide(client, police[2]["id"]), 409, "/problems/capacity-reached")
    quotas = (await client.get(f"/modules/{module['id']}/quotas")).json()
    assert quotas["quotas"][0]["enrolled"] == 2


async def test_unclaimed_quota_goes_back_to_the_pool_on_release(client, setup):
    module = await open_module(client, setup["cycle"], "Q-2", capacity=2)
    await client.put(f"/modules/{module['id']}/quotas", json={"quotas": [{"agency_id": setup["moi"], "seats": 1}]})
    inis = [(await nominate(client, module["id"], await officer(client, setup["inis"]))).json() for _ in range(2)]
    assert (await decide(client, inis[0]["id"])).status_code == 200
    assert (await decide(client, inis[1]["id"], on_full="waitlist")).json()["nomination"]["status"] == "waitlisted"
    released = await client.post(f"/modules/{module['id']}/quotas/release", json={"reason": "deadline"})
    assert released.status_code == 200, released.text
    assert [p["id"] for p in released.json()["promoted"]] == [inis[1]["id"]]
    assert released.json()["general_pool"] == 2


async def test_withdrawal_promotes_the_same_agencys_alternate_first(client, setup):
    module = await open_module(client, setup["cycle"], "W-1", capacity=1)
    holder = (await nominate(client, module["id"], await officer(client, setup["police"]))).json()
    await decide(client, holder["id"])
    other = (await nominate(client, module["id"], await officer(client, setup["inis"]), priority=1)).json()
    alternate = (
        await nominate(client, module["id"], await officer(client, setup["police"]), role="alternate", priority=50)
    ).json()
    for n in (other, alternate):
        await decide(client, n["id"], "waitlist")
    assert [n["id"] for n in (await client.get(f"/modules/{module['id']}/waitlist")).json()] == [
        other["id"],
        alternate["id"],
    ]
    r = await client.post(f"/nominations/{holder['id']}/withdraw", json={"reason": "posted abroad"})
    assert r.status_code == 200, r.text
    assert [p["id"] for p in r.json()["promoted"]] == [alternate["id"]]
    history = (await client.get(f"/nominations/{alternate['id']}/history")).json()
    assert history[-1]["to_status"] == "enrolled" and "waitlist" in history[-1]["reason"]


async def test_promotion_skips_a_conflicted_candidate_and_says_why(client, setup):
    module = await open_module(
        client, setup["cycle"], "S-1", capacity=1, sessions=[("2025-04-06T09:00:00+03:00", "2025-04-06T12:00:00+03:00")]
    )
    clash = await open_module(
        client, setup["cycle"], "S-2", sessions=[("2025-04-06T10:00:00+03:00", "2025-04-06T11:00:00+03:00")]
    )
    holder = (await nominate(client, module["id"], await officer(client, setup["inis"]))).json()
    await decide(client, holder["id"])
    busy_officer = await officer(client, setup["inis"])
    busy = (await nominate(client, module["id"], busy_officer, priority=1)).json()
    await decide(client, busy["id"], "waitlist")
    nxt = (await nominate(client, module["id"], await officer(client, setup["inis"]), priority=2)).json()
    await decide(client, nxt["id"], "waitlist")
    elsewhere = (await nominate(client, clash["id"], busy_officer)).json()
    await decide(client, elsewhere["id"])
    r = (await decide(client, holder["id"], "reject", reason="failed interview")).json()
    assert [p["id"] for p in r["promoted"]] == [nxt["id"]]
    assert r["skipped"][0]["nomination_id"] == busy["id"] and "S-2" in r["skipped"][0]["reason"]


async def test_coordinator_reorders_the_waitlist(client, setup):
    module = await open_module(client, setup["cycle"], "R-1", capacity=1)
    noms = [
        (await nominate(client, module["id"], await officer(client, setup["inis"]), priority=p)).json()
        for p in (1, 2, 3)
    ]
    for n in noms:
        await decide(client, n["id"], "waitlist")
    wanted = [noms[2]["id"], noms[0]["id"]]
    r = await client.put(f"/modules/{module['id']}/waitlist", json={"nomination_ids": wanted})
    assert [n["id"] for n in r.json()] == wanted + [noms[1]["id"]]
    bad = await client.put(f"/modules/{module['id']}/waitlist", json={"nomination_ids": [str(uuid.uuid4())]})
    assert_problem(bad, 422)


async def test_balance_and_female_target_warning(client, setup):
    module = await open_module(client, setup["cycle"], "G-1", capacity=2, female_share_target=0.5)
    men = [
        (await nominate(client, module["id"], await officer(client, setup["inis"], "male"))).json() for _ in range(2)
    ]
    woman = (await nominate(client, module["id"], await officer(client, setup["inis"], "female"))).json()
    assert (await decide(client, men[0]["id"])).json()["warnings"] == []
    full = (await decide(client, men[1]["id"])).json()
    assert full["warnings"][0]["code"] == "full-below-female-target"  # a warning, not a refusal
    assert full["nomination"]["status"] == "enrolled"
    balance = (await client.get(f"/modules/{module['id']}/balance")).json()
    assert balance["enrolled"] == {"female": 0, "male": 2} and balance["pending"] == {"female": 1, "male": 0}
    assert balance["female_share_now"] == 0 and balance["female_share_if_all_pending_accepted"] == pytest.approx(
        1 / 3, abs=1e-3
    )
    assert balance["target"] == 0.5 and balance["target_source"] == "module" and balance["below_target"] is True
    assert woman["status"] == "submitted"


async def test_focal_point_nominates_only_their_agency(client, setup, sign_in):
    module = await open_module(client, setup["cycle"], "F-1")
    fp = await sign_in("focal_point", agency_id=uuid.UUID(setup["moi"]))
    mine = await officer(client, setup["police"])
    theirs = await officer(client, setup["inis"])
    assert (await nominate(fp, module["id"], mine)).status_code == 201
    assert_problem(await nominate(fp, module["id"], theirs), 422)
    other = (await nominate(client, module["id"], theirs)).json()
    assert (await fp.get(f"/nominations/{other['id']}")).status_code == 404
    assert {n["officer_id"] for n in (await fp.get(f"/modules/{module['id']}/nominations")).json()["items"]} == {mine}
    assert (await fp.post(f"/nominations/{other['id']}/decision", json={"decision": "accept"})).status_code == 403


async def test_illegal_decision_is_409(client, setup):
    module = await open_module(client, setup["cycle"], "I-1")
    nom = (await nominate(client, module["id"], await officer(client, setup["inis"]))).json()
    await client.post(f"/nominations/{nom['id']}/withdraw", json={})
    body = assert_problem(await decide(client, nom["id"]), 409, "/problems/illegal-transition")
    assert body["allowed"] == []


async def test_cancelling_a_module_withdraws_nominations_and_cancels_vetting_requests(client, setup):
    module = await open_module(client, setup["cycle"], "X-1", capacity=1)
    seated = await officer(client, setup["inis"])
    waiting = await officer(client, setup["inis"])
    first = (await nominate(client, module["id"], seated)).json()
    second = (await nominate(client, module["id"], waiting)).json()
    await decide(client, first["id"])
    await decide(client, second["id"], "waitlist")
    vetting = (
        await client.post(
            f"/officers/{seated}/vettings",
            json={
                "type": "courtesy",
                "requested_on": "2025-01-05",
                "needed_by": "2025-01-30",
                "module_id": module["id"],
            },
        )
    ).json()
    r = await client.post(
        f"/modules/{module['id']}/transitions", json={"to": "cancelled", "reason": "venue unavailable"}
    )
    assert r.status_code == 200, r.text
    for nomination in (first, second):
        current = (await client.get(f"/nominations/{nomination['id']}")).json()
        assert current["status"] == "withdrawn"
        assert "module cancelled" in (await client.get(f"/nominations/{nomination['id']}/history")).json()[-1]["reason"]
    assert (await client.get(f"/vettings/{vetting['id']}")).json()["status"] == "cancelled"
