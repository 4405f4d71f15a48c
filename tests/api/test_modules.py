"""Modules through HTTP: CRUD, the discipline vocabulary, prerequisites (follow-up modules),
filters, status transitions and If-Match."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.api.catalogue_data import (  # noqa: F401  (fixtures)
    assert_problem,
    cycle,
    disciplines,
    error_fields,
    make_held_module,
    make_module,
    make_venue,
    module_body,
    other_cycle,
    programme,
    session_body,
    transition,
    unknown_id,
)

# --- create, read, update, delete -----------------------------------------------------------


async def test_create_module_201_with_etag_and_location(client, cycle):
    venue = await make_venue(client)
    body = module_body(
        cycle["id"],
        "ILP-01",
        title="Intelligence-Led Policing",
        venue_id=venue["id"],
        vetting_required="leahy",
        female_share_target=0.3,
        completion_threshold=0.75,
        funding_source={"donor": "EU", "instrument": "Instrument contributing to Stability and Peace"},
    )
    r = await client.post("/modules", json=body)
    assert r.status_code == 201, r.text
    assert r.headers["etag"] == '"1"'
    module = r.json()
    assert r.headers["location"] == f"http://test/api/v1/modules/{module['id']}"
    assert module["status"] == "draft" and module["status_reason"] is None
    assert module["version"] == 1
    for field in (
        "cycle_id",
        "code",
        "title",
        "discipline",
        "format",
        "capacity",
        "venue_id",
        "languages",
        "interpretation",
        "vetting_required",
        "female_share_target",
        "completion_threshold",
        "funding_source",
    ):
        assert module[field] == body[field], field
    assert module["prerequisite_module_ids"] == []

    r = await client.get(f"/modules/{module['id']}")
    assert r.status_code == 200
    assert r.headers["etag"] == '"1"'
    assert r.json() == module


async def test_defaults(client, cycle):
    r = await client.post(
        "/modules",
        json={
            "cycle_id": cycle["id"],
            "code": "D-1",
            "title": "Defaults",
            "discipline": "ilp",
            "format": "workshop",
            "capacity": 12,
        },
    )
    assert r.status_code == 201, r.text
    m = r.json()
    assert m["completion_threshold"] == 0.8
    assert m["vetting_required"] == "none"
    assert m["status"] == "draft"
    assert m["prerequisite_module_ids"] == []
    assert m["female_share_target"] is None


async def test_get_unknown_module_is_404(client):
    assert_problem(await client.get(f"/modules/{unknown_id()}"), 404, "/problems/not-found")


async def test_code_is_unique_within_a_cycle(client, cycle, other_cycle):
    await make_module(client, cycle["id"], "OSINT-01")
    r = await client.post("/modules", json=module_body(cycle["id"], "OSINT-01", title="Another"))
    assert_problem(r, 409, "/problems/unique-conflict")
    # The same code in another cycle is fine.
    r = await client.post("/modules", json=module_body(other_cycle["id"], "OSINT-01"))
    assert r.status_code == 201, r.text


async def test_patch_code_into_a_clash_is_409(client, cycle):
    await make_module(client, cycle["id"], "A-1")
    b = await make_module(client, cycle["id"], "B-1")
    assert_problem(await client.patch(f"/modules/{b['id']}", json={"code": "A-1"}), 409, "/problems/unique-conflict")
    assert (await client.get(f"/modules/{b['id']}")).json()["code"] == "B-1"


async def test_unknown_cycle_is_422(client, disciplines):
    body = assert_problem(await client.post("/modules", json=module_body(unknown_id(), "X-1")), 422)
    assert "cycle_id" in error_fields(body)


async def test_unknown_discipline_is_422_naming_discipline(client, cycle):
    r = await client.post("/modules", json=module_body(cycle["id"], "CF-01", discipline="counter-financing"))
    body = assert_problem(r, 422, "/problems/validation-error")
    assert "discipline" in error_fields(body)
    # Same on PATCH.
    m = await make_module(client, cycle["id"], "CF-02")
    body = assert_problem(await client.patch(f"/modules/{m['id']}", json={"discipline": "counter-financing"}), 422)
    assert "discipline" in error_fields(body)


async def test_extending_the_vocabulary_makes_the_discipline_accepted(client, cycle):
    assert (
        await client.post("/modules", json=module_body(cycle["id"], "CF-01", discipline="counter-financing"))
    ).status_code == 422
    r = await client.post(
        "/disciplines",
        json={
            "code": "counter-financing",
            "label_en": "Countering the financing of terrorism",
            "label_ar": "مكافحة تمويل الإرهاب",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json() == {
        "code": "counter-financing",
        "label_en": "Countering the financing of terrorism",
        "label_ar": "مكافحة تمويل الإرهاب",
    }
    assert "counter-financing" in [d["code"] for d in (await client.get("/disciplines")).json()]
    r = await client.post("/modules", json=module_body(cycle["id"], "CF-01", discipline="counter-financing"))
    assert r.status_code == 201, r.text
    assert r.json()["discipline"] == "counter-financing"
    # Adding it twice is a conflict; removing it while a module uses it too.
    assert_problem(await client.post("/disciplines", json={"code": "counter-financing", "label_en": "Again"}), 409)
    assert_problem(await client.delete("/disciplines/counter-financing"), 409, "/problems/in-use")


@pytest.mark.parametrize("capacity", [0, -5])
async def test_capacity_must_be_positive(client, cycle, capacity):
    body = assert_problem(await client.post("/modules", json=module_body(cycle["id"], "CAP-0", capacity=capacity)), 422)
    assert "capacity" in error_fields(body)


async def test_naive_nomination_deadline_is_422(client, cycle):
    r = await client.post("/modules", json=module_body(cycle["id"], "ND-1", nomination_deadline="2025-01-05T17:00:00"))
    body = assert_problem(r, 422, "/problems/validation-error")
    assert "nomination_deadline" in error_fields(body)


async def test_nomination_deadline_is_returned_in_utc(client, cycle):
    m = await make_module(client, cycle["id"], "ND-2", nomination_deadline="2025-01-05T17:00:00+03:00")
    for got in (m, (await client.get(f"/modules/{m['id']}")).json()):
        deadline = datetime.fromisoformat(got["nomination_deadline"])
        assert deadline.utcoffset() == timedelta(0)
        assert deadline == datetime(2025, 1, 5, 14, 0, tzinfo=UTC)


async def test_unknown_field_is_refused(client, cycle):
    body = assert_problem(await client.post("/modules", json=module_body(cycle["id"], "U-1", capcity=10)), 422)
    assert any("capcity" in f for f in error_fields(body))


async def test_patch_with_if_match(client, cycle):
    m = await make_module(client, cycle["id"], "P-1")
    r = await client.patch(
        f"/modules/{m['id']}", json={"title": "Renamed", "capacity": 25}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    assert r.json()["title"] == "Renamed" and r.json()["capacity"] == 25 and r.json()["version"] == 2

    # A stale ETag is refused and changes nothing.
    r = await client.patch(f"/modules/{m['id']}", json={"title": "Lost update"}, headers={"If-Match": '"1"'})
    assert_problem(r, 412, "/problems/precondition-failed")
    got = await client.get(f"/modules/{m['id']}")
    assert got.json()["title"] == "Renamed"
    assert got.headers["etag"] == '"2"'


async def test_patch_capacity_zero_and_null_required_field_are_422(client, cycle):
    m = await make_module(client, cycle["id"], "P-2")
    assert "capacity" in error_fields(
        assert_problem(await client.patch(f"/modules/{m['id']}", json={"capacity": 0}), 422)
    )
    assert_problem(await client.patch(f"/modules/{m['id']}", json={"title": None}), 422)


async def test_delete_module(client, cycle):
    m = await make_module(client, cycle["id"], "DEL-1")
    assert_problem(await client.delete(f"/modules/{m['id']}", headers={"If-Match": '"7"'}), 412)
    r = await client.delete(f"/modules/{m['id']}", headers={"If-Match": '"1"'})
    assert r.status_code == 204
    assert_problem(await client.get(f"/modules/{m['id']}"), 404)
    assert_problem(await client.delete(f"/modules/{m['id']}"), 404)


# --- prerequisites (follow-up modules) ------------------------------------------------------


async def test_prerequisites_round_trip(client, cycle):
    osint = await make_module(client, cycle["id"], "OPINT-01", discipline="osint")
    humint = await make_module(client, cycle["id"], "OPINT-02", discipline="osint")
    follow_up = await make_module(
        client, cycle["id"], "DE-01", discipline="digital-evidence", prerequisite_module_ids=[osint["id"], humint["id"]]
    )
    assert sorted(follow_up["prerequisite_module_ids"]) == sorted([osint["id"], humint["id"]])
    got = (await client.get(f"/modules/{follow_up['id']}")).json()
    assert sorted(got["prerequisite_module_ids"]) == sorted([osint["id"], humint["id"]])

    r = await client.patch(
        f"/modules/{follow_up['id']}", json={"prerequisite_module_ids": [osint["id"]]}, headers={"If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    assert r.json()["prerequisite_module_ids"] == [osint["id"]]
    assert r.headers["etag"] == '"2"'  # an association-only change still bumps the version
    assert (await client.get(f"/modules/{follow_up['id']}")).json()["prerequisite_module_ids"] == [osint["id"]]

    r = await client.patch(f"/modules/{follow_up['id']}", json={"prerequisite_module_ids": []})
    assert r.status_code == 200, r.text
    assert r.json()["prerequisite_module_ids"] == []


async def test_unknown_prerequisite_is_422(client, cycle):
    body = assert_problem(
        await client.post("/modules", json=module_body(cycle["id"], "F-1", prerequisite_module_ids=[unknown_id()])), 422
    )
    assert "prerequisite_module_ids" in error_fields(body)


async def test_a_module_cannot_be_its_own_prerequisite(client, cycle):
    a = await make_module(client, cycle["id"], "A")
    body = assert_problem(await client.patch(f"/modules/{a['id']}", json={"prerequisite_module_ids": [a["id"]]}), 422)
    assert "prerequisite_module_ids" in error_fields(body)
    assert (await client.get(f"/modules/{a['id']}")).json()["prerequisite_module_ids"] == []


async def test_prerequisite_loops_are_refused(client, cycle):
    a = await make_module(client, cycle["id"], "A")
    b = await make_module(client, cycle["id"], "B", prerequisite_module_ids=[a["id"]])
    # A -> B -> A
    body = assert_problem(await client.patch(f"/modules/{a['id']}", json={"prerequisite_module_ids": [b["id"]]}), 422)
    assert "prerequisite_module_ids" in error_fields(body)
    # A -> C -> B -> A (transitive)
    c = await make_module(client, cycle["id"], "C", prerequisite_module_ids=[b["id"]])
    body = assert_problem(await client.patch(f"/modules/{a['id']}", json={"prerequisite_module_ids": [c["id"]]}), 422)
    assert "prerequisite_module_ids" in error_fields(body)
    assert (await client.get(f"/modules/{a['id']}")).json()["prerequisite_module_ids"] == []
    # A diamond is not a loop: D needs B and C, both of which lead to A.
    d = await make_module(client, cycle["id"], "D", prerequisite_module_ids=[b["id"], c["id"]])
    assert sorted(d["prerequisite_module_ids"]) == sorted([b["id"], c["id"]])


async def test_delete_a_prerequisite_in_use_is_409(client, cycle):
    a = await make_module(client, cycle["id"], "A")
    b = await make_module(client, cycle["id"], "B", prerequisite_module_ids=[a["id"]])
    body = assert_problem(await client.delete(f"/modules/{a['id']}"), 409, "/problems/in-use")
    assert body["references"]
    assert (await client.get(f"/modules/{a['id']}")).status_code == 200
    # The follow-up module owns its prerequisite links: deleting it is fine, then A is free.
    assert (await client.delete(f"/modules/{b['id']}")).status_code == 204
    assert (await client.delete(f"/modules/{a['id']}")).status_code == 204


async def test_delete_a_module_with_sessions_is_409(client, cycle):
    m = await make_module(client, cycle["id"], "S-1")
    r = await client.post(
        f"/modules/{m['id']}/sessions", json=session_body("2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00")
    )
    assert r.status_code == 201, r.text
    body = assert_problem(await client.delete(f"/modules/{m['id']}"), 409, "/problems/in-use")
    assert any("training_sessions" in ref["reference"] for ref in body["references"])
    assert (await client.get(f"/modules/{m['id']}")).status_code == 200


# --- filters --------------------------------------------------------------------------------


def codes(r) -> list[str]:
    assert r.status_code == 200, r.text
    return [m["code"] for m in r.json()["items"]]


@pytest.fixture
async def catalogue(client, cycle, other_cycle):
    """Four modules in two cycles, with sessions in January and March 2025."""
    ilp = await make_module(
        client, cycle["id"], "ILP-01", title="Intelligence-Led Policing: foreign terrorist fighters"
    )
    osint = await make_module(client, cycle["id"], "OSINT-01", title="Social-media analysis", discipline="osint")
    de = await make_module(
        client, cycle["id"], "DE-01", title="Digital Forensic Methodologies", discipline="digital-evidence"
    )
    other = await make_module(client, other_cycle["id"], "ILP-01", title="Intelligence-Led Policing (second cycle)")
    for module, start, end in [
        (ilp, "2025-01-12T09:00:00+03:00", "2025-01-12T13:00:00+03:00"),
        (osint, "2025-03-10T09:00:00+03:00", "2025-03-10T13:00:00+03:00"),
    ]:
        r = await client.post(f"/modules/{module['id']}/sessions", json=session_body(start, end))
        assert r.status_code == 201, r.text
    assert (await transition(client, osint["id"], "planned")).status_code == 200
    return {"ilp": ilp, "osint": osint, "de": de, "other": other}


async def test_filter_by_cycle(client, cycle, other_cycle, catalogue):
    assert codes(await client.get("/modules", params={"cycle_id": cycle["id"]})) == ["DE-01", "ILP-01", "OSINT-01"]
    assert codes(await client.get("/modules", params={"cycle_id": other_cycle["id"]})) == ["ILP-01"]


async def test_filter_by_discipline(client, cycle, catalogue):
    assert codes(await client.get("/modules", params={"cycle_id": cycle["id"], "discipline": "osint"})) == ["OSINT-01"]
    r = await client.get("/modules", params={"discipline": "ilp"})
    assert {m["id"] for m in r.json()["items"]} == {catalogue["ilp"]["id"], catalogue["other"]["id"]}


async def test_filter_by_status(client, cycle, catalogue):
    assert codes(await client.get("/modules", params={"cycle_id": cycle["id"], "status": "planned"})) == ["OSINT-01"]
    assert codes(await client.get("/modules", params={"cycle_id": cycle["id"], "status": "draft"})) == [
        "DE-01",
        "ILP-01",
    ]
    assert_problem(await client.get("/modules", params={"status": "finished"}), 422)


async def test_filter_by_free_text(client, cycle, catalogue):
    assert codes(await client.get("/modules", params={"cycle_id": cycle["id"], "q": "forensic"})) == ["DE-01"]
    assert codes(await client.get("/modules", params={"cycle_id": cycle["id"], "q": "SOCIAL-MEDIA"})) == ["OSINT-01"]
    assert codes(await client.get("/modules", params={"cycle_id": cycle["id"], "q": "osint-0"})) == [
        "OSINT-01"
    ]  # the code too
    assert codes(await client.get("/modules", params={"cycle_id": cycle["id"], "q": "nothing like this"})) == []


async def test_filter_by_session_dates(client, cycle, catalogue):
    def window(**params):
        return client.get("/modules", params={"cycle_id": cycle["id"], **params})

    assert codes(await window(starts_from="2025-03-01T00:00:00Z")) == ["OSINT-01"]
    assert codes(await window(starts_to="2025-02-01T00:00:00Z")) == ["ILP-01"]
    assert codes(await window(starts_from="2025-01-01T00:00:00Z", starts_to="2025-12-31T00:00:00Z")) == [
        "ILP-01",
        "OSINT-01",
    ]
    assert codes(await window(starts_from="2025-02-01T00:00:00Z", starts_to="2025-03-01T00:00:00Z")) == []
    # Offsets are honoured: the ILP session is 06:00Z–10:00Z on 12 January.
    assert codes(await window(starts_from="2025-01-12T12:59:00+03:00", starts_to="2025-01-12T14:00:00+03:00")) == [
        "ILP-01"
    ]
    assert codes(await window(starts_from="2025-01-12T13:00:00+03:00", starts_to="2025-01-12T14:00:00+03:00")) == []


async def test_naive_date_filter_is_422_not_500(client, cycle, catalogue):
    body = assert_problem(await client.get("/modules", params={"starts_from": "2025-03-01T00:00:00"}), 422)
    assert any(f.split(".")[-1] == "starts_from" for f in error_fields(body))


async def test_list_pages_with_cursor_and_link(client, cycle, catalogue):
    r = await client.get("/modules", params={"cycle_id": cycle["id"], "limit": 2})
    assert codes(r) == ["DE-01", "ILP-01"]
    cursor = r.json()["next_cursor"]
    assert cursor and 'rel="next"' in r.headers["link"] and cursor in r.headers["link"]
    r = await client.get("/modules", params={"cycle_id": cycle["id"], "limit": 2, "cursor": cursor})
    assert codes(r) == ["OSINT-01"]
    assert r.json()["next_cursor"] is None and "link" not in r.headers


# --- status transitions ---------------------------------------------------------------------


async def test_the_whole_ladder(client, cycle):
    m = await make_held_module(client, cycle["id"], "L-1")
    version = 1
    for status in ["planned", "open", "confirmed", "delivered", "closed"]:
        r = await transition(client, m["id"], status)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == status
        version += 1
        assert r.headers["etag"] == f'"{version}"'
    assert (await client.get(f"/modules/{m['id']}")).json()["status"] == "closed"
    body = assert_problem(await transition(client, m["id"], "open"), 409, "/problems/illegal-transition")
    assert body["allowed"] == []


async def test_illegal_transition_is_409_naming_the_allowed_ones(client, cycle):
    m = await make_module(client, cycle["id"], "L-2")
    body = assert_problem(await transition(client, m["id"], "delivered"), 409, "/problems/illegal-transition")
    assert body["allowed"] == ["planned", "cancelled", "postponed"]
    assert body["current"] == "draft"
    got = await client.get(f"/modules/{m['id']}")
    assert got.json()["status"] == "draft" and got.headers["etag"] == '"1"'


async def test_cancel_needs_a_reason(client, cycle):
    m = await make_module(client, cycle["id"], "L-3")
    assert "reason" in error_fields(assert_problem(await transition(client, m["id"], "cancelled"), 422))
    assert "reason" in error_fields(assert_problem(await transition(client, m["id"], "cancelled", "   "), 422))
    assert "reason" in error_fields(assert_problem(await transition(client, m["id"], "postponed"), 422))
    assert (await client.get(f"/modules/{m['id']}")).json()["status"] == "draft"


async def test_cancel_with_a_reason_stores_it(client, cycle):
    m = await make_module(client, cycle["id"], "L-4")
    assert (await transition(client, m["id"], "planned")).status_code == 200
    assert (await transition(client, m["id"], "open")).status_code == 200
    r = await transition(client, m["id"], "cancelled", "Venue unavailable after the security situation changed")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"
    assert r.json()["status_reason"] == "Venue unavailable after the security situation changed"
    got = (await client.get(f"/modules/{m['id']}")).json()
    assert got["status"] == "cancelled"
    assert got["status_reason"] == "Venue unavailable after the security situation changed"
    # Cancelled is final.
    body = assert_problem(await transition(client, m["id"], "planned"), 409, "/problems/illegal-transition")
    assert body["allowed"] == []


async def test_postpone_then_resume(client, cycle):
    m = await make_module(client, cycle["id"], "L-5")
    r = await transition(client, m["id"], "postponed", "Eid dates announced")
    assert r.status_code == 200 and r.json()["status_reason"] == "Eid dates announced"
    assert (await transition(client, m["id"], "planned")).status_code == 200


async def test_no_cancel_after_delivery(client, cycle):
    m = await make_held_module(client, cycle["id"], "L-6")
    for status in ["planned", "open", "confirmed", "delivered"]:
        assert (await transition(client, m["id"], status)).status_code == 200
    for target in ("cancelled", "postponed"):
        body = assert_problem(
            await transition(client, m["id"], target, "too late"), 409, "/problems/illegal-transition"
        )
        assert body["allowed"] == ["closed"]


async def test_transition_of_unknown_module_is_404(client):
    assert_problem(await transition(client, unknown_id(), "planned"), 404)


async def test_transition_to_unknown_status_is_422(client, cycle):
    m = await make_module(client, cycle["id"], "L-7")
    assert "to" in error_fields(assert_problem(await transition(client, m["id"], "finished"), 422))


async def test_status_cannot_be_patched_directly(client, cycle):
    m = await make_module(client, cycle["id"], "L-8")
    assert_problem(await client.patch(f"/modules/{m['id']}", json={"status": "closed"}), 422)
    assert (await client.get(f"/modules/{m['id']}")).json()["status"] == "draft"
