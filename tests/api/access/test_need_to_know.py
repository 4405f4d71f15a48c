"""Need-to-know: a focal point sees only their agency subtree, by every route, ids included;
trainers and observers get no officer records; coordinators plan only their programmes."""

import json
import uuid

import pytest

AR = {"a": "علي حسن كريم", "b": "زينب عباس جاسم", "c": "عمر خالد سلمان"}


async def _agency(client, name, parent=None, kind="police"):
    r = await client.post(
        "/agencies", json={"name_en": name, "name_ar": "جهة " + name, "kind": kind, "parent_id": parent}
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _officer(client, agency_id, key, sex="male"):
    r = await client.post(
        "/officers",
        json={
            "agency_id": agency_id,
            "full_name_ar": AR[key],
            "name_latin": f"Officer {key.upper()}",
            "sex": sex,
            "rank": "Major",
            "external_ids": [{"source": "mission-hr", "id": f"hr-{key}"}],
        },
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.fixture
async def world(client, sign_in):
    moi = await _agency(client, "Ministry of Interior", kind="ministry")
    police = await _agency(client, "Federal Police", moi)
    unit = await _agency(client, "Unit X", police)
    inis = await _agency(client, "National Intelligence Service", kind="intelligence")
    officers = {
        "a": await _officer(client, police, "a"),
        "b": await _officer(client, unit, "b", "female"),
        "c": await _officer(client, inis, "c"),
    }
    return {
        "agencies": {"moi": moi, "police": police, "unit": unit, "inis": inis},
        "officers": officers,
        "police_fp": await sign_in("focal_point", agency_id=uuid.UUID(police)),
        "inis_fp": await sign_in("focal_point", agency_id=uuid.UUID(inis)),
    }


def ids(page):
    return {o["id"] for o in page.json()["items"]}


async def test_focal_point_lists_and_searches_only_their_subtree(world):
    fp, o = world["police_fp"], world["officers"]
    assert ids(await fp.get("/officers")) == {o["a"], o["b"]}
    assert ids(await world["inis_fp"].get("/officers")) == {o["c"]}
    assert ids(await fp.get("/officers", params={"q": "عمر"})) == set()
    assert ids(await fp.get("/officers", params={"q": "Officer C"})) == set()
    assert ids(await fp.get("/officers", params={"agency_id": world["agencies"]["inis"]})) == set()
    assert ids(await fp.get("/officers", params={"external_source": "mission-hr", "external_id": "hr-c"})) == set()
    assert ids(await fp.get("/officers", params={"agency_id": world["agencies"]["unit"]})) == {o["b"]}


async def test_another_agencys_officer_does_not_exist_for_a_focal_point(world):
    fp, c = world["police_fp"], world["officers"]["c"]
    for method, kwargs in (("GET", {}), ("PATCH", {"json": {"rank": "Colonel"}}), ("DELETE", {}), ("POST", {})):
        url = f"/officers/{c}" if method != "POST" else f"/officers/{c}/erasure"
        r = await fp.request(method, url, **kwargs)
        expected = 403 if method == "POST" else 404  # erasure is an admin's act whatever the id
        assert r.status_code == expected, (method, r.text)
    random_id = await fp.get(f"/officers/{uuid.uuid4()}")
    hidden = await fp.get(f"/officers/{c}")
    assert random_id.status_code == hidden.status_code == 404
    assert random_id.json()["title"] == hidden.json()["title"]  # nothing tells a hidden record from a missing one


async def test_focal_point_creates_only_in_their_subtree_and_learns_nothing_from_keys_held_elsewhere(world):
    fp = world["police_fp"]
    elsewhere = await fp.post(
        "/officers",
        json={
            "agency_id": world["agencies"]["inis"],
            "full_name_ar": "سعد ناصر",
            "name_latin": "Saad Nasser",
            "sex": "male",
        },
    )
    assert elsewhere.status_code == 422
    unknown = await fp.post(
        "/officers",
        json={"agency_id": str(uuid.uuid4()), "full_name_ar": "سعد ناصر", "name_latin": "Saad Nasser", "sex": "male"},
    )
    assert (
        [e["field"] for e in elsewhere.json()["errors"]]
        == [e["field"] for e in unknown.json()["errors"]]
        == ["agency_id"]
    )
    assert elsewhere.json()["detail"] == unknown.json()["detail"]
    # An external id held only outside their reach is as if nobody held it.
    held_elsewhere = await fp.post(
        "/officers",
        json={
            "agency_id": world["agencies"]["unit"],
            "full_name_ar": "كريم جاسم",
            "name_latin": "Kareem Jasim",
            "sex": "male",
            "external_ids": [{"source": "mission-hr", "id": "hr-c"}],
        },
    )
    assert held_elsewhere.status_code == 201, held_elsewhere.text
    assert AR["c"] not in held_elsewhere.text and world["officers"]["c"] not in held_elsewhere.text
    inside = await fp.post(
        "/officers",
        json={
            "agency_id": world["agencies"]["unit"],
            "full_name_ar": "سعد ناصر",
            "name_latin": "Saad Nasser",
            "sex": "male",
        },
    )
    assert inside.status_code == 201
    moved = await fp.patch(f"/officers/{inside.json()['id']}", json={"agency_id": world["agencies"]["inis"]})
    assert moved.status_code == 422


async def test_trainers_and_observers_get_no_person_records(world, sign_in, client):
    trainer_record = await client.post("/trainers", json={"name": "T One", "organisation": "EUROPOL"})
    trainer = await sign_in("trainer", trainer_id=uuid.UUID(trainer_record.json()["id"]))
    observer = await sign_in("observer")
    for who in (trainer, observer):
        assert (await who.get("/officers")).status_code == 403
        assert (await who.get(f"/officers/{world['officers']['a']}")).status_code == 403
    assert (await observer.get("/trainers")).status_code == 403
    assert (await observer.get("/modules")).status_code == 200


async def test_coordinator_sees_officers_of_their_programmes_partner_countries(world, client, sign_in):
    programme = (await client.post("/programmes", json={"name": "P", "acronym": "P1", "implementer": "X"})).json()["id"]
    other = (await client.post("/programmes", json={"name": "Q", "acronym": "Q1", "implementer": "X"})).json()["id"]
    cycle = (
        await client.post(
            "/cycles",
            json={
                "programme_id": programme,
                "partner_country": "IQ",
                "title": "Iraq",
                "starts_on": "2024-01-01",
                "ends_on": "2026-12-31",
            },
        )
    ).json()["id"]
    other_cycle = (
        await client.post(
            "/cycles",
            json={
                "programme_id": other,
                "partner_country": "JO",
                "title": "Jordan",
                "starts_on": "2024-01-01",
                "ends_on": "2026-12-31",
            },
        )
    ).json()["id"]
    assigned = await sign_in("coordinator", programme_ids=[uuid.UUID(programme)])
    unassigned = await sign_in("coordinator")
    assert ids(await assigned.get("/officers")) == set(world["officers"].values())
    assert ids(await unassigned.get("/officers")) == set()
    assert (await unassigned.get(f"/officers/{world['officers']['a']}")).status_code == 404
    await client.post("/disciplines", json={"code": "ilp", "label_en": "Intelligence-led policing"})
    module = {"code": "M1", "title": "ILP", "discipline": "ilp", "format": "course", "capacity": 20}
    assert (await assigned.post("/modules", json=module | {"cycle_id": cycle})).status_code == 201
    refused = await assigned.post("/modules", json=module | {"cycle_id": other_cycle})
    assert refused.status_code == 403
    assert (await assigned.patch(f"/cycles/{other_cycle}", json={"title": "Mine now"})).status_code == 403


async def test_reads_of_officer_lists_by_focal_points_are_audited(world, client):
    await world["police_fp"].get("/officers", params={"q": "Officer"})
    log = await client.get("/audit", params={"action": "read", "entity": "officer"})
    entries = [e for e in log.json()["items"] if e["actor_id"] == str(world["police_fp"].user_id)]
    assert len(entries) == 1
    assert entries[0]["row_count"] == 2
    assert entries[0]["changes"]["filter"]["q"] == "Officer"


async def test_every_write_is_audited_with_before_and_after(client):
    r = await client.post("/venues", json={"name": "JCC", "city": "Baghdad", "capacity": 40})
    vid = r.json()["id"]
    await client.patch(f"/venues/{vid}", json={"capacity": 35})
    log = (await client.get("/audit", params={"entity": "venue", "entity_id": vid})).json()["items"]
    assert [e["action"] for e in log] == ["created", "updated"]
    assert log[1]["changes"] == {"capacity": {"before": 40, "after": 35}}
    assert log[0]["actor_name"].startswith("admin-")


async def test_erasure_pseudonymises_and_leaves_no_values_in_the_audit(world, client):
    b = world["officers"]["b"]
    r = await client.post(f"/officers/{b}/erasure")
    assert r.status_code == 200, r.text
    erased = r.json()
    assert AR["b"] not in json.dumps(erased, ensure_ascii=False)
    assert erased["external_ids"] == [] and erased["rank"] is None and erased["sex"] == "female"
    assert (await client.get(f"/officers/{b}")).status_code == 404
    log = (await client.get("/audit", params={"entity": "officer", "entity_id": b})).json()["items"]
    assert "erased" in [e["action"] for e in log]
    dumped = json.dumps(log, ensure_ascii=False)
    assert AR["b"] not in dumped and "hr-b" not in dumped and "Officer B" not in dumped
