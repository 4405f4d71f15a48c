"""The faults a fuzzer and a generated client found in the landed API (issue 8), each sent again:
every one is now a clear 4xx problem, or the documented behaviour, never a 500."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.api.catalogue_data import (  # noqa: F401  (fixtures)
    assert_problem,
    cycle,
    disciplines,
    error_fields,
    make_module,
    programme,
    session_body,
)
from tests.api.enrolment_data import agency, officer
from tests.api.scim.conftest import user as scim_user

CRAFTED_CURSOR = "WzEyM10"  # base64 of [123]: a list of the wrong length and types
LONG_Q = "x" * 50_001  # the length found by the fuzzer (httpx caps the URL before Arabic text that long would fit)


def list_routes(app: Any, *, with_param: str = "cursor") -> list[str]:
    """Every list the app serves under /api/v1 without a path parameter, that takes `with_param`."""
    return [
        path
        for path, item in app.openapi()["paths"].items()
        if path.startswith("/api/v1")
        and "{" not in path
        and "get" in item
        and with_param in {p["name"] for p in item["get"].get("parameters", [])}
    ]


async def test_dates_at_the_ends_of_the_calendar_are_refused(client, cycle):
    module = await make_module(client, cycle["id"], "EDGE-1")
    late = session_body("9999-12-31T20:00:00-12:00", "9999-12-31T22:00:00-12:00")
    assert error_fields(assert_problem(await client.post(f"/modules/{module['id']}/sessions", json=late), 422)) >= {
        "starts_at"
    }
    r = await client.get("/modules", params={"starts_from": "9999-12-31T23:59:59-23:59"})
    assert error_fields(assert_problem(r, 422)) == {"query.starts_from"}
    unit = await agency(client, "Edge unit (test)")
    person = await officer(client, unit)
    vetting = await client.post(
        f"/officers/{person}/vettings",
        json={"type": "courtesy", "requested_on": "2025-01-01", "needed_by": "2025-02-01"},
    )
    assert vetting.status_code == 201, vetting.text
    r = await client.patch(f"/vettings/{vetting.json()['id']}", json={"status": "approved", "result_on": "9999-12-31"})
    assert error_fields(assert_problem(r, 422)) == {"result_on"}


async def test_bare_numbers_are_not_dates(client):
    for path, params in (
        ("/audit", {"since": "1700000000"}),
        ("/modules", {"starts_to": "1700000000.5"}),
        ("/cycles", {"active_on": "20250112"}),
        ("/reports/gender-balance", {"from": "1700000000"}),
    ):
        body = assert_problem(await client.get(path, params=params), 422)
        assert "not a number" in json.dumps(body), (path, body)


async def test_a_crafted_cursor_is_a_422_on_every_list(app, client):
    paths = list_routes(app)
    assert len(paths) >= 10
    for path in paths:
        r = await client.get(path.removeprefix("/api/v1"), params={"cursor": CRAFTED_CURSOR})
        assert error_fields(assert_problem(r, 422)) <= {"cursor", "query.cursor"}, path


async def test_an_endless_search_is_a_422_on_every_list(app, client):
    searched = list_routes(app, with_param="q")
    assert len(searched) >= 7
    for path in searched:
        r = await client.get(path.removeprefix("/api/v1"), params={"q": LONG_Q})
        assert error_fields(assert_problem(r, 422)) == {"query.q"}, path


async def test_the_last_administrator_stays(client, sign_in):
    me = (await client.get("/me")).json()
    for attempt in (
        client.delete(f"/users/{me['id']}"),
        client.patch(f"/users/{me['id']}", json={"disabled": True}),
        client.patch(f"/users/{me['id']}", json={"role": "observer"}),
    ):
        assert_problem(await attempt, 409, "/problems/last-admin")
    other = await sign_in("admin")
    assert (await other.delete(f"/users/{me['id']}")).status_code == 204  # with another administrator it may go
    other_me = (await other.get("/me")).json()
    assert_problem(await other.delete(f"/users/{other_me['id']}"), 409, "/problems/last-admin")


async def test_an_account_is_disabled_without_a_new_password(client, sign_in):
    observer = await sign_in("observer")
    user_id = (await observer.get("/me")).json()["id"]
    r = await client.patch(f"/users/{user_id}", json={"disabled": True})
    assert r.status_code == 200, r.text
    assert r.json()["disabled"] is True
    assert_problem(await observer.get("/me"), 401)


async def test_a_new_password_ends_the_tokens_issued_before(client, sign_in, anonymous):
    created = await client.post(
        "/users", json={"username": "pw.changer", "password": "first-password-2026", "role": "observer"}
    )
    assert created.status_code == 201, created.text
    tokens = []
    for _ in range(2):
        r = await anonymous.post(
            "/auth/token", data={"grant_type": "password", "username": "pw.changer", "password": "first-password-2026"}
        )
        tokens.append(r.json()["access_token"])
    laptop, phone = ({"Authorization": f"Bearer {t}"} for t in tokens)
    assert (await anonymous.get("/me", headers=phone)).status_code == 200
    r = await anonymous.put(
        "/me/password", headers=laptop, json={"current_password": "wrong", "new_password": "x" * 12}
    )
    assert error_fields(assert_problem(r, 422)) == {"current_password"}
    r = await anonymous.put(
        "/me/password",
        headers=laptop,
        json={"current_password": "first-password-2026", "new_password": "second-password-2026"},
    )
    assert r.status_code == 204, r.text
    for old in (laptop, phone):
        assert_problem(await anonymous.get("/me", headers=old), 401)
    fresh = await anonymous.post(
        "/auth/token", data={"grant_type": "password", "username": "pw.changer", "password": "second-password-2026"}
    )
    headers = {"Authorization": f"Bearer {fresh.json()['access_token']}"}
    assert (await anonymous.get("/me", headers=headers)).status_code == 200
    # An administrator's reset ends them too.
    assert (
        await client.patch(f"/users/{created.json()['id']}", json={"password": "third-password-2026"})
    ).status_code == 200
    assert_problem(await anonymous.get("/me", headers=headers), 401)


async def test_bodies_that_are_not_json_text_name_the_body(client):
    for raw in (b'{"name": "\xff\xfe"}', b'{"name": "unterminated', b"\x00\x01"):
        r = await client.post("/venues", content=raw, headers={"content-type": "application/json"})
        assert error_fields(assert_problem(r, 422)) == {"body"}, raw


async def test_a_405_lists_the_methods_the_path_has(client, cycle):
    module = await make_module(client, cycle["id"], "ALLOW-1")
    r = await client.put(f"/modules/{module['id']}", json={})
    assert_problem(r, 405)
    assert r.headers["allow"] == "DELETE, GET, PATCH"
    r = await client.delete("/modules")
    assert r.headers["allow"] == "GET, POST"


async def test_the_token_endpoint_speaks_oauth(anonymous, client):
    created = await client.post("/clients", json={"name": "HR system", "scopes": ["officers:read"]})
    body = created.json()
    r = await anonymous.post(
        "/auth/token", data={"grant_type": "client_credentials"}, auth=(body["client_id"], body["client_secret"])
    )
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    for _ in range(5):
        await anonymous.post(
            "/auth/token", data={"grant_type": "client_credentials"}, auth=(body["client_id"], "wrong")
        )
    r = await anonymous.post(
        "/auth/token", data={"grant_type": "client_credentials"}, auth=(body["client_id"], body["client_secret"])
    )
    problem = assert_problem(r, 429)
    assert problem["error"] == "temporarily_unavailable" and r.headers["cache-control"] == "no-store"
    assert int(r.headers["retry-after"]) > 0


@pytest.mark.parametrize(
    "model, field, nullable",
    [
        ("OfficerUpdate", "sex", False),
        ("OfficerUpdate", "rank", True),
        ("VenueUpdate", "capacity", False),
        ("ModuleUpdate", "venue_id", True),
    ],
)
def test_patch_schemas_advertise_null_only_where_it_clears(app, model, field, nullable):
    prop = app.openapi()["components"]["schemas"][model]["properties"][field]
    assert ({"type": "null"} in prop.get("anyOf", [])) is nullable, prop


async def test_a_patch_that_sends_null_for_a_required_field_is_refused(client):
    venue = (await client.post("/venues", json={"name": "Hall (test)", "city": "Erbil", "capacity": 20})).json()
    assert error_fields(assert_problem(await client.patch(f"/venues/{venue['id']}", json={"capacity": None}), 422))


DEEP = b"[" * 1000 + b"]" * 1000  # past the recursion limit of Python's json module
SCIM_BASE = "http://test/scim/v2/"


def json_operations(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every operation that takes a JSON body, path parameters filled in."""
    found = []
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            if "application/json" not in operation.get("requestBody", {}).get("content", {}):
                continue
            for param in operation.get("parameters", []):
                value = str(uuid.uuid4()) if param["schema"].get("format") == "uuid" else "x"
                path = path.replace("{" + param["name"] + "}", value)
            found.append((method.upper(), path.removeprefix("/api/v1")))
    return found


async def test_a_body_nested_a_thousand_deep_is_a_4xx_on_every_route_that_takes_json(app, client):
    operations = json_operations(app)
    assert len(operations) >= 40
    for method, path in operations:
        for body in (DEEP, b'{"name": ' + DEEP + b', "rows": ' + DEEP + b"}"):
            r = await client.request(method, path, content=body, headers={"content-type": "application/json"})
            assert 400 <= r.status_code < 500, (method, path, r.status_code, r.text[:300])
            assert r.headers["content-type"].startswith("application/problem+json"), (method, path)


async def test_scim_paging_past_any_integer_is_an_empty_page(client, machine):
    scim = await machine(["scim"], agency_id=await agency(client, "Paging unit (test)"), base_url=SCIM_BASE)
    assert (await scim.post("Users", json=scim_user("paging.one"))).status_code == 201
    for start in (2**63, 2**64 + 1, 10**30):
        r = await scim.get("Users", params={"startIndex": str(start), "count": str(2**64 + 1)})
        assert r.status_code == 200, r.text
        assert not r.json().get("Resources") and r.json()["totalResults"] == 1
        assert r.json()["startIndex"] == start and r.json()["itemsPerPage"] == 0
    r = await scim.post(
        "Users/.search",
        json={"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "startIndex": 2**64 + 1},
    )
    assert r.status_code == 200 and r.json()["itemsPerPage"] == 0, r.text


async def test_a_scim_filter_of_a_thousand_terms_is_an_invalid_filter(client, machine):
    scim = await machine(["scim"], agency_id=await agency(client, "Filter unit (test)"), base_url=SCIM_BASE)
    search = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
    for joiner in (" or ", " and "):
        # A thousand terms is refused by its length before it is parsed; 150 short ones by their number.
        for terms, refusal in ((1000, "characters long"), (150, "150 comparisons")):
            huge = joiner.join(f'id eq "{n}"' for n in range(terms))
            for r in (
                await scim.get("Users", params={"filter": huge}),
                await scim.post("Users/.search", json={"schemas": [search], "filter": huge}),
            ):
                assert r.status_code == 400, r.text
                assert r.json()["scimType"] == "invalidFilter" and refusal in r.json()["detail"], r.text
    fine = " or ".join(f'userName eq "u{n}"' for n in range(100))
    assert (await scim.get("Users", params={"filter": fine})).json()["totalResults"] == 0
    r = await scim.post(
        "Users", content=b'{"userName": ' + DEEP + b"}", headers={"content-type": "application/scim+json"}
    )
    assert r.status_code == 400 and r.json()["scimType"] == "invalidSyntax", r.text
