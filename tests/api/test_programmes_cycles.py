"""Programmes and cooperation cycles through HTTP: CRUD, ETags, If-Match, deletes refused while
referenced, cycle defaults and validation."""

from __future__ import annotations

import uuid

from tests.problems import assert_problem, error_fields

PROBLEM = "application/problem+json"


def programme_body(**overrides) -> dict:
    body = {
        "name": "Counter-Terrorism Justice programme",
        "acronym": f"CTJ-{uuid.uuid4().hex[:6]}",
        "implementer": "FIIAPP",
        "funding_sources": [{"donor": "EU", "instrument": "Instrument contributing to Stability and Peace"}],
    }
    return body | overrides


async def create_programme(client, **overrides) -> dict:
    r = await client.post("/programmes", json=programme_body(**overrides))
    assert r.status_code == 201, r.text
    return r.json()


def cycle_body(programme_id: str, **overrides) -> dict:
    body = {
        "programme_id": programme_id,
        "partner_country": "IQ",
        "title": "EU–Iraq bilateral cooperation cycle 2024–2026",
        "starts_on": "2024-01-01",
        "ends_on": "2026-12-31",
    }
    return body | overrides


async def create_cycle(client, programme_id: str, **overrides) -> dict:
    r = await client.post("/cycles", json=cycle_body(programme_id, **overrides))
    assert r.status_code == 201, r.text
    return r.json()


# --- programmes -------------------------------------------------------------------------------


async def test_programme_create_returns_location_and_etag(client):
    r = await client.post("/programmes", json=programme_body(acronym="CT JUST"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"http://test/api/v1/programmes/{body['id']}"
    assert r.headers["etag"] == '"1"'
    assert body["version"] == 1
    assert body["acronym"] == "CT JUST"
    assert body["funding_sources"] == [{"donor": "EU", "instrument": "Instrument contributing to Stability and Peace"}]

    # The Location header points at the created resource.
    r = await client.get(r.headers["location"])
    assert r.status_code == 200
    assert r.json()["id"] == body["id"]
    assert r.headers["etag"] == '"1"'


async def test_programme_get_lists_and_patch_with_if_match(client):
    p = await create_programme(
        client,
        name="UNODC law enforcement capacities",
        implementer="UNODC",
        funding_sources=[{"donor": "US", "instrument": "INL"}],
    )
    pid = p["id"]

    r = await client.get(f"/programmes/{pid}")
    assert r.status_code == 200
    etag = r.headers["etag"]
    assert etag == '"1"'

    r = await client.patch(
        f"/programmes/{pid}", json={"name": "UNODC Iraq law enforcement"}, headers={"If-Match": etag}
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    assert r.json()["name"] == "UNODC Iraq law enforcement"
    assert r.json()["implementer"] == "UNODC"  # untouched fields stay
    assert r.headers["etag"] == '"2"'

    r = await client.get(f"/programmes/{pid}")
    assert r.json()["name"] == "UNODC Iraq law enforcement"
    assert r.headers["etag"] == '"2"'

    # The old ETag is stale now.
    r = await client.patch(f"/programmes/{pid}", json={"name": "Lost update"}, headers={"If-Match": etag})
    assert_problem(r, 412, "/problems/precondition-failed")
    r = await client.get(f"/programmes/{pid}")
    assert r.json()["name"] == "UNODC Iraq law enforcement"
    assert r.json()["version"] == 2

    # An If-Match that is no ETag is refused too, not ignored: a 422 naming it.
    r = await client.patch(f"/programmes/{pid}", json={"name": "X"}, headers={"If-Match": "garbage"})
    assert error_fields(assert_problem(r, 422, "/problems/validation-error")) == {"header.if-match"}

    # Without If-Match the update goes through (last writer wins).
    r = await client.patch(f"/programmes/{pid}", json={"acronym": "UNODC-IQ"})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 3


async def test_programme_listed(client):
    p = await create_programme(client, name="Zeta listed programme")
    r = await client.get("/programmes", params={"q": p["acronym"]})
    assert r.status_code == 200
    assert [x["id"] for x in r.json()["items"]] == [p["id"]]
    assert r.json()["next_cursor"] is None
    assert "link" not in r.headers


async def test_programme_patch_null_for_required_field_is_422(client):
    p = await create_programme(client)
    r = await client.patch(f"/programmes/{p['id']}", json={"name": None})
    assert_problem(r, 422)


async def test_programme_duplicate_acronym_is_409(client):
    await create_programme(client, acronym="CT PHARE")
    r = await client.post("/programmes", json=programme_body(acronym="CT PHARE"))
    assert_problem(r, 409)


async def test_programme_delete(client):
    p = await create_programme(client)
    r = await client.delete(f"/programmes/{p['id']}")
    assert r.status_code == 204
    assert r.content == b""
    r = await client.get(f"/programmes/{p['id']}")
    assert_problem(r, 404, "/problems/not-found")
    r = await client.delete(f"/programmes/{p['id']}")
    assert_problem(r, 404, "/problems/not-found")


async def test_programme_delete_with_stale_if_match_is_412(client):
    p = await create_programme(client)
    await client.patch(f"/programmes/{p['id']}", json={"name": "Renamed"})
    r = await client.delete(f"/programmes/{p['id']}", headers={"If-Match": '"1"'})
    assert_problem(r, 412)
    assert (await client.get(f"/programmes/{p['id']}")).status_code == 200


async def test_programme_with_a_cycle_cannot_be_deleted(client):
    p = await create_programme(client)
    c = await create_cycle(client, p["id"])
    r = await client.delete(f"/programmes/{p['id']}")
    body = assert_problem(r, 409, "/problems/in-use")
    assert {"reference": "cycles.programme_id", "count": 1} in body["references"]
    # Still there.
    assert (await client.get(f"/programmes/{p['id']}")).status_code == 200

    # Once the cycle is gone the programme can go.
    assert (await client.delete(f"/cycles/{c['id']}")).status_code == 204
    assert (await client.delete(f"/programmes/{p['id']}")).status_code == 204


# --- cycles ---------------------------------------------------------------------------------


async def test_cycle_defaults(client):
    p = await create_programme(client)
    r = await client.post("/cycles", json=cycle_body(p["id"]))
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"http://test/api/v1/cycles/{body['id']}"
    assert r.headers["etag"] == '"1"'
    assert body["time_zone"] == "Asia/Baghdad"
    assert body["working_days"] == ["sunday", "monday", "tuesday", "wednesday", "thursday"]
    assert body["female_share_target"] == 0.3
    assert body["holidays"] == []
    assert body["programme_id"] == p["id"]
    assert body["partner_country"] == "IQ"
    assert body["starts_on"] == "2024-01-01"
    assert body["ends_on"] == "2026-12-31"

    r = await client.get(f"/cycles/{body['id']}")
    assert r.status_code == 200
    assert r.headers["etag"] == '"1"'
    assert r.json() == body


async def test_cycle_explicit_values_kept(client):
    p = await create_programme(client)
    c = await create_cycle(
        client,
        p["id"],
        female_share_target=0.25,
        time_zone="Europe/Madrid",
        working_days=["monday", "tuesday", "wednesday", "thursday", "friday"],
        holidays=[{"date": "2025-03-31", "name": "Eid al-Fitr"}],
    )
    assert c["female_share_target"] == 0.25
    assert c["time_zone"] == "Europe/Madrid"
    assert c["working_days"] == ["monday", "tuesday", "wednesday", "thursday", "friday"]
    assert c["holidays"] == [{"date": "2025-03-31", "name": "Eid al-Fitr"}]


async def test_cycle_patch_with_if_match_and_holidays(client):
    p = await create_programme(client)
    c = await create_cycle(client, p["id"])
    r = await client.patch(
        f"/cycles/{c['id']}",
        json={"holidays": [{"date": "2025-06-06", "name": "Eid al-Adha"}]},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    assert r.headers["etag"] == '"2"'
    assert r.json()["holidays"] == [{"date": "2025-06-06", "name": "Eid al-Adha"}]
    assert (await client.get(f"/cycles/{c['id']}")).json()["holidays"] == [
        {"date": "2025-06-06", "name": "Eid al-Adha"}
    ]

    r = await client.patch(f"/cycles/{c['id']}", json={"title": "Stale"}, headers={"If-Match": '"1"'})
    assert_problem(r, 412, "/problems/precondition-failed")


async def test_cycle_delete(client):
    p = await create_programme(client)
    c = await create_cycle(client, p["id"])
    assert (await client.delete(f"/cycles/{c['id']}")).status_code == 204
    assert_problem(await client.get(f"/cycles/{c['id']}"), 404)


async def test_cycle_ends_before_it_starts_is_422(client):
    p = await create_programme(client)
    r = await client.post("/cycles", json=cycle_body(p["id"], starts_on="2026-01-01", ends_on="2025-12-31"))
    assert_problem(r, 422, "/problems/validation-error")

    # Same rule on PATCH, including when only one of the dates changes.
    c = await create_cycle(client, p["id"])
    r = await client.patch(f"/cycles/{c['id']}", json={"ends_on": "2023-12-31"})
    body = assert_problem(r, 422)
    assert "ends_on" in error_fields(body)
    r = await client.patch(f"/cycles/{c['id']}", json={"starts_on": "2030-01-01"})
    assert_problem(r, 422)
    assert (await client.get(f"/cycles/{c['id']}")).json()["version"] == 1


async def test_cycle_one_day_is_allowed(client):
    p = await create_programme(client)
    c = await create_cycle(client, p["id"], starts_on="2024-12-03", ends_on="2024-12-03")
    assert c["starts_on"] == c["ends_on"] == "2024-12-03"


async def test_cycle_bad_time_zone_is_422(client):
    p = await create_programme(client)
    r = await client.post("/cycles", json=cycle_body(p["id"], time_zone="Asia/Atlantis"))
    body = assert_problem(r, 422, "/problems/validation-error")
    assert "time_zone" in error_fields(body)

    c = await create_cycle(client, p["id"])
    r = await client.patch(f"/cycles/{c['id']}", json={"time_zone": "UTC+3"})
    assert "time_zone" in error_fields(assert_problem(r, 422))


async def test_cycle_bad_country_code_is_422(client):
    p = await create_programme(client)
    for bad in ("Iraq", "iq", "I", "IRQ", "12"):
        r = await client.post("/cycles", json=cycle_body(p["id"], partner_country=bad))
        body = assert_problem(r, 422, "/problems/validation-error")
        assert "partner_country" in error_fields(body), bad


async def test_cycle_target_must_be_a_fraction(client):
    p = await create_programme(client)
    r = await client.post("/cycles", json=cycle_body(p["id"], female_share_target=25))
    assert "female_share_target" in error_fields(assert_problem(r, 422))
    r = await client.post("/cycles", json=cycle_body(p["id"], female_share_target=-0.1))
    assert "female_share_target" in error_fields(assert_problem(r, 422))


async def test_cycle_bad_working_day_is_422(client):
    p = await create_programme(client)
    r = await client.post("/cycles", json=cycle_body(p["id"], working_days=["sunday", "funday"]))
    assert_problem(r, 422)
    r = await client.post("/cycles", json=cycle_body(p["id"], working_days=["sunday", "sunday"]))
    assert_problem(r, 422)


async def test_cycle_unknown_programme_is_422_naming_the_field(client):
    missing = str(uuid.uuid4())
    r = await client.post("/cycles", json=cycle_body(missing))
    body = assert_problem(r, 422, "/problems/validation-error")
    assert error_fields(body) == {"programme_id"}

    p = await create_programme(client)
    c = await create_cycle(client, p["id"])
    r = await client.patch(f"/cycles/{c['id']}", json={"programme_id": missing})
    assert error_fields(assert_problem(r, 422)) == {"programme_id"}


async def test_cycle_list_filters_by_programme(client):
    p1 = await create_programme(client)
    p2 = await create_programme(client)
    c1 = await create_cycle(client, p1["id"], starts_on="2024-01-01")
    c2 = await create_cycle(client, p1["id"], starts_on="2025-01-01")
    await create_cycle(client, p2["id"])
    r = await client.get("/cycles", params={"programme_id": p1["id"]})
    assert r.status_code == 200
    assert [c["id"] for c in r.json()["items"]] == [c1["id"], c2["id"]]
    r = await client.get("/cycles", params={"programme_id": p1["id"], "active_on": "2025-06-01"})
    assert [c["id"] for c in r.json()["items"]] == [c1["id"], c2["id"]]
    r = await client.get("/cycles", params={"programme_id": p1["id"], "active_on": "2024-06-01"})
    assert [c["id"] for c in r.json()["items"]] == [c1["id"]]
