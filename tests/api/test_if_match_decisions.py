"""If-Match on the decisions a page makes, so that a stale page never decides over someone: a
module's status change (its version), a decision on a nomination (the nomination's), the quotas
and the waitlist (a tag of what was shown: neither is one record), a revocation (the
certificate's). Without If-Match the API answers as before; with a stale one, 412 and no change.
And a module's audit trail for those who plan it."""

from __future__ import annotations

import uuid

from tests.problems import assert_problem
from tests.web.desk_data import desk_world


async def test_a_status_change_with_a_stale_version_is_a_412_and_changes_nothing(db, sign_in):
    world = await desk_world(db)
    coordinator = await sign_in("coordinator", programme_ids=[world.programme.id])
    module_id = world.modules[0].module.id
    etag = (await coordinator.get(f"/modules/{module_id}")).headers["ETag"]
    stale = await coordinator.post(
        f"/modules/{module_id}/transitions", json={"to": "confirmed"}, headers={"If-Match": '"1"'}
    )
    assert_problem(stale, 412)
    assert (await coordinator.get(f"/modules/{module_id}")).json()["status"] == "open"
    r = await coordinator.post(
        f"/modules/{module_id}/transitions", json={"to": "confirmed"}, headers={"If-Match": etag}
    )
    assert r.status_code == 200 and r.headers["ETag"] != etag


async def test_a_decision_on_a_nomination_decided_since_is_a_412(db, sign_in):
    world = await desk_world(db)
    coordinator = await sign_in("coordinator", programme_ids=[world.programme.id])
    nomination_id = world.modules[0].pending[0]
    seen = await coordinator.get(f"/nominations/{nomination_id}")
    etag = seen.headers["ETag"]
    assert etag == f'"{seen.json()["version"]}"'
    first = await coordinator.post(
        f"/nominations/{nomination_id}/decision", json={"decision": "waitlist"}, headers={"If-Match": etag}
    )
    assert first.status_code == 200 and first.headers["ETag"] != etag
    again = await coordinator.post(
        f"/nominations/{nomination_id}/decision", json={"decision": "accept"}, headers={"If-Match": etag}
    )
    assert_problem(again, 412)
    assert (await coordinator.get(f"/nominations/{nomination_id}")).json()["status"] == "waitlisted"


async def test_the_quotas_carry_a_tag_that_a_change_by_someone_else_makes_stale(db, sign_in):
    world = await desk_world(db)
    coordinator = await sign_in("coordinator", programme_ids=[world.programme.id])
    module_id = world.modules[0].module.id
    tag = (await coordinator.get(f"/modules/{module_id}/quotas")).headers["ETag"]
    decided = await coordinator.post(
        f"/nominations/{world.modules[0].pending[0]}/decision", json={"decision": "accept"}
    )
    assert decided.status_code == 200
    assert (await coordinator.get(f"/modules/{module_id}/quotas")).headers["ETag"] == tag  # seats taken: same quotas
    body = {"quotas": [{"agency_id": str(world.a.id), "seats": 2}]}
    changed = await coordinator.put(f"/modules/{module_id}/quotas", json=body, headers={"If-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    stale = await coordinator.put(f"/modules/{module_id}/quotas", json={"quotas": []}, headers={"If-Match": tag})
    assert_problem(stale, 412)
    released = await coordinator.post(f"/modules/{module_id}/quotas/release", json={}, headers={"If-Match": tag})
    assert_problem(released, 412)
    quotas = (await coordinator.get(f"/modules/{module_id}/quotas")).json()["quotas"]
    assert [(q["seats"], q["released"]) for q in quotas] == [(2, False)]


async def test_the_waitlist_carries_a_tag_of_its_order(db, sign_in):
    world = await desk_world(db)
    coordinator = await sign_in("coordinator", programme_ids=[world.programme.id])
    m = world.modules[0]
    await coordinator.post(f"/nominations/{m.pending[1]}/decision", json={"decision": "waitlist"})
    seen = await coordinator.get(f"/modules/{m.module.id}/waitlist")
    order = [n["id"] for n in seen.json()]
    r = await coordinator.put(
        f"/modules/{m.module.id}/waitlist",
        json={"nomination_ids": order[::-1]},
        headers={"If-Match": seen.headers["ETag"]},
    )
    assert r.status_code == 200 and [n["id"] for n in r.json()] == order[::-1]
    assert r.headers["ETag"] != seen.headers["ETag"]
    stale = await coordinator.put(
        f"/modules/{m.module.id}/waitlist", json={"nomination_ids": order}, headers={"If-Match": seen.headers["ETag"]}
    )
    assert_problem(stale, 412)
    assert [n["id"] for n in (await coordinator.get(f"/modules/{m.module.id}/waitlist")).json()] == order[::-1]


async def test_a_revocation_with_a_stale_version_is_a_412(db, sign_in):
    world = await desk_world(db)
    coordinator = await sign_in("coordinator", programme_ids=[world.programme.id])
    issued = (await coordinator.post(f"/modules/{world.delivered.id}/certificates")).json()["certificates"]
    certificate = await coordinator.get(f"/certificates/{issued[0]['id']}")
    stale = await coordinator.post(
        f"/certificates/{issued[0]['id']}/revoke", json={"reason": "error"}, headers={"If-Match": '"99"'}
    )
    assert_problem(stale, 412)
    r = await coordinator.post(
        f"/certificates/{issued[0]['id']}/revoke",
        json={"reason": "error"},
        headers={"If-Match": certificate.headers["ETag"]},
    )
    assert r.status_code == 200 and r.json()["revoked_reason"] == "error"


async def test_a_modules_audit_trail_is_for_those_who_plan_it(db, sign_in, client):
    world = await desk_world(db)
    coordinator = await sign_in("coordinator", programme_ids=[world.programme.id])
    m = world.modules[0]
    await coordinator.post(f"/nominations/{m.pending[0]}/decision", json={"decision": "accept"})
    trail = await coordinator.get(f"/modules/{m.module.id}/audit", params={"limit": 200})
    assert trail.status_code == 200
    entries = trail.json()["items"]
    assert entries[0]["entity"] == "nomination" and entries[0]["entity_id"] == str(m.pending[0])
    assert entries[0]["changes"]["status"] == {"before": "submitted", "after": "enrolled"}
    kinds = {(e["entity"], e["action"]) for e in entries}
    assert {("module", "transitioned"), ("module", "quotas-set"), ("session", "created")} <= kinds
    assert all(e["action"] != "read" for e in entries)
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids, reverse=True)  # newest first
    paged = await coordinator.get(f"/modules/{m.module.id}/audit", params={"limit": 2})
    assert paged.json()["next_cursor"] and 'rel="next"' in paged.headers["Link"]

    stranger = await sign_in("coordinator", programme_ids=[(await desk_world(db)).programme.id])
    assert_problem(await stranger.get(f"/modules/{m.module.id}/audit"), 404)
    assert_problem(await client.get(f"/modules/{uuid.uuid4()}/audit"), 404)
    assert_problem(await (await sign_in("focal_point")).get(f"/modules/{m.module.id}/audit"), 403)
