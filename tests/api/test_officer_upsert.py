"""Upsert by external id, deactivation, and machine clients bound to an agency."""

from __future__ import annotations

import uuid

import pytest

from tests.problems import assert_problem

URL = "/officers/by-external-id/mission-hr/{}"


async def _agency(client, name: str, parent: str | None = None, acronym: str | None = None) -> str:
    r = await client.post(
        "/agencies",
        json={"name_en": name, "name_ar": "جهة " + name, "kind": "police", "parent_id": parent, "acronym": acronym},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _body(agency_id: str, **extra) -> dict:
    return {
        "agency_id": agency_id,
        "full_name_ar": "حيدر سالم كاظم",
        "name_latin": "Haider Salem Kadhim",
        "sex": "male",
        "rank": "Captain",
    } | extra


async def test_upsert_creates_then_updates_and_a_repeat_changes_nothing(client):
    agency = await _agency(client, "Upsert Police")
    created = await client.put(URL.format("E-1"), json=_body(agency))
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"http://test/api/v1/officers/{created.json()['id']}"
    assert created.json()["external_ids"] == [{"source": "mission-hr", "id": "E-1"}]
    again = await client.put(URL.format("E-1"), json=_body(agency))
    assert again.status_code == 200, again.text
    assert again.json()["version"] == created.json()["version"] == 1 and again.headers["etag"] == '"1"'
    changed = await client.put(URL.format("E-1"), json=_body(agency, rank="Major", job_title="Analyst"))
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert changed.json()["rank"] == "Major" and changed.json()["id"] == created.json()["id"]
    cleared = await client.put(URL.format("E-1"), json=_body(agency, rank=None))
    assert cleared.json()["rank"] is None and cleared.json()["job_title"] is None  # a PUT replaces
    stale = await client.put(URL.format("E-1"), json=_body(agency, rank="Colonel"), headers={"If-Match": '"1"'})
    assert_problem(stale, 412)


async def test_upsert_reports_a_namesake_as_a_create_does(client):
    agency = await _agency(client, "Namesake Police")
    assert (await client.put(URL.format("N-1"), json=_body(agency))).status_code == 201
    dup = await client.put(URL.format("N-2"), json=_body(agency, full_name_ar="حيدر سالم كاظم"))
    body = assert_problem(dup, 409, "/problems/possible-duplicate")
    assert [c["matched_on"] for c in body["candidates"]] == ["arabic_name"]
    forced = await client.put(URL.format("N-2"), params={"allow_duplicate": "true"}, json=_body(agency))
    assert forced.status_code == 201


async def test_a_deactivated_officer_is_listed_on_request_and_cannot_be_nominated(client):
    agency = await _agency(client, "Deactivation Police")
    officer = (await client.put(URL.format("D-1"), json=_body(agency))).json()
    r = await client.patch(f"/officers/{officer['id']}", json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["deactivated_at"]
    listed = await client.get("/officers", params={"agency_id": agency})
    assert officer["id"] not in {o["id"] for o in listed.json()["items"]}
    listed = await client.get("/officers", params={"agency_id": agency, "status": "deactivated"})
    assert [o["id"] for o in listed.json()["items"]] == [officer["id"]]
    assert (await client.get(f"/officers/{officer['id']}")).status_code == 200  # history stays reachable


async def test_user_names_are_unique_after_nfc_and_case_folding(client):
    agency = await _agency(client, "Username Police")
    first = await client.put(URL.format("U-1"), json=_body(agency))
    assert (await client.patch(f"/officers/{first.json()['id']}", json={"user_name": "Ali.Hassan"})).status_code == 200
    second = await client.put(URL.format("U-2"), params={"allow_duplicate": "true"}, json=_body(agency))
    assert_problem(
        await client.patch(f"/officers/{second.json()['id']}", json={"user_name": "ALI.hassan"}),
        409,
        "/problems/user-name-taken",
    )
    found = await client.get("/officers", params={"user_name": "ali.HASSAN"})
    assert [o["id"] for o in found.json()["items"]] == [first.json()["id"]]


@pytest.mark.parametrize("who", ["bound client", "focal point"])
async def test_a_bound_client_and_a_focal_point_reach_only_their_agency_subtree(client, machine, sign_in, who):
    moi = await _agency(client, "Bound MoI")
    unit = await _agency(client, "Bound Unit", moi)
    other = await _agency(client, "Other Service")
    mine = (await client.put(URL.format("B-1"), json=_body(unit))).json()
    theirs = (await client.put(URL.format("B-2"), json=_body(other, full_name_ar="سعد ناصر"))).json()
    if who == "bound client":
        hr = await machine(["officers:read", "officers:write"], agency_id=moi)
    else:
        hr = await sign_in("focal_point", agency_id=uuid.UUID(moi))
    assert {o["id"] for o in (await hr.get("/officers")).json()["items"]} == {mine["id"]}
    assert (await hr.get(f"/officers/{theirs['id']}")).status_code == 404
    assert (await hr.get(f"/officers/{uuid.uuid4()}")).status_code == 404
    assert (await hr.patch(f"/officers/{theirs['id']}", json={"rank": "X"})).status_code == 404
    # Another agency's id is as if nobody held it: created within reach; theirs stays as it was.
    created = await hr.put(URL.format("B-2"), json=_body(unit, full_name_ar="سعد ناصر"))
    assert created.status_code == 201, created.text
    assert created.json()["id"] != theirs["id"] and created.json()["agency_id"] == unit
    assert (await client.get(f"/officers/{theirs['id']}")).json() == theirs
    assert (await hr.put(URL.format("B-3"), json=_body(other, full_name_ar="عمر"))).status_code == 422
    assert (await hr.put(URL.format("B-3"), json=_body(unit, full_name_ar="عمر"))).status_code == 201


async def test_administrators_bind_clients_to_an_agency(client):
    agency = await _agency(client, "Binding Police")
    r = await client.post("/clients", json={"name": "HR", "scopes": ["scim", "imports:write"], "agency_id": agency})
    assert r.status_code == 201, r.text
    assert r.json()["agency_id"] == agency and r.json()["scopes"] == ["imports:write", "scim"]
    r = await client.patch(f"/clients/{r.json()['id']}", json={"agency_id": None})
    assert r.status_code == 200 and r.json()["agency_id"] is None
    assert_problem(
        await client.post("/clients", json={"name": "HR", "scopes": [], "agency_id": str(uuid.uuid4())}), 422
    )
