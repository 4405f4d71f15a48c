"""Errors are RFC 9457 problem+json everywhere; lists page with limit/cursor and a Link header,
and the number of SQL statements a list issues does not grow with the page size."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import uuid

import pytest

from tests.problems import assert_problem, error_fields

PROBLEM = "application/problem+json"
RESOURCES = ("programmes", "cycles", "agencies", "officers")


async def create_programme(client, name: str, acronym: str | None = None) -> dict:
    r = await client.post(
        "/programmes", json={"name": name, "acronym": acronym or uuid.uuid4().hex[:12], "implementer": "UNODC"}
    )
    assert r.status_code == 201, r.text
    return r.json()


async def create_agency(client, name_en: str = "Federal Police") -> dict:
    r = await client.post("/agencies", json={"name_en": name_en, "name_ar": "الشرطة الاتحادية", "kind": "police"})
    assert r.status_code == 201, r.text
    return r.json()


def next_link(r) -> str | None:
    link = r.headers.get("link")
    if link is None:
        return None
    assert 'rel="next"' in link, link
    url = link.split(";", 1)[0].strip()
    assert url.startswith("<") and url.endswith(">"), link
    return url[1:-1]


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("plural", RESOURCES)
async def test_unknown_id_is_404(client, plural):
    missing = uuid.uuid4()
    for method in ("GET", "PATCH", "DELETE"):
        kwargs = {"json": {}} if method == "PATCH" else {}
        r = await client.request(method, f"/{plural}/{missing}", **kwargs)
        body = assert_problem(r, 404, "/problems/not-found")
        assert str(missing) in body["detail"]


@pytest.mark.parametrize("plural", RESOURCES)
async def test_a_path_whose_id_is_no_uuid_names_nothing(client, plural):
    # Ids in paths are matched as UUIDs, so that no two paths claim one URL (/officers/imports is
    # no officer's id): anything else is a 404 that says so, for every method.
    for method in ("GET", "PATCH", "DELETE"):
        r = await client.request(method, f"/{plural}/not-a-uuid")
        body = assert_problem(r, 404, "/problems/not-found")
        assert "not-a-uuid" in body["detail"] and "UUID" in body["detail"]


@pytest.mark.parametrize("plural", RESOURCES)
async def test_malformed_json_is_422(client, plural):
    r = await client.post(f"/{plural}", content=b'{"name": "CT JUST", ', headers={"Content-Type": "application/json"})
    body = assert_problem(r, 422, "/problems/validation-error")
    error_fields(body)


async def test_json_that_is_not_an_object_is_422(client):
    r = await client.post("/programmes", content=b'["a", "b"]', headers={"Content-Type": "application/json"})
    assert_problem(r, 422, "/problems/validation-error")
    r = await client.post("/programmes", content=b"", headers={"Content-Type": "application/json"})
    assert_problem(r, 422)


async def test_malformed_json_on_patch_is_422(client):
    p = await create_programme(client, "Programme")
    r = await client.patch(f"/programmes/{p['id']}", content=b"{nope", headers={"Content-Type": "application/json"})
    assert_problem(r, 422, "/problems/validation-error")


def oversized(size: int = 1024 * 1024 + 10) -> bytes:
    return b'{"name": "' + b"x" * size + b'"}'


@pytest.mark.parametrize("plural", RESOURCES)
async def test_oversized_body_is_refused_with_413(client, plural):
    r = await client.post(f"/{plural}", content=oversized(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


@pytest.mark.parametrize("plural", RESOURCES)
async def test_oversized_body_is_413_problem_json(client, plural):
    r = await client.post(f"/{plural}", content=oversized(), headers={"Content-Type": "application/json"})
    assert_problem(r, 413)


async def test_oversized_chunked_body_is_413_problem_json(client):
    async def chunks():
        for _ in range(12):
            yield b"x" * 100_000

    r = await client.post("/programmes", content=chunks(), headers={"Content-Type": "application/json"})
    assert_problem(r, 413)


async def test_oversized_patch_body_is_413_and_changes_nothing(client):
    p = await create_programme(client, "Programme")
    r = await client.patch(
        f"/programmes/{p['id']}", content=oversized(2 * 1024 * 1024), headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413
    assert (await client.get(f"/programmes/{p['id']}")).json()["version"] == 1


async def test_body_just_under_the_limit_is_parsed(client):
    # Under 1 MiB the body is read and validated normally (here: a name that is too long is a 422, not a 413).
    body = b'{"name": "' + b"x" * (900 * 1024) + b'", "acronym": "X", "implementer": "Y"}'
    r = await client.post("/programmes", content=body, headers={"Content-Type": "application/json"})
    assert "name" in error_fields(assert_problem(r, 422))


async def test_unknown_field_is_422(client):
    r = await client.post("/programmes", json={"name": "P", "acronym": "P", "implementer": "I", "donor": "EU"})
    assert "donor" in error_fields(assert_problem(r, 422, "/problems/validation-error"))
    p = await create_programme(client, "Programme")
    r = await client.patch(f"/programmes/{p['id']}", json={"nmae": "typo"})
    assert "nmae" in error_fields(assert_problem(r, 422))
    r = await client.post("/agencies", json={"name_en": "A", "name_ar": "ا", "kind": "police", "parent": None})
    assert "parent" in error_fields(assert_problem(r, 422))


async def test_missing_required_fields_are_each_listed(client):
    r = await client.post("/programmes", json={})
    assert error_fields(assert_problem(r, 422, "/problems/validation-error")) >= {"name", "acronym", "implementer"}
    r = await client.post("/officers", json={})
    assert error_fields(assert_problem(r, 422)) >= {"agency_id", "full_name_ar", "name_latin", "sex"}


async def test_wrong_types_are_422(client):
    r = await client.post("/programmes", json={"name": 5, "acronym": ["x"], "implementer": "I"})
    assert error_fields(assert_problem(r, 422)) >= {"name", "acronym"}


async def test_unknown_route_and_method_are_problems(client):
    assert_problem(await client.get("/no-such-thing"), 404)
    assert_problem(await client.put("/programmes"), 405)


@pytest.mark.parametrize("plural", RESOURCES)
async def test_limit_bounds(client, plural):
    for bad in ("201", "0", "-1", "ten"):
        r = await client.get(f"/{plural}", params={"limit": bad})
        fields = error_fields(assert_problem(r, 422, "/problems/validation-error"))
        assert any("limit" in f for f in fields), fields
    assert (await client.get(f"/{plural}", params={"limit": 200})).status_code == 200
    assert (await client.get(f"/{plural}", params={"limit": 1})).status_code == 200


def test_page_sizes_are_the_settings():
    """DEFAULT_PAGE_SIZE and MAX_PAGE_SIZE set the limit parameter's default and bound, as published
    (the same Query enforces them). They are read at import, hence a fresh interpreter."""
    code = (
        "import json; from fastapi.testclient import TestClient; from api.main import create_app; "
        "from domain.settings import Settings; "
        "app = create_app(Settings(database_url='sqlite:///:memory:', generate_keys=True), check_schema=False); "
        "limit = next(p for p in app.openapi()['paths']['/api/v1/programmes']['get']['parameters'] "
        "if p['name'] == 'limit'); "
        "print(json.dumps(limit['schema']))"
    )
    env = os.environ | {"DEFAULT_PAGE_SIZE": "7", "MAX_PAGE_SIZE": "20"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True)
    schema = json.loads(out.stdout.strip().splitlines()[-1])
    assert (schema["default"], schema["maximum"]) == (7, 20)


@pytest.mark.parametrize("plural", RESOURCES)
async def test_garbage_cursor_is_422(client, plural):
    def enc(value) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    bad_cursors = (
        "garbage!!",
        "bm90IGpzb24",
        "WzFd",
        "eyJhIjoxfQ",
        "W251bGwsbnVsbF0",
        enc(["a", "not-a-uuid"]),
        enc([1, str(uuid.uuid4())]),
        enc([["a"], str(uuid.uuid4())]),
    )
    if plural == "cycles":  # ordered by start date
        bad_cursors += (enc(["2024-13-45", str(uuid.uuid4())]), enc(["soon", str(uuid.uuid4())]))
    for bad in bad_cursors:
        r = await client.get(f"/{plural}", params={"cursor": bad})
        body = assert_problem(r, 422, "/problems/validation-error")
        assert any("cursor" in f for f in error_fields(body)), body


async def test_bad_filter_value_is_422(client):
    r = await client.get("/officers", params={"agency_id": "nope"})
    assert_problem(r, 422)
    r = await client.get("/officers", params={"sex": "other"})
    assert_problem(r, 422)


async def test_if_match_star_and_weak_etags(client):
    p = await create_programme(client, "Programme")
    r = await client.patch(f"/programmes/{p['id']}", json={"name": "A"}, headers={"If-Match": "*"})
    assert r.status_code == 200, r.text
    r = await client.patch(f"/programmes/{p['id']}", json={"name": "B"}, headers={"If-Match": 'W/"2"'})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 3


async def test_patch_that_changes_nothing_keeps_the_version(client):
    p = await create_programme(client, "Same")
    r = await client.patch(f"/programmes/{p['id']}", json={"name": "Same"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 1
    assert r.headers["etag"] == '"1"'


async def test_nul_character_in_body_is_422(client):
    r = await client.post("/programmes", json={"name": "CT\u0000JUST", "acronym": "NUL", "implementer": "I"})
    assert_problem(r, 422)


@pytest.mark.parametrize("plural", RESOURCES)
async def test_nul_character_in_query_is_not_a_500(client, plural):
    r = await client.get(f"/{plural}", params={"q": "a\x00b"})
    assert r.status_code in (200, 422), r.text
    if r.status_code == 422:
        assert_problem(r, 422)


async def test_nul_character_in_cursor_is_not_a_500(client):
    cursor = base64.urlsafe_b64encode(json.dumps(["\u0000", str(uuid.uuid4())]).encode()).decode().rstrip("=")
    r = await client.get("/programmes", params={"cursor": cursor})
    assert r.status_code in (200, 422), r.text


# --- paging -----------------------------------------------------------------------------------


async def test_paging_through_programmes(client):
    tag = uuid.uuid4().hex[:8]
    created = [
        await create_programme(client, f"Paging {tag} {name}")
        for name in ("golf", "alpha", "echo", "charlie", "bravo", "foxtrot", "delta")
    ]
    # Two with the same name: order must still be total (ties broken by id).
    created.append(await create_programme(client, f"Paging {tag} delta"))

    pages = []
    r = await client.get("/programmes", params={"q": tag, "limit": 3})
    while True:
        assert r.status_code == 200, r.text
        body = r.json()
        pages.append(body["items"])
        link = next_link(r)
        if body["next_cursor"] is None:
            assert link is None
            break
        assert link is not None
        assert f"cursor={body['next_cursor']}" in link
        assert "limit=3" in link and f"q={tag}" in link
        # Following the Link header gives the same page as passing the cursor by hand.
        by_hand = await client.get("/programmes", params={"q": tag, "limit": 3, "cursor": body["next_cursor"]})
        r = await client.get(link)
        assert r.json() == by_hand.json()

    assert [len(p) for p in pages] == [3, 3, 2]
    ids = [item["id"] for page in pages for item in page]
    assert len(ids) == len(set(ids)) == len(created)
    assert set(ids) == {p["id"] for p in created}
    names = [item["name"] for page in pages for item in page]
    assert names == sorted(names)

    # Stable: asking again gives the same order.
    again = []
    cursor = None
    while True:
        params = {"q": tag, "limit": 3} | ({"cursor": cursor} if cursor else {})
        body = (await client.get("/programmes", params=params)).json()
        again += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert again == ids


async def test_paging_seven_programmes_by_three(client):
    tag = uuid.uuid4().hex[:8]
    for i in range(7):
        await create_programme(client, f"Seven {tag} {i}")
    sizes, ids, cursor = [], [], None
    while True:
        params = {"q": tag, "limit": 3} | ({"cursor": cursor} if cursor else {})
        r = await client.get("/programmes", params=params)
        body = r.json()
        sizes.append(len(body["items"]))
        ids += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        assert ("link" in r.headers) == (cursor is not None)
        if cursor is None:
            break
    assert sizes == [3, 3, 1]
    assert len(set(ids)) == 7


async def test_exact_multiple_of_the_page_size(client):
    tag = uuid.uuid4().hex[:8]
    for i in range(6):
        await create_programme(client, f"Six {tag} {i}")
    r1 = await client.get("/programmes", params={"q": tag, "limit": 3})
    r2 = await client.get("/programmes", params={"q": tag, "limit": 3, "cursor": r1.json()["next_cursor"]})
    assert len(r2.json()["items"]) == 3
    # No empty trailing page is announced.
    assert r2.json()["next_cursor"] is None
    assert "link" not in r2.headers


async def test_paging_officers_with_arabic_and_equal_names(client):
    agency = await create_agency(client)
    ids = set()
    for _ in range(7):
        r = await client.post(
            "/officers",
            params={"allow_duplicate": "true"},
            json={"agency_id": agency["id"], "full_name_ar": "علي حسن", "name_latin": "Ali Hassan", "sex": "male"},
        )
        assert r.status_code == 201, r.text
        ids.add(r.json()["id"])
    seen, cursor, sizes = [], None, []
    while True:
        params = {"agency_id": agency["id"], "limit": 3} | ({"cursor": cursor} if cursor else {})
        body = (await client.get("/officers", params=params)).json()
        sizes.append(len(body["items"]))
        seen += [o["id"] for o in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert sizes == [3, 3, 1]
    assert len(seen) == len(set(seen)) and set(seen) == ids


async def test_paging_agencies_and_cycles(client):
    tag = uuid.uuid4().hex[:8]
    for i in range(5):
        await create_agency(client, f"Agency {tag} {i}")
    r = await client.get("/agencies", params={"q": tag, "limit": 2})
    first = r.json()
    r = await client.get(next_link(r))
    second = r.json()
    r = await client.get(next_link(r))
    third = r.json()
    assert [len(first["items"]), len(second["items"]), len(third["items"])] == [2, 2, 1]
    assert third["next_cursor"] is None and "link" not in r.headers

    p = await create_programme(client, "Cycles programme")
    for year in (2021, 2022, 2023, 2024):
        r = await client.post(
            "/cycles",
            json={
                "programme_id": p["id"],
                "partner_country": "IQ",
                "title": f"Cycle {year}",
                "starts_on": f"{year}-01-01",
                "ends_on": f"{year}-12-31",
            },
        )
        assert r.status_code == 201, r.text
    r = await client.get("/cycles", params={"programme_id": p["id"], "limit": 3})
    titles = [c["title"] for c in r.json()["items"]]
    r = await client.get(next_link(r))
    titles += [c["title"] for c in r.json()["items"]]
    assert titles == ["Cycle 2021", "Cycle 2022", "Cycle 2023", "Cycle 2024"]
    assert r.json()["next_cursor"] is None


async def test_cursor_from_another_list_is_422(client):
    tag = uuid.uuid4().hex[:8]
    for i in range(3):
        await create_programme(client, f"Foreign {tag} {i}")
    cursor = (await client.get("/programmes", params={"q": tag, "limit": 1})).json()["next_cursor"]
    assert cursor
    # A programme cursor ([name, id]) does not fit the cycle list ([starts_on, id]).
    r = await client.get("/cycles", params={"cursor": cursor})
    assert_problem(r, 422)


# --- statement counts --------------------------------------------------------------------------


async def test_officer_list_statements_do_not_grow_with_page_size(client, statements):
    agency = await create_agency(client)
    sub = (
        await client.post(
            "/agencies", json={"name_en": "Sub-unit", "name_ar": "وحدة", "kind": "police", "parent_id": agency["id"]}
        )
    ).json()
    for i in range(60):
        r = await client.post(
            "/officers",
            json={
                "agency_id": (agency if i % 2 else sub)["id"],
                "full_name_ar": f"ضابط رقم {i}",
                "name_latin": f"Officer {i:03d}",
                "sex": "female" if i % 3 == 0 else "male",
                "external_ids": [{"source": "mission-hr", "id": f"HR-{i}"}, {"source": "invest", "id": f"INV-{i}"}],
            },
        )
        assert r.status_code == 201, r.text

    async def count(params: dict) -> tuple[int, int]:
        statements.count = 0
        r = await client.get("/officers", params=params)
        assert r.status_code == 200, r.text
        return statements.count, len(r.json()["items"])

    small, n_small = await count({"limit": 5})
    large, n_large = await count({"limit": 50})
    assert (n_small, n_large) == (5, 50)
    assert small == large, (small, large)

    # Same with the subtree filter and the search.
    small, _ = await count({"limit": 5, "agency_id": agency["id"]})
    large, n_large = await count({"limit": 50, "agency_id": agency["id"]})
    assert n_large == 50
    assert small == large, (small, large)
    small, _ = await count({"limit": 5, "q": "ضابط"})
    large, _ = await count({"limit": 50, "q": "ضابط"})
    assert small == large, (small, large)

    # Every listed officer carries its external ids (loaded without a query per row).
    r = await client.get("/officers", params={"limit": 50})
    assert all(len(o["external_ids"]) == 2 for o in r.json()["items"])


async def test_other_lists_statements_do_not_grow_with_page_size(client, statements):
    p = await create_programme(client, "Counted")
    parent = await create_agency(client, "Counted parent")
    for i in range(30):
        await create_programme(client, f"Counted {i}")
        await client.post(
            "/agencies",
            json={"name_en": f"Counted {i}", "name_ar": "وحدة", "kind": "police", "parent_id": parent["id"]},
        )
        await client.post(
            "/cycles",
            json={
                "programme_id": p["id"],
                "partner_country": "IQ",
                "title": f"C {i}",
                "starts_on": "2024-01-01",
                "ends_on": "2024-12-31",
            },
        )
    for plural, extra in (
        ("programmes", {}),
        ("agencies", {"within": parent["id"]}),
        ("cycles", {"programme_id": p["id"]}),
    ):
        counts = []
        for limit in (2, 25):
            statements.count = 0
            r = await client.get(f"/{plural}", params={"limit": limit} | extra)
            assert r.status_code == 200 and len(r.json()["items"]) == limit, r.text
            counts.append(statements.count)
        assert counts[0] == counts[1], (plural, counts)


# --- free-text search treats its input literally ----------------------------------------------------


async def test_q_wildcards_are_literal(client):
    tag = uuid.uuid4().hex[:8]
    plain = await create_programme(client, f"Wild {tag} plain")
    percent = await create_programme(client, f"Wild {tag} 100% funded")
    underscore = await create_programme(client, f"Wild {tag} snake_case")
    cases = {f"{tag} 100%": {percent["id"]}, "%": {percent["id"]}, "_": {underscore["id"]}, f"{tag}%plain": set()}
    for q, expected in cases.items():
        r = await client.get("/programmes", params={"q": q, "limit": 200})
        assert {p["id"] for p in r.json()["items"]} & {plain["id"], percent["id"], underscore["id"]} == expected, q

    agency_ids = set()
    for name in ("Unit plain", "Unit 50% staffed", "Unit under_score"):
        r = await client.post("/agencies", json={"name_en": f"{name} {tag}", "name_ar": "وحدة", "kind": "police"})
        agency_ids.add(r.json()["id"])
    r = await client.get("/agencies", params={"q": "%", "limit": 200})
    assert {a["name_en"] for a in r.json()["items"] if a["id"] in agency_ids} == {f"Unit 50% staffed {tag}"}

    cycle_ids = set()
    for title in ("Cycle plain", "Cycle 30% women"):
        r = await client.post(
            "/cycles",
            json={
                "programme_id": plain["id"],
                "partner_country": "IQ",
                "title": title,
                "starts_on": "2024-01-01",
                "ends_on": "2024-12-31",
            },
        )
        cycle_ids.add(r.json()["id"])
    r = await client.get("/cycles", params={"q": "%", "programme_id": plain["id"]})
    assert [c["title"] for c in r.json()["items"]] == ["Cycle 30% women"]
