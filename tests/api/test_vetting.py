"""Vetting through HTTP: requests tied to the officer's unit, results with the validity each type
gets (courtesy computed, Leahy from INVEST), the status ladder, need-to-know, and a rejection or
suspension that takes the person off the roster and lets the next one in. Also the module-side
checks the lead's lifecycle calls: who blocks confirmation, and cancelling pending requests.

Module dates used: sessions on Sunday 7 and Thursday 11 September 2025 (Asia/Baghdad)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, update

from domain.auth.principal import Principal
from domain.models.catalogue import Module, ModuleStatus
from domain.models.enrolment import Nomination, NominationChange, NominationRole, NominationStatus
from domain.models.vetting import Vetting, VettingStatus
from domain.vetting.service import cancel_module_vettings, vetting_blockers
from tests.api.catalogue_data import assert_problem, cycle, disciplines, error_fields, programme, unknown_id  # noqa: F401
from tests.api.enrolment_data import agency, officer, open_module

SEPTEMBER = [
    ("2025-09-07T09:00:00+03:00", "2025-09-07T15:00:00+03:00"),
    ("2025-09-11T09:00:00+03:00", "2025-09-11T15:00:00+03:00"),
]


def request_body(type_: str = "leahy", **extra) -> dict:
    return {"type": type_, "requested_on": "2025-05-01", "needed_by": "2025-08-15"} | extra


async def request_vetting(client, officer_id: str, type_: str = "leahy", **extra) -> dict:
    r = await client.post(f"/officers/{officer_id}/vettings", json=request_body(type_, **extra))
    assert r.status_code == 201, r.text
    return r.json()


async def answer(client, vetting: dict, **body):
    return await client.patch(f"/vettings/{vetting['id']}", json=body, headers={"If-Match": f'"{vetting["version"]}"'})


async def approve(client, vetting: dict, **dates) -> dict:
    body = {"status": "approved", "result_on": "2025-06-01"}
    if vetting["type"] != "courtesy":
        body |= {"valid_from": "2025-06-01", "valid_until": "2026-05-31"}
    r = await answer(client, vetting, **(body | dates))
    assert r.status_code == 200, r.text
    return r.json()["vetting"]


async def seat(db, module_id: str, officer_id: str, agency_id: str, status: NominationStatus, **extra) -> Nomination:
    """Nominations are arranged directly: this file tests vetting, not the nomination service."""
    nomination = Nomination(
        module_id=uuid.UUID(module_id),
        officer_id=uuid.UUID(officer_id),
        agency_id=uuid.UUID(agency_id),
        role=extra.pop("role", NominationRole.participant),
        status=status,
        nominated_by="test",
        **extra,
    )
    db.add(nomination)
    await db.flush()
    return nomination


async def status_of(db, nomination: Nomination) -> NominationStatus:
    return await db.scalar(
        select(Nomination.status).where(Nomination.id == nomination.id).execution_options(populate_existing=True)
    )


@pytest.fixture
async def unit(client) -> str:
    return await agency(client, "Criminal Evidence Directorate (test)")


# --- requests --------------------------------------------------------------------------------------


async def test_a_request_records_the_officers_unit(client, unit, cycle):
    person = await officer(client, unit)
    module = await open_module(client, cycle["id"], "LEAHY-1", vetting_required="leahy", sessions=SEPTEMBER)
    r = await client.post(
        f"/officers/{person}/vettings", json=request_body(module_id=module["id"], external_reference="INV-2025-0042")
    )
    assert r.status_code == 201, r.text
    v = r.json()
    assert r.headers["location"] == f"http://test/api/v1/vettings/{v['id']}" and r.headers["etag"] == '"1"'
    assert v["status"] == "requested" and v["type"] == "leahy"
    assert v["unit_agency_id"] == unit and v["officer_id"] == person and v["module_id"] == module["id"]
    assert (v["result_on"], v["valid_from"], v["valid_until"]) == (None, None, None)

    r = await client.get(f"/vettings/{v['id']}")
    assert r.status_code == 200 and r.json() == v and r.headers["etag"] == '"1"'
    r = await client.get(f"/officers/{person}/vettings")
    assert r.status_code == 200 and [x["id"] for x in r.json()["items"]] == [v["id"]]

    # One pending request per type and unit.
    body = assert_problem(
        await client.post(f"/officers/{person}/vettings", json=request_body()), 409, "/problems/vetting-pending"
    )
    assert body["vetting_id"] == v["id"]
    await request_vetting(client, person, "courtesy")


async def test_bad_requests_are_refused(client, unit):
    person = await officer(client, unit)
    assert_problem(await client.post(f"/officers/{unknown_id()}/vettings", json=request_body()), 404)
    assert "type" in error_fields(
        assert_problem(await client.post(f"/officers/{person}/vettings", json=request_body("none")), 422)
    )
    assert_problem(await client.post(f"/officers/{person}/vettings", json=request_body(needed_by="2025-04-01")), 422)
    body = assert_problem(
        await client.post(f"/officers/{person}/vettings", json=request_body(module_id=unknown_id())), 422
    )
    assert error_fields(body) == {"module_id"}
    assert "valid_until" in error_fields(
        assert_problem(
            await client.post(f"/officers/{person}/vettings", json=request_body(valid_until="2026-01-01")), 422
        )
    )
    assert (await client.get(f"/officers/{person}/vettings")).json()["items"] == []


# --- results ---------------------------------------------------------------------------------------


async def test_courtesy_validity_is_one_year_from_the_result(client, unit):
    v = await request_vetting(client, await officer(client, unit), "courtesy")
    assert error_fields(assert_problem(await answer(client, v, status="approved"), 422)) == {"result_on"}
    body = assert_problem(
        await answer(client, v, status="approved", result_on="2025-06-10", valid_until="2027-01-01"), 422
    )
    assert error_fields(body) == {"valid_until"}
    r = await answer(client, v, status="approved", result_on="2025-06-10", external_reference="EMB-77")
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["removed_from"] == [] and got["promoted"] == [] and got["skipped"] == []
    assert got["vetting"]["status"] == "approved" and got["vetting"]["external_reference"] == "EMB-77"
    assert (got["vetting"]["valid_from"], got["vetting"]["valid_until"]) == ("2025-06-10", "2026-06-10")
    assert r.headers["etag"] == f'"{got["vetting"]["version"]}"' == '"2"'


async def test_leahy_validity_comes_from_invest_and_is_never_computed(client, unit):
    v = await request_vetting(client, await officer(client, unit), "leahy")
    body = assert_problem(await answer(client, v, status="approved", result_on="2025-06-01"), 422)
    assert error_fields(body) == {"valid_from", "valid_until"}
    r = await answer(
        client,
        v,
        status="approved",
        result_on="2025-06-01",
        valid_from="2025-06-03",
        valid_until="2025-12-31",
        external_reference="INVEST-123456",
    )
    assert r.status_code == 200, r.text
    assert (r.json()["vetting"]["valid_from"], r.json()["vetting"]["valid_until"]) == ("2025-06-03", "2025-12-31")
    # Nothing half-written by the refused attempt; a stale If-Match is a 412.
    assert_problem(await answer(client, v, note="late"), 412)


async def test_host_nation_validity_is_required(client, unit):
    v = await request_vetting(client, await officer(client, unit), "host_nation")
    assert error_fields(assert_problem(await answer(client, v, status="approved", result_on="2025-06-01"), 422)) == {
        "valid_from",
        "valid_until",
    }
    assert (await approve(client, v))["valid_until"] == "2026-05-31"


async def test_the_status_ladder(client, unit):
    person = await officer(client, unit)
    rejected = await request_vetting(client, person, "courtesy")
    r = await answer(client, rejected, status="rejected", result_on="2025-06-01")
    assert r.status_code == 200, r.text
    rejected = r.json()["vetting"]
    body = assert_problem(
        await answer(client, rejected, status="approved", result_on="2025-06-02"), 409, "/problems/illegal-transition"
    )
    assert body["allowed"] == []

    v = await approve(client, await request_vetting(client, person, "leahy"))
    body = assert_problem(
        await answer(client, v, status="rejected", result_on="2025-06-02"), 409, "/problems/illegal-transition"
    )
    assert body["allowed"] == ["cancelled", "suspended"]
    r = await answer(client, v, status="suspended")
    assert r.status_code == 200, r.text
    suspended = r.json()["vetting"]
    assert (suspended["valid_from"], suspended["valid_until"]) == ("2025-06-01", "2026-05-31")  # kept
    r = await answer(
        client, suspended, status="approved", result_on="2025-07-01", valid_from="2025-07-01", valid_until="2026-06-30"
    )
    assert r.status_code == 200, r.text
    r = await answer(client, r.json()["vetting"], status="cancelled")
    assert r.status_code == 200 and r.json()["vetting"]["status"] == "cancelled"
    assert_problem(await client.patch(f"/vettings/{unknown_id()}", json={"note": "x"}), 404)


# --- need-to-know ----------------------------------------------------------------------------------


async def test_focal_points_see_only_their_subtree_and_cannot_write(client, sign_in, unit):
    sub_unit = await agency(client, "Forensic laboratory (test)", parent=unit)
    elsewhere = await agency(client, "Customs directorate (test)")
    mine = await request_vetting(client, await officer(client, sub_unit))
    theirs = await request_vetting(client, await officer(client, elsewhere))
    focal = await sign_in("focal_point", agency_id=uuid.UUID(unit))
    assert (await focal.get(f"/vettings/{mine['id']}")).status_code == 200
    r = await focal.get(f"/officers/{mine['officer_id']}/vettings")
    assert r.status_code == 200 and [x["id"] for x in r.json()["items"]] == [mine["id"]]
    assert_problem(await focal.get(f"/vettings/{theirs['id']}"), 404)
    assert_problem(await focal.get(f"/officers/{theirs['officer_id']}/vettings"), 404)
    assert_problem(await focal.post(f"/officers/{mine['officer_id']}/vettings", json=request_body("courtesy")), 403)
    assert_problem(await focal.patch(f"/vettings/{mine['id']}", json={"note": "x"}), 403)
    for role in ("trainer", "observer"):
        other = await sign_in(role)
        assert_problem(await other.get(f"/vettings/{mine['id']}"), 403)


async def test_coordinators_record_vetting_for_officers_of_their_partner_countries(
    client, sign_in, unit, programme, cycle
):
    coordinator = await sign_in("coordinator", programme_ids=[uuid.UUID(programme["id"])])
    person = await officer(client, unit)
    r = await coordinator.post(f"/officers/{person}/vettings", json=request_body("courtesy"))
    assert r.status_code == 201, r.text
    stranger = await sign_in("coordinator")
    assert_problem(await stranger.get(f"/vettings/{r.json()['id']}"), 404)


# --- a failed vetting takes the person off the roster ------------------------------------------------


@pytest.mark.parametrize("outcome", ["rejected", "suspended"])
async def test_a_failed_vetting_frees_the_seat_for_the_same_agencys_alternate(client, db, unit, cycle, outcome):
    other_unit = await agency(client, "Narcotics directorate (test)")
    leahy = await open_module(
        client, cycle["id"], f"LEAHY-{outcome}", capacity=1, vetting_required="leahy", sessions=SEPTEMBER
    )
    courtesy = await open_module(client, cycle["id"], f"COURT-{outcome}", vetting_required="courtesy")
    delivered = await open_module(
        client,
        cycle["id"],
        f"DONE-{outcome}",
        vetting_required="leahy",
        sessions=[("2025-03-02T09:00:00+03:00", "2025-03-02T12:00:00+03:00")],
    )
    person, alternate, outsider = (
        await officer(client, unit),
        await officer(client, unit),
        await officer(client, other_unit),
    )
    enrolled = await seat(db, leahy["id"], person, unit, NominationStatus.enrolled)
    waiting_outsider = await seat(db, leahy["id"], outsider, other_unit, NominationStatus.waitlisted, priority=1)
    waiting_alternate = await seat(
        db, leahy["id"], alternate, unit, NominationStatus.waitlisted, role=NominationRole.alternate, priority=50
    )
    untouched = await seat(db, courtesy["id"], person, unit, NominationStatus.enrolled)
    past = await seat(db, delivered["id"], person, unit, NominationStatus.enrolled)
    await db.execute(
        update(Module).where(Module.id == uuid.UUID(delivered["id"])).values(status=ModuleStatus.delivered)
    )

    v = await request_vetting(client, person, "leahy")
    body = {"status": outcome}
    if outcome == "rejected":
        body["result_on"] = "2025-07-01"
    r = await answer(client, v, **body)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["vetting"]["status"] == outcome
    assert got["removed_from"] == [str(enrolled.id)]
    assert [p["id"] for p in got["promoted"]] == [str(waiting_alternate.id)]
    assert got["promoted"][0]["status"] == "enrolled"

    assert await status_of(db, enrolled) is NominationStatus.vetting_failed
    assert await status_of(db, waiting_alternate) is NominationStatus.enrolled
    assert await status_of(db, waiting_outsider) is NominationStatus.waitlisted
    assert await status_of(db, untouched) is NominationStatus.enrolled  # another vetting type
    assert await status_of(db, past) is NominationStatus.enrolled  # delivered: history is not rewritten
    history = (await db.scalars(select(NominationChange).where(NominationChange.nomination_id == enrolled.id))).all()
    assert [(h.from_status, h.to_status, h.reason) for h in history] == [
        ("enrolled", "vetting_failed", f"leahy vetting {outcome}")
    ]


# --- what module confirmation and cancellation ask of vetting ---------------------------------------


async def test_vetting_blockers_name_who_blocks_and_why_in_constant_queries(client, db, unit, cycle, statements):
    moved_to = await agency(client, "Border ports commission (test)")
    module = await open_module(client, cycle["id"], "LEAHY-BLOCK", vetting_required="leahy", sessions=SEPTEMBER)
    people = {
        key: await officer(client, unit, name_latin=f"{key.title()} Test Person")
        for key in ("none", "courtesy", "requested", "rejected", "expired", "moved", "valid")
    }
    await approve(client, await request_vetting(client, people["courtesy"], "courtesy"))
    await request_vetting(client, people["requested"], needed_by="2025-09-01")
    r = await answer(
        client, await request_vetting(client, people["rejected"]), status="rejected", result_on="2025-06-20"
    )
    assert r.status_code == 200, r.text
    await approve(client, await request_vetting(client, people["expired"]), valid_until="2025-09-10")
    await approve(client, await request_vetting(client, people["moved"]))
    r = await client.patch(f"/officers/{people['moved']}", json={"agency_id": moved_to})
    assert r.status_code == 200, r.text
    await approve(client, await request_vetting(client, people["valid"]))
    for p in people.values():  # seated after the answers: a rejection takes an enrolled person off the roster
        await seat(db, module["id"], p, unit, NominationStatus.enrolled)
    await seat(
        db, module["id"], await officer(client, unit), unit, NominationStatus.waitlisted
    )  # not enrolled: not checked

    row = await db.get(Module, uuid.UUID(module["id"]), populate_existing=True)
    statements.count = 0
    blockers, blocking = await vetting_blockers(db, principal=Principal.system(), module=row)
    assert statements.count <= 3 and blocking == len(blockers)
    reasons = {str(b.officer_id): b.reason for b in blockers}
    assert set(reasons) == {people[k] for k in ("none", "courtesy", "requested", "rejected", "expired", "moved")}
    assert reasons[people["none"]] == "no leahy vetting requested"
    assert reasons[people["courtesy"]] == "no leahy vetting requested (has courtesy only)"
    assert reasons[people["requested"]] == "leahy vetting still requested (needed by 2025-09-01)"
    assert reasons[people["rejected"]] == "leahy vetting rejected on 2025-06-20"
    assert "expires on 2025-09-10, before the module ends (2025-09-11)" in reasons[people["expired"]]
    assert "another unit" in reasons[people["moved"]]
    assert {b.name_latin for b in blockers} >= {"None Test Person", "Moved Test Person"}


async def test_no_blockers_when_the_module_needs_no_vetting(client, db, unit, cycle, statements):
    module = await open_module(client, cycle["id"], "NO-VET")
    await seat(db, module["id"], await officer(client, unit), unit, NominationStatus.enrolled)
    row = await db.get(Module, uuid.UUID(module["id"]))
    statements.count = 0
    assert await vetting_blockers(db, principal=Principal.system(), module=row) == ([], 0) and statements.count == 0


async def test_cancelling_a_module_cancels_its_pending_requests(client, db, unit, cycle):
    module = await open_module(client, cycle["id"], "LEAHY-CANCEL", vetting_required="leahy", sessions=SEPTEMBER)
    other = await open_module(client, cycle["id"], "LEAHY-OTHER", vetting_required="leahy", sessions=SEPTEMBER)
    pending = await request_vetting(client, await officer(client, unit), module_id=module["id"])
    answered = await approve(client, await request_vetting(client, await officer(client, unit), module_id=module["id"]))
    elsewhere = await request_vetting(client, await officer(client, unit), module_id=other["id"])
    row = await db.get(Module, uuid.UUID(module["id"]))
    assert await cancel_module_vettings(db, principal=Principal.system("test"), module=row) == 1
    found = dict((await db.execute(select(Vetting.id, Vetting.status).execution_options(populate_existing=True))).all())
    assert found[uuid.UUID(pending["id"])] is VettingStatus.cancelled
    assert found[uuid.UUID(answered["id"])] is VettingStatus.approved
    assert found[uuid.UUID(elsewhere["id"])] is VettingStatus.requested
