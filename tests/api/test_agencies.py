"""Agencies through HTTP: CRUD, the unit hierarchy, subtree filters and moves."""

from __future__ import annotations

import uuid

from tests.problems import assert_problem, error_fields

PROBLEM = "application/problem+json"


async def create_agency(
    client, name_en: str, name_ar: str, kind: str = "police", parent_id: str | None = None, **extra
) -> dict:
    body = {"name_en": name_en, "name_ar": name_ar, "kind": kind, "parent_id": parent_id} | extra
    r = await client.post("/agencies", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def create_officer(
    client, agency_id: str, full_name_ar: str = "علي حسن كريم", name_latin: str = "Ali Hassan Kareem"
) -> dict:
    r = await client.post(
        "/officers",
        json={"agency_id": agency_id, "full_name_ar": full_name_ar, "name_latin": name_latin, "sex": "male"},
    )
    assert r.status_code == 201, r.text
    return r.json()


async def ids_within(client, agency_id: str) -> set[str]:
    r = await client.get("/agencies", params={"within": agency_id, "limit": 200})
    assert r.status_code == 200, r.text
    return {a["id"] for a in r.json()["items"]}


async def tree(client) -> dict[str, dict]:
    """MoI -> Criminal Evidence Investigation Directorate -> its lab; MoI -> Federal Police; plus
    a separate Ministry of Justice."""
    moi = await create_agency(client, "Ministry of Interior", "وزارة الداخلية", kind="ministry", acronym="MoI")
    ceid = await create_agency(
        client, "Criminal Evidence Investigation Directorate", "مديرية تحقيق الأدلة الجنائية", parent_id=moi["id"]
    )
    lab = await create_agency(client, "CEID Baghdad laboratory", "مختبر بغداد", parent_id=ceid["id"])
    fp = await create_agency(client, "Federal Police", "الشرطة الاتحادية", parent_id=moi["id"])
    moj = await create_agency(client, "Ministry of Justice", "وزارة العدل", kind="ministry")
    return {"moi": moi, "ceid": ceid, "lab": lab, "fp": fp, "moj": moj}


async def test_agency_crud(client):
    r = await client.post(
        "/agencies",
        json={
            "name_en": "Counter-Terrorism Service",
            "name_ar": "جهاز مكافحة الإرهاب",
            "kind": "intelligence",
            "acronym": "CTS",
        },
    )
    assert r.status_code == 201, r.text
    a = r.json()
    assert r.headers["location"] == f"http://test/api/v1/agencies/{a['id']}"
    assert r.headers["etag"] == '"1"'
    assert a["country"] == "IQ"
    assert a["parent_id"] is None
    assert a["name_ar"] == "جهاز مكافحة الإرهاب"
    assert a["name_ku"] is None

    r = await client.get(f"/agencies/{a['id']}")
    assert r.status_code == 200
    assert r.headers["etag"] == '"1"'
    assert r.json() == a

    r = await client.patch(f"/agencies/{a['id']}", json={"name_ku": "دەزگای دژە تیرۆر"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    assert r.json()["name_ku"] == "دەزگای دژە تیرۆر"
    assert r.headers["etag"] == '"2"'

    r = await client.patch(f"/agencies/{a['id']}", json={"acronym": "X"}, headers={"If-Match": '"1"'})
    assert_problem(r, 412, "/problems/precondition-failed")

    # Optional fields can be cleared.
    r = await client.patch(f"/agencies/{a['id']}", json={"name_ku": None}, headers={"If-Match": '"2"'})
    assert r.status_code == 200, r.text
    assert r.json()["name_ku"] is None
    assert r.json()["version"] == 3

    assert (await client.delete(f"/agencies/{a['id']}")).status_code == 204
    assert_problem(await client.get(f"/agencies/{a['id']}"), 404, "/problems/not-found")


async def test_agency_bad_kind_and_country_are_422(client):
    r = await client.post("/agencies", json={"name_en": "X", "name_ar": "س", "kind": "army"})
    assert "kind" in error_fields(assert_problem(r, 422))
    r = await client.post("/agencies", json={"name_en": "X", "name_ar": "س", "kind": "police", "country": "Iraq"})
    assert "country" in error_fields(assert_problem(r, 422))


async def test_agency_unknown_parent_is_422(client):
    r = await client.post(
        "/agencies", json={"name_en": "Orphan", "name_ar": "يتيم", "kind": "police", "parent_id": str(uuid.uuid4())}
    )
    assert error_fields(assert_problem(r, 422)) == {"parent_id"}


async def test_hierarchy_and_within_filter(client):
    t = await tree(client)
    assert t["ceid"]["parent_id"] == t["moi"]["id"]
    assert t["lab"]["parent_id"] == t["ceid"]["id"]

    # within=<ministry> covers the ministry, its sub-units and their sub-units, and nothing else.
    assert await ids_within(client, t["moi"]["id"]) == {t[k]["id"] for k in ("moi", "ceid", "lab", "fp")}
    assert await ids_within(client, t["ceid"]["id"]) == {t["ceid"]["id"], t["lab"]["id"]}
    assert await ids_within(client, t["moj"]["id"]) == {t["moj"]["id"]}
    assert await ids_within(client, str(uuid.uuid4())) == set()

    # parent_id lists direct children only.
    r = await client.get("/agencies", params={"parent_id": t["moi"]["id"]})
    assert {a["id"] for a in r.json()["items"]} == {t["ceid"]["id"], t["fp"]["id"]}


async def test_moving_under_own_descendant_is_422(client):
    t = await tree(client)
    for target in ("ceid", "lab"):
        r = await client.patch(f"/agencies/{t['moi']['id']}", json={"parent_id": t[target]["id"]})
        assert error_fields(assert_problem(r, 422)) == {"parent_id"}
    r = await client.patch(f"/agencies/{t['ceid']['id']}", json={"parent_id": t["ceid"]["id"]})
    assert error_fields(assert_problem(r, 422)) == {"parent_id"}
    r = await client.patch(f"/agencies/{t['ceid']['id']}", json={"parent_id": t["lab"]["id"]})
    assert error_fields(assert_problem(r, 422)) == {"parent_id"}

    # Nothing moved.
    assert (await client.get(f"/agencies/{t['moi']['id']}")).json()["parent_id"] is None
    assert (await client.get(f"/agencies/{t['ceid']['id']}")).json()["parent_id"] == t["moi"]["id"]
    assert await ids_within(client, t["moi"]["id"]) == {t[k]["id"] for k in ("moi", "ceid", "lab", "fp")}


async def test_moving_to_unknown_parent_is_422(client):
    t = await tree(client)
    r = await client.patch(f"/agencies/{t['ceid']['id']}", json={"parent_id": str(uuid.uuid4())})
    assert error_fields(assert_problem(r, 422)) == {"parent_id"}


async def test_subtree_filter_follows_a_move(client):
    t = await tree(client)
    officer = await create_officer(client, t["lab"]["id"])

    r = await client.patch(
        f"/agencies/{t['ceid']['id']}", json={"parent_id": t["moj"]["id"]}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    assert r.json()["parent_id"] == t["moj"]["id"]
    assert r.json()["version"] == 2
    assert r.headers["etag"] == '"2"'

    assert await ids_within(client, t["moi"]["id"]) == {t["moi"]["id"], t["fp"]["id"]}
    assert await ids_within(client, t["moj"]["id"]) == {t["moj"]["id"], t["ceid"]["id"], t["lab"]["id"]}
    assert await ids_within(client, t["ceid"]["id"]) == {t["ceid"]["id"], t["lab"]["id"]}

    # Officers of the moved sub-sub-unit follow too.
    r = await client.get("/officers", params={"agency_id": t["moj"]["id"]})
    assert [o["id"] for o in r.json()["items"]] == [officer["id"]]
    r = await client.get("/officers", params={"agency_id": t["moi"]["id"]})
    assert r.json()["items"] == []

    # Move the lab up to the root, then back under the Federal Police.
    r = await client.patch(f"/agencies/{t['lab']['id']}", json={"parent_id": None})
    assert r.status_code == 200, r.text
    assert r.json()["parent_id"] is None
    assert await ids_within(client, t["moj"]["id"]) == {t["moj"]["id"], t["ceid"]["id"]}
    assert await ids_within(client, t["lab"]["id"]) == {t["lab"]["id"]}
    r = await client.patch(f"/agencies/{t['lab']['id']}", json={"parent_id": t["fp"]["id"]})
    assert r.status_code == 200, r.text
    assert await ids_within(client, t["moi"]["id"]) == {t["moi"]["id"], t["fp"]["id"], t["lab"]["id"]}
    r = await client.get("/officers", params={"agency_id": t["moi"]["id"]})
    assert [o["id"] for o in r.json()["items"]] == [officer["id"]]

    # And a move of a sub-tree under what used to be its sibling works too.
    r = await client.patch(f"/agencies/{t['fp']['id']}", json={"parent_id": t["ceid"]["id"]})
    assert r.status_code == 200, r.text
    assert await ids_within(client, t["moj"]["id"]) == {t[k]["id"] for k in ("moj", "ceid", "fp", "lab")}
    assert await ids_within(client, t["moi"]["id"]) == {t["moi"]["id"]}


async def test_agency_with_sub_unit_cannot_be_deleted(client):
    t = await tree(client)
    r = await client.delete(f"/agencies/{t['moi']['id']}")
    body = assert_problem(r, 409, "/problems/in-use")
    assert {"reference": "agencies.parent_id", "count": 2} in body["references"]
    assert (await client.get(f"/agencies/{t['moi']['id']}")).status_code == 200
    # A leaf goes.
    assert (await client.delete(f"/agencies/{t['fp']['id']}")).status_code == 204


async def test_agency_with_officer_cannot_be_deleted(client):
    t = await tree(client)
    officer = await create_officer(client, t["lab"]["id"])
    r = await client.delete(f"/agencies/{t['lab']['id']}")
    body = assert_problem(r, 409, "/problems/in-use")
    assert body["references"] == [{"reference": "officers.agency_id", "count": 1}]

    assert (await client.delete(f"/officers/{officer['id']}")).status_code == 204
    assert (await client.delete(f"/agencies/{t['lab']['id']}")).status_code == 204


async def test_agency_list_filters(client):
    t = await tree(client)
    r = await client.get("/agencies", params={"kind": "ministry", "q": "Ministry of"})
    assert {a["id"] for a in r.json()["items"]} >= {t["moi"]["id"], t["moj"]["id"]}
    assert all(a["kind"] == "ministry" for a in r.json()["items"])
    r = await client.get("/agencies", params={"within": t["moi"]["id"], "q": "الشرطة"})
    assert [a["id"] for a in r.json()["items"]] == [t["fp"]["id"]]
