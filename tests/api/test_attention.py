"""GET /api/v1/attention: every kind of item for the cycles a coordinator plans (an administrator:
all), nothing of another programme's, and each item gone once resolved through the API."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.auth.policy import CLIENT_SCOPES
from tests.web.desk_data import TZ, desk_world

KINDS = (
    "upcoming_sessions",
    "pending_nominations",
    "nomination_deadlines",
    "vettings",
    "modules_below_target",
    "agencies_below_target",
    "schedule_warnings",
    "attendance_to_take",
    "certificates_to_issue",
)


def moved(session: dict, days: int) -> dict:
    """The session `days` later, on the first working day (Sunday to Thursday in Baghdad) from there."""
    starts, ends = (datetime.fromisoformat(session[k]) + timedelta(days=days) for k in ("starts_at", "ends_at"))
    while starts.astimezone(TZ).weekday() in (4, 5):
        starts, ends = starts + timedelta(days=1), ends + timedelta(days=1)
    return {"starts_at": starts.isoformat(), "ends_at": ends.isoformat()}


def ids(attention: dict, kind: str, key: str = "module") -> set[str]:
    return {item[key]["id"] if isinstance(item.get(key), dict) else item[key] for item in attention[kind]["items"]}


async def test_a_coordinator_sees_every_kind_for_their_cycles_and_nothing_of_another_programme(db, sign_in):
    world = await desk_world(db)
    other = await desk_world(db)
    coordinator = await sign_in("coordinator", programme_ids=[world.programme.id])
    r = await coordinator.get("/attention")
    assert r.status_code == 200, r.text
    a = r.json()
    m = world.modules[0]
    module_id = str(m.module.id)
    for kind in KINDS:
        assert a[kind]["total"] >= 1, kind
    assert {s["id"] for s in a["upcoming_sessions"]["items"]} >= {str(m.unready.id)}
    unready = next(s for s in a["upcoming_sessions"]["items"] if s["id"] == str(m.unready.id))
    assert unready["problems"] == ["no-trainer"] and unready["roster"] == 1 and unready["capacity"] == 4
    pending = next(p for p in a["pending_nominations"]["items"] if p["module"]["id"] == module_id)
    assert pending["waiting"] == 2
    deadline = next(d for d in a["nomination_deadlines"]["items"] if d["module"]["id"] == module_id)
    assert [(q["seats"], q["nominated"], q["enrolled"], q["filled"]) for q in deadline["quotas"]] == [(3, 2, 1, False)]
    vetting = next(v for v in a["vettings"]["items"] if v["module"]["id"] == str(world.vetted.id))
    assert vetting["blocking"] == 1 and vetting["by_problem"] == {"pending": 1}
    low = next(b for b in a["modules_below_target"]["items"] if b["module"]["id"] == module_id)
    assert (low["female"], low["male"], low["female_share"], low["target"]) == (0, 1, 0.0, 0.3)
    assert str(world.a.id) in {b["agency_id"] for b in a["agencies_below_target"]["items"]}
    warned = {s["id"]: s for s in a["schedule_warnings"]["items"]}
    assert [w["code"] for w in warned[str(m.weekend.id)]["warnings"]] == ["non-working-day"]
    assert str(world.companion_clash.id) in {c["session"]["id"] for c in warned[str(m.clash.id)]["clashes"]}
    taking = next(s for s in a["attendance_to_take"]["items"] if s["id"] == str(m.held.id))
    assert (taking["roster"], taking["marked"]) == (1, 0)
    certificates = next(c for c in a["certificates_to_issue"]["items"] if c["module"]["id"] == str(world.delivered.id))
    assert (certificates["completed"], certificates["certified"]) == (2, 0)
    assert a["failing_webhooks"] is None  # coordinators do not manage webhooks

    theirs = {str(x.module.id) for x in other.modules} | {str(other.delivered.id), str(other.vetted.id)}
    for kind in KINDS:
        for item in a[kind]["items"]:
            assert item["module"]["id"] not in theirs, kind


async def test_resolving_an_item_through_the_api_takes_it_off(db, sign_in):
    world = await desk_world(db)
    coordinator = await sign_in("coordinator", programme_ids=[world.programme.id])
    m = world.modules[0]
    before = (await coordinator.get("/attention")).json()

    # a trainer for the session that had none
    session = await coordinator.get(f"/sessions/{m.unready.id}")
    r = await coordinator.patch(
        f"/sessions/{m.unready.id}",
        json={"trainer_ids": [str(world.trainer.id)]},
        headers={"If-Match": session.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    # every pending nomination decided (the woman accepted: the module is no longer below target)
    for nomination_id in m.pending:
        r = await coordinator.post(f"/nominations/{nomination_id}/decision", json={"decision": "accept"})
        assert r.status_code == 200, r.text
    # the quota reduced to what was nominated
    quotas = await coordinator.get(f"/modules/{m.module.id}/quotas")
    r = await coordinator.put(
        f"/modules/{m.module.id}/quotas",
        json={"quotas": [{"agency_id": str(world.a.id), "seats": 2}]},
        headers={"If-Match": quotas.headers["ETag"]},
    )
    assert r.status_code == 200, r.text
    # the Friday session moved to the Sunday after, the clashing one two months away
    for s, days in ((m.weekend, 2), (m.clash, 60)):
        current = await coordinator.get(f"/sessions/{s.id}")
        r = await coordinator.patch(
            f"/sessions/{s.id}", json=moved(current.json(), days), headers={"If-Match": current.headers["ETag"]}
        )
        assert r.status_code == 200, r.text
    # attendance taken, certificates issued
    r = await coordinator.post(f"/sessions/{m.held.id}/attendance/unmarked-present")
    assert r.status_code == 200, r.text
    r = await coordinator.post(f"/modules/{world.delivered.id}/certificates")
    assert r.status_code == 200, r.text

    after = (await coordinator.get("/attention")).json()
    module_id = str(m.module.id)
    assert str(m.unready.id) in {s["id"] for s in before["upcoming_sessions"]["items"]}
    assert str(m.unready.id) not in {s["id"] for s in after["upcoming_sessions"]["items"]}
    assert module_id not in ids(after, "pending_nominations")
    assert module_id not in ids(after, "nomination_deadlines")
    assert module_id not in ids(after, "modules_below_target")
    assert {str(m.weekend.id), str(m.clash.id)} & {s["id"] for s in after["schedule_warnings"]["items"]} == set()
    assert str(m.held.id) not in {s["id"] for s in after["attendance_to_take"]["items"]}
    assert str(world.delivered.id) not in ids(after, "certificates_to_issue")


async def test_an_administrator_also_sees_failing_and_disabled_webhooks(db, sign_in, client):
    from ipaddress import ip_network

    from domain.auth.principal import Principal, Role
    from domain.webhooks.schemas import WebhookCreate, WebhookUpdate
    from domain.webhooks.service import create_webhook, update_webhook

    owner = Principal(id=client.user_id, name="admin", role=Role.admin)
    hook, _ = await create_webhook(
        db,
        principal=owner,
        data=WebhookCreate(url="http://127.0.0.1:9/receiver"),
        allowed_networks=[ip_network("127.0.0.0/8")],
    )
    await update_webhook(
        db,
        principal=owner,
        webhook_id=hook.id,
        data=WebhookUpdate(enabled=False),
        expected_version=None,
        allowed_networks=[ip_network("127.0.0.0/8")],
    )
    a = (await client.get("/attention")).json()
    found = {h["id"]: h for h in a["failing_webhooks"]["items"]}
    assert found[str(hook.id)]["status"] == "disabled"
    assert found[str(hook.id)]["disabled_reason"].startswith("disabled by")


async def test_each_list_stops_at_the_limit_and_says_how_many_there_are(db, sign_in):
    world = await desk_world(db, modules=3)
    coordinator = await sign_in("coordinator", programme_ids=[world.programme.id])
    a = (await coordinator.get("/attention", params={"limit": 1})).json()
    assert a["pending_nominations"]["total"] == 3 and len(a["pending_nominations"]["items"]) == 1
    assert (await coordinator.get("/attention", params={"limit": 0})).status_code == 422


async def test_only_those_who_plan_read_it(sign_in, machine):
    for role in ("focal_point", "trainer", "observer"):
        assert (await (await sign_in(role)).get("/attention")).status_code == 403, role
    assert (await (await machine(sorted(CLIENT_SCOPES))).get("/attention")).status_code == 403
