"""Keys shared across agencies: a review list for coordinators and administrators, of the officers
they may see, paged, in a constant number of queries, and audited."""

from __future__ import annotations

import uuid

import pytest

from tests.problems import assert_problem


async def _agency(client, name: str, country: str = "IQ") -> str:
    r = await client.post(
        "/agencies", json={"name_en": name, "name_ar": "جهة " + name, "kind": "police", "country": country}
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _person(agency_id: str, name_ar: str, **extra) -> dict:
    return {"agency_id": agency_id, "full_name_ar": name_ar, "name_latin": name_ar, "sex": "female"} | extra


@pytest.fixture
async def shared(client, sign_in):
    """The same external id, account name and national id recorded in two agencies, each by a focal
    point who does not see the other's; and a key that only one agency carries."""
    moi, inis = await _agency(client, "Keys Ministry"), await _agency(client, "Keys Service")
    recorded = {}
    for agency, name in ((moi, "زينب عباس"), (inis, "زينب عباس جاسم")):
        focal = await sign_in("focal_point", agency_id=uuid.UUID(agency))
        r = await focal.post(
            "/officers",
            json=_person(
                agency,
                name,
                external_ids=[{"source": "mission-hr", "id": "SK-1"}, {"source": "invest", "id": f"only-{agency}"}],
                user_name="Z.Abbas",
                national_id="19800101",
            ),
        )
        assert r.status_code == 201, r.text
        recorded[agency] = r.json()["id"]
    return {"moi": moi, "inis": inis, "officers": recorded}


def _keys(page) -> dict:
    return {(k["kind"], k["source"], k["key"]): {o["id"] for o in k["officers"]} for k in page.json()["items"]}


async def test_administrators_see_every_key_two_agencies_share(client, shared):
    r = await client.get("/officers/shared-keys")
    assert r.status_code == 200, r.text
    both = set(shared["officers"].values())
    keys = _keys(r)
    assert keys[("external_id", "mission-hr", "SK-1")] == both
    assert keys[("user_name", None, "z.abbas")] == both
    assert keys[("national_id", None, "19800101")] == both
    assert not any(source == "invest" for _, source, _ in keys)  # held in one agency only
    item = next(k for k in r.json()["items"] if k["kind"] == "external_id" and k["key"] == "SK-1")
    assert {o["agency_id"] for o in item["officers"]} == {shared["moi"], shared["inis"]}
    assert {o["full_name_ar"] for o in item["officers"]} == {"زينب عباس", "زينب عباس جاسم"}


async def test_coordinators_see_only_officers_within_their_reach(client, sign_in, shared):
    programme = (await client.post("/programmes", json={"name": "K", "acronym": "K1", "implementer": "X"})).json()
    cycle = {"programme_id": programme["id"], "title": "Iraq", "starts_on": "2024-01-01", "ends_on": "2026-12-31"}
    assert (await client.post("/cycles", json=cycle | {"partner_country": "IQ"})).status_code == 201
    coordinator = await sign_in("coordinator", programme_ids=[uuid.UUID(programme["id"])])
    assert _keys(await coordinator.get("/officers/shared-keys"))[("external_id", "mission-hr", "SK-1")] == set(
        shared["officers"].values()
    )
    # Another country's officer shares the id too: out of this coordinator's reach, not shown.
    abroad = await _agency(client, "Keys Abroad", country="JO")
    r = await client.put("/officers/by-external-id/mission-hr/SK-2", json=_person(abroad, "هالة سلمان"))
    assert r.status_code == 201
    focal = await sign_in("focal_point", agency_id=uuid.UUID(shared["moi"]))
    mine = await focal.put("/officers/by-external-id/mission-hr/SK-2", json=_person(shared["moi"], "هالة"))
    assert mine.status_code == 201
    assert ("external_id", "mission-hr", "SK-2") in _keys(await client.get("/officers/shared-keys"))
    assert ("external_id", "mission-hr", "SK-2") not in _keys(await coordinator.get("/officers/shared-keys"))
    assert _keys(await (await sign_in("coordinator")).get("/officers/shared-keys")) == {}


async def test_focal_points_and_machine_clients_are_refused(sign_in, machine, shared):
    focal = await sign_in("focal_point", agency_id=uuid.UUID(shared["moi"]))
    assert_problem(await focal.get("/officers/shared-keys"), 403)
    assert_problem(await (await machine(["officers:read"])).get("/officers/shared-keys"), 403)


async def test_paged_in_a_constant_number_of_queries_and_audited(client, shared, statements):
    seen, cursor, pages, counts = [], None, 0, set()
    while True:
        statements.count = 0
        r = await client.get("/officers/shared-keys", params={"limit": 1} | ({"cursor": cursor} if cursor else {}))
        assert r.status_code == 200, r.text
        counts.add(statements.count)
        seen += r.json()["items"]
        pages += 1
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert pages == len(seen) == 3
    statements.count = 0
    everything = await client.get("/officers/shared-keys", params={"limit": 200})
    assert everything.json()["items"] == seen
    assert counts == {statements.count}, (counts, statements.count)  # one key or three: the same statements
    log = (await client.get("/audit", params={"action": "read", "entity": "shared_keys"})).json()["items"]
    assert len(log) == 4 and log[-1]["row_count"] == 3
