"""The module page's forms, as a person submits them: each goes through the area's service with the
version the page showed. A stale page gets the precondition explained (412) and nothing changes; a
conflict (409) or a field to fix (422) is explained on the page, next to what was tried."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.web.desk_data import at, desk_world, nominate, people, working
from tests.web.forms import field, forms

STALE = "Someone changed this since you opened the page: nothing was changed."


@pytest.fixture
async def world(db):
    return await desk_world(db)


@pytest.fixture
async def desk(person, world):
    return await person("coordinator", programme_ids=[world.programme.id])


@pytest.fixture
async def api(sign_in, world):
    """The same coordinator's programme through the API: another person acting meanwhile, and the check."""
    return await sign_in("coordinator", programme_ids=[world.programme.id])


def url(world, path: str = "") -> str:
    return f"/coordinator/modules/{world.modules[0].module.id}{path}"


async def page(desk, world) -> str:
    r = await desk.get(url(world))
    assert r.status_code == 200, r.text
    return r.text


async def test_accepting_a_nomination_moves_the_gender_meter_and_the_roster(desk, api, world):
    m = world.modules[0]
    shown = await page(desk, world)
    assert "women 0, men 1 (0% women)" in shown
    action = url(world, f"/nominations/{m.pending[0]}")
    version = field(shown, action, "version")
    r = await desk.submit(action, {"decision": "accept", "version": version, "section": "nominations"}, htmx=True)
    assert r.status_code == 303 and r.headers["location"].startswith(url(world, "?done=accepted"))
    after = await desk.get(r.headers["location"])
    assert "Accepted: the participant is on the roster." in after.text
    assert "women 1, men 1 (50% women)" in after.text  # the meter moved
    roster = after.text.split('id="roster"')[1].split("</section>")[0]
    woman = (await api.get(f"/officers/{m.officers.woman_a}")).json()["name_latin"]
    assert woman in roster and roster.count("<tr>") == 3  # the head and two participants
    nomination = (await api.get(f"/nominations/{m.pending[0]}")).json()
    assert nomination["status"] == "enrolled"
    history = (await api.get(f"/nominations/{m.pending[0]}/history")).json()
    assert history[-1]["actor_name"].startswith("coordinator-")


async def test_an_accept_at_capacity_is_offered_as_the_waitlist(desk, api, world, db):
    m = world.modules[0]
    # man_b takes the one seat no quota reserves; another of B's is then refused a seat
    r = await api.post(f"/nominations/{m.pending[1]}/decision", json={"decision": "accept"})
    assert r.status_code == 200, r.text
    (late,) = await people(db, world.b.id, "m", "late")
    latecomer = await nominate(db, m.module.id, late)
    shown = await page(desk, world)
    action = url(world, f"/nominations/{latecomer}")
    card = shown.split(f'id="nomination-{latecomer}"')[1].split("</li>")[0]
    assert "No seat is free for this nomination" in card
    assert f'id="n-{latecomer}-accept" disabled' in card
    assert 'value="waitlist" id="n-' in card and 'class="primary">Put on the waitlist' in card
    # a page opened before the seat went: its accept is refused with the waitlist offered
    version = field(shown, action, "version")
    refused = await desk.submit(action, {"decision": "accept", "version": version, "section": "nominations"})
    assert refused.status_code == 409
    assert "The module is full: nothing was changed. You can put the nomination on the waitlist." in refused.text
    assert (await api.get(f"/nominations/{latecomer}")).json()["status"] == "submitted"
    queued = await desk.submit(action, {"decision": "waitlist", "version": version, "section": "nominations"})
    assert queued.status_code == 303
    assert (await api.get(f"/nominations/{latecomer}")).json()["status"] == "waitlisted"


async def test_a_stale_decision_is_explained_and_not_applied(desk, api, world):
    m = world.modules[0]
    shown = await page(desk, world)
    action = url(world, f"/nominations/{m.pending[0]}")
    version = field(shown, action, "version")
    meanwhile = await api.post(f"/nominations/{m.pending[0]}/decision", json={"decision": "waitlist"})
    assert meanwhile.status_code == 200
    r = await desk.submit(action, {"decision": "accept", "version": version, "section": "nominations"}, htmx=True)
    assert r.status_code == 412
    assert STALE in r.text and 'id="desk"' in r.text
    now_waiting = r.text.split('id="waitlist"')[1].split("</section>")[0]
    assert f'id="waiting-{m.pending[0]}"' in now_waiting  # here is what it is now
    assert (await api.get(f"/nominations/{m.pending[0]}")).json()["status"] == "waitlisted"


async def test_declining_asks_for_the_reason(desk, api, world):
    m = world.modules[0]
    action = url(world, f"/nominations/{m.pending[1]}")
    version = field(await page(desk, world), action, "version")
    bare = await desk.submit(action, {"decision": "reject", "version": version})
    assert bare.status_code == 422 and "Give a reason: it is kept with the change." in bare.text
    assert (await api.get(f"/nominations/{m.pending[1]}")).json()["status"] == "submitted"
    r = await desk.submit(action, {"decision": "reject", "reason": "Not in an investigative post", "version": version})
    assert r.status_code == 303
    history = (await api.get(f"/nominations/{m.pending[1]}/history")).json()
    assert (history[-1]["to_status"], history[-1]["reason"]) == ("rejected", "Not in an investigative post")


async def test_the_waitlist_moves_up_and_down_with_buttons(desk, api, world):
    m = world.modules[0]
    assert (await api.post(f"/nominations/{m.pending[1]}/decision", json={"decision": "waitlist"})).status_code == 200
    shown = await page(desk, world)
    order = [n["id"] for n in (await api.get(f"/modules/{m.module.id}/waitlist")).json()]
    assert order == [str(m.waiting), str(m.pending[1])]
    form = forms(shown, url(world, "/waitlist"))[1]  # the second waiting nomination's buttons
    assert form["move"] == [str(m.pending[1])] and form["order"] == order
    r = await desk.submit(url(world, "/waitlist"), form | {"direction": "up"})
    assert r.status_code == 303
    assert [n["id"] for n in (await api.get(f"/modules/{m.module.id}/waitlist")).json()] == order[::-1]
    again = await desk.submit(url(world, "/waitlist"), form | {"direction": "up"})  # the page's old order
    assert again.status_code == 412 and STALE in again.text
    assert [n["id"] for n in (await api.get(f"/modules/{m.module.id}/waitlist")).json()] == order[::-1]


async def test_status_changes_ask_for_their_reason_and_carry_the_version(desk, api, world):
    shown = await page(desk, world)
    action = url(world, "/transition")
    cancel = next(f for f in forms(shown, action) if f["to"] == ["cancelled"])
    bare = await desk.submit(action, cancel)
    assert bare.status_code == 422 and "Give a reason: it is kept with the change." in bare.text
    confirm = next(f for f in forms(shown, action) if f["to"] == ["confirmed"])
    assert (await desk.submit(action, confirm)).status_code == 303
    module = await api.get(f"/modules/{world.modules[0].module.id}")
    assert module.json()["status"] == "confirmed"
    stale = await desk.submit(action, cancel | {"reason": "Venue unavailable"})  # the page showed it open
    assert stale.status_code == 412 and STALE in stale.text
    assert (await api.get(f"/modules/{world.modules[0].module.id}")).json()["status"] == "confirmed"
    fresh = next(f for f in forms(await page(desk, world), action) if f["to"] == ["postponed"])
    assert (await desk.submit(action, fresh | {"reason": "Trainers' travel postponed"})).status_code == 303
    body = (await api.get(f"/modules/{world.modules[0].module.id}")).json()
    assert (body["status"], body["status_reason"]) == ("postponed", "Trainers' travel postponed")


async def test_a_session_that_clashes_is_explained_and_kept_only_with_a_reason(desk, api, world):
    m = world.modules[0]
    shown = await page(desk, world)
    action = url(world, "/sessions")
    clash_day = (await api.get(f"/sessions/{m.clash.id}")).json()["starts_at"]
    day = clash_day[:10]  # the clashing session's day, 14:00 Baghdad time (11:00 UTC)
    form = forms(shown, action)[0] | {
        "title": "Extra practice",
        "day": day,
        "starts": "14:30",
        "ends": "15:30",
        "trainer_ids": str(world.trainer.id),
    }
    refused = await desk.submit(action, form)
    assert refused.status_code == 409
    assert "The session would double-book a venue or a trainer: nothing was saved." in refused.text
    assert "It would double-book:" in refused.text and "Clashing" in refused.text
    assert 'value="Extra practice"' in refused.text  # what was typed is kept
    kept = await desk.submit(action, form | {"override_reason": "Two rooms, the trainer alternates"})
    assert kept.status_code == 303
    sessions = (await api.get(f"/modules/{m.module.id}/sessions", params={"limit": 50})).json()["items"]
    extra = next(s for s in sessions if s["title"] == "Extra practice")
    assert extra["override_reason"] == "Two rooms, the trainer alternates"
    assert datetime.fromisoformat(extra["starts_at"]) == datetime.fromisoformat(clash_day) + timedelta(minutes=30)


async def test_a_session_moves_with_its_version_and_a_stale_move_is_refused(desk, api, world):
    m = world.modules[0]
    shown = await page(desk, world)
    action = url(world, f"/sessions/{m.unready.id}")
    form = forms(shown, action)[0]
    later = working(world.today + timedelta(days=8)).isoformat()
    moved = await desk.submit(action, form | {"day": later, "trainer_ids": str(world.trainer.id)})
    assert moved.status_code == 303 and moved.headers["location"].endswith(f"#session-{m.unready.id}")
    session = (await api.get(f"/sessions/{m.unready.id}")).json()
    assert session["trainer_ids"] == [str(world.trainer.id)]
    assert datetime.fromisoformat(session["starts_at"]) == at(working(world.today + timedelta(days=8)), "09:00")
    stale = await desk.submit(action, form | {"day": later, "starts": "10:00"})
    assert stale.status_code == 412 and STALE in stale.text
    wrong = await desk.submit(action, forms(await page(desk, world), action)[0] | {"day": "13/12/2026"})
    assert wrong.status_code == 422 and "Enter the day as YYYY-MM-DD." in wrong.text
    assert 'value="13/12/2026"' in wrong.text


async def test_quotas_are_saved_with_their_tag(desk, api, world):
    m = world.modules[0]
    shown = await page(desk, world)
    action = url(world, "/quotas")
    form = forms(shown, action)[0]
    assert form["agency_id"][0] == str(world.a.id) and form["seats"][0] == "3"
    wrong = await desk.submit(action, form | {"seats": ["many", "", ""]})
    assert wrong.status_code == 422 and "Enter a whole number of seats." in wrong.text and 'value="many"' in wrong.text
    saved = await desk.submit(
        action, form | {"agency_id": [str(world.a.id), str(world.b.id), ""], "seats": ["2", "1", ""]}
    )
    assert saved.status_code == 303
    quotas = (await api.get(f"/modules/{m.module.id}/quotas")).json()["quotas"]
    assert sorted((q["agency_id"], q["seats"]) for q in quotas) == sorted([(str(world.a.id), 2), (str(world.b.id), 1)])
    stale = await desk.submit(action, form)  # the page's old tag
    assert stale.status_code == 412 and STALE in stale.text
    released = await desk.submit(
        url(world, "/quotas/release"), forms(await page(desk, world), url(world, "/quotas/release"))[0]
    )
    assert released.status_code == 303
    assert all(q["released"] for q in (await api.get(f"/modules/{m.module.id}/quotas")).json()["quotas"])


async def test_certificates_are_issued_and_revoked_with_a_reason(desk, api, world):
    base = f"/coordinator/modules/{world.delivered.id}"
    issued = await desk.submit(f"{base}/certificates", {})
    assert issued.status_code == 303
    shown = (await desk.get(base)).text
    certificates = (await api.get("/certificates", params={"module_id": str(world.delivered.id)})).json()["items"]
    assert len(certificates) == 2 and all(c["verification_code"] in shown for c in certificates)
    action = f"{base}/certificates/{certificates[0]['id']}/revoke"
    form = forms(shown, action)[0]
    bare = await desk.submit(action, form)
    assert bare.status_code == 422 and "Give a reason: it is kept with the change." in bare.text
    r = await desk.submit(action, form | {"reason": "Issued in error"})
    assert r.status_code == 303
    assert (await api.get(f"/certificates/{certificates[0]['id']}")).json()["revoked_reason"] == "Issued in error"
    stale = await desk.submit(action, form | {"reason": "Again"})
    assert stale.status_code == 412


async def test_vetting_is_requested_and_its_result_recorded_from_the_module(desk, api, world, db):
    base = f"/coordinator/modules/{world.vetted.id}"
    (newcomer,) = await people(db, world.b.id, "m", "newcomer")
    await nominate(db, world.vetted.id, newcomer, "accept")
    shown = (await desk.get(base)).text
    request_form = next(f for f in forms(shown, f"{base}/vettings") if f["officer_id"] == [str(newcomer)])
    r = await desk.submit(f"{base}/vettings", request_form)
    assert r.status_code == 303
    vettings = (await api.get(f"/officers/{newcomer}/vettings")).json()["items"]
    assert [(v["type"], v["status"], v["module_id"]) for v in vettings] == [
        ("courtesy", "requested", str(world.vetted.id))
    ]
    action = f"{base}/vettings/{world.vetting.id}"
    form = forms((await desk.get(base)).text, action)[0]
    recorded = await desk.submit(action, form | {"status": "approved", "result_on": world.today.isoformat()})
    assert recorded.status_code == 303
    vetting = (await api.get(f"/vettings/{world.vetting.id}")).json()
    assert vetting["status"] == "approved" and vetting["valid_until"] is not None
    after = (await desk.get(base)).text
    assert f'id="vetting-{world.candidate}"' not in after and f'id="vetting-{newcomer}"' in after


async def test_a_session_kept_despite_a_clash_needs_a_reason_of_its_own_when_moved(desk, api, world):
    base = f"/coordinator/modules/{world.companion.id}"
    action = f"{base}/sessions/{world.companion_clash.id}"
    shown = (await desk.get(base)).text
    assert "Kept because: kept" in shown
    form = forms(shown, action)[0]
    assert form["override_reason"] == [""]  # the old reason covered the old booking
    later = (datetime.fromisoformat(form["day"][0] + "T" + form["starts"][0]) + timedelta(minutes=30)).strftime("%H:%M")
    refused = await desk.submit(action, form | {"starts": later})
    assert refused.status_code == 409 and "It would double-book:" in refused.text
    kept = await desk.submit(action, form | {"starts": later, "override_reason": "Still the only day the hall is free"})
    assert kept.status_code == 303
    session = (await api.get(f"/sessions/{world.companion_clash.id}")).json()
    assert session["override_reason"] == "Still the only day the hall is free"
