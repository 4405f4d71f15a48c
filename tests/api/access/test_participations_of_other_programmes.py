"""Coordinators see participations (rosters, nominations, attendance, scores, certificates) only of
the modules of the programmes they plan: another programme's are a 404 to read, exactly as a module
that does not exist, and a 403 to write. On the demo data: the CT JUST coordinator and UNODC's
GC-MS workshop. And a seat freed by one agency tells it nothing of whom it went to."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

import seeds
from domain.auth.service import user_token
from domain.models.auth import User
from domain.models.catalogue import Module, TrainingSession
from domain.models.cycles import Cycle
from domain.models.enrolment import Nomination
from tests.api.catalogue_data import cycle, disciplines, programme  # noqa: F401  (fixtures)
from tests.api.enrolment_data import agency, decide, nominate, officer, open_module
from tests.problems import assert_problem

TODAY = date(2024, 12, 15)


@pytest.fixture
async def demo(app, db, client):
    await seeds.load(db, "demo", today=TODAY)
    user = await db.scalar(select(User).where(User.username == "coordinator").options(selectinload(User.programmes)))
    token, _ = user_token(app.state.keyring, user)
    coordinator = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://test/api/v1",
        headers={"Authorization": f"Bearer {token}"},
    )
    gcms = await db.scalar(select(Module).where(Module.code == "GCMS-01"))
    # A module of theirs with participants: one of the coordinator's programmes (CT JUST, CT PHARE).
    theirs = await db.scalar(
        select(Nomination.module_id)
        .join(Module, Module.id == Nomination.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .where(Cycle.programme_id.in_(user.programme_ids))
        .limit(1)
    )
    session_id = await db.scalar(select(TrainingSession.id).where(TrainingSession.module_id == gcms.id).limit(1))
    nomination_id = await db.scalar(select(Nomination.id).where(Nomination.module_id == gcms.id).limit(1))
    assert session_id is not None and nomination_id is not None  # the seeds tell this module's story
    issued = await client.post(f"/modules/{gcms.id}/certificates")
    assert issued.status_code == 200 and issued.json()["certificates"], issued.text
    async with coordinator:
        yield {
            "coordinator": coordinator,
            "gcms": str(gcms.id),
            "theirs": str(theirs),
            "session": str(session_id),
            "nomination": str(nomination_id),
            "certificate": issued.json()["certificates"][0]["id"],
        }


async def test_the_demo_coordinator_gets_404_for_another_programmes_participations_only(demo):
    coordinator, gcms = demo["coordinator"], demo["gcms"]
    missing_module, missing_session = uuid.uuid4(), uuid.uuid4()
    for path, missing in (
        (f"/modules/{gcms}/roster", f"/modules/{missing_module}/roster"),
        (f"/modules/{gcms}/nominations", f"/modules/{missing_module}/nominations"),
        (f"/modules/{gcms}/waitlist", f"/modules/{missing_module}/waitlist"),
        (f"/sessions/{demo['session']}/attendance", f"/sessions/{missing_session}/attendance"),
        (f"/sessions/{demo['session']}/attendance/history", f"/sessions/{missing_session}/attendance/history"),
        (f"/nominations/{demo['nomination']}", f"/nominations/{uuid.uuid4()}"),
        (f"/nominations/{demo['nomination']}/history", f"/nominations/{uuid.uuid4()}/history"),
        (f"/certificates/{demo['certificate']}", f"/certificates/{uuid.uuid4()}"),
    ):
        hidden, absent = await coordinator.get(path), await coordinator.get(missing)
        assert_problem(hidden, 404)
        assert_problem(absent, 404)
        assert hidden.json()["title"] == absent.json()["title"], path
    # A list filtered by that module answers as for a module that does not exist: nothing.
    for params in ({"module_id": gcms}, {"module_id": str(missing_module)}):
        listed = await coordinator.get("/certificates", params=params)
        assert listed.status_code == 200 and listed.json()["items"] == []
    everything = (await coordinator.get("/certificates", params={"limit": 200})).json()["items"]
    assert demo["certificate"] not in {c["id"] for c in everything}
    # Writing there is a 403 naming the assignment, as before.
    body = {"scores": [{"officer_id": str(uuid.uuid4()), "post_test": 50}]}
    assert_problem(await coordinator.put(f"/modules/{gcms}/assessments", json=body), 403)
    # Their own programmes' participations, as before (one test: the demo data takes seconds to load).
    roster = await demo["coordinator"].get(f"/modules/{demo['theirs']}/roster")
    assert roster.status_code == 200 and roster.json()["participants"], roster.text
    nominations = await demo["coordinator"].get(f"/modules/{demo['theirs']}/nominations")
    assert nominations.status_code == 200 and nominations.json()["items"]


async def test_a_freed_seat_that_goes_to_another_agency_is_not_shown_to_who_freed_it(client, sign_in, cycle):  # noqa: F811
    ours, theirs = await agency(client, "Seat Ministry"), await agency(client, "Seat Service")
    module = await open_module(client, cycle["id"], "SEAT-1", capacity=1)
    mine = (await nominate(client, module["id"], await officer(client, ours))).json()
    other = (await nominate(client, module["id"], await officer(client, theirs))).json()
    assert (await decide(client, mine["id"])).status_code == 200
    assert (await decide(client, other["id"], on_full="waitlist")).json()["nomination"]["status"] == "waitlisted"
    focal = await sign_in("focal_point", agency_id=uuid.UUID(ours))
    withdrawn = await focal.post(f"/nominations/{mine['id']}/withdraw", json={"reason": "posted abroad"})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["promoted"] == [] and withdrawn.json()["skipped"] == []
    assert other["id"] not in withdrawn.text and other["officer_id"] not in withdrawn.text
    assert (await client.get(f"/nominations/{other['id']}")).json()["status"] == "enrolled"  # promoted all the same
