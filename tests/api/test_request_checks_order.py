"""A request is checked in one order: authentication (401), authorization (403), the body and the
parameters, If-Match's form and a body that is not JSON included (422), whether the record exists
for the caller (404), and only then the precondition, If-Match naming the current version (412,
RFC 9110 §13.2.1). Every route that takes If-Match, then each kind of route with real records: a
PATCH, a DELETE and an upsert by PUT (SCIM's: tests/api/scim/test_scim_checks_order.py); and every
route with a JSON body."""

from __future__ import annotations

import re
import uuid

from fastapi import params
from fastapi.routing import APIRoute, iter_route_contexts

from api.deps import expected_version
from api.routing import CheckedRoute
from tests.api.catalogue_data import cycle, disciplines, programme  # noqa: F401  (fixtures)
from tests.problems import assert_problem, error_fields

MALFORMED = {"If-Match": "garbage"}
STALE = {"If-Match": '"999999"'}  # well formed, never the current version


def _sample(template: str) -> str:
    """A URL of a path template: UUIDs for ids, a word for the other parameters."""
    return re.sub(r"\{[a-z_]+:uuid\}", lambda _: str(uuid.uuid4()), re.sub(r"\{[a-z_]+\}", "x1", template))


def _if_match_routes(app) -> list[tuple[str, str, bool]]:
    """(method, URL, whether a body is required) of every route that takes If-Match."""
    found = []
    for route in iter_route_contexts(app.routes):
        api_route = route.original_route
        if not isinstance(api_route, APIRoute):
            continue
        if not any(d.call is expected_version for d in api_route.dependant.dependencies):
            continue
        url = _sample(route.path)
        required = api_route.body_field is not None and api_route.body_field.field_info.is_required()
        found.extend((method, "http://test" + url, required) for method in sorted(route.methods))
    return found


async def test_every_route_taking_if_match_validates_it_with_the_body_after_authorization(
    app, client, anonymous, sign_in
):
    routes = _if_match_routes(app)
    assert len(routes) >= 20, routes  # PATCH and DELETE of every versioned resource, the upsert
    observer = await sign_in("observer")  # reads only: every one of these is a write
    for method, url, needs_body in routes:
        where = (method, url)
        assert_problem(await anonymous.request(method, url, headers=MALFORMED), 401)
        assert_problem(await observer.request(method, url, headers=MALFORMED), 403)
        named = error_fields(assert_problem(await client.request(method, url, headers=MALFORMED), 422))
        assert named == ({"header.if-match", "body"} if needs_body else {"header.if-match"}), where
        stale = await client.request(method, url, headers=STALE)
        if needs_body:  # a PATCH without a body: the missing body, not the precondition
            assert error_fields(assert_problem(stale, 422)) == {"body"}, where
        else:  # nothing to validate: the record does not exist, so no precondition is evaluated
            assert_problem(stale, 404)


async def test_a_patch(client, sign_in):
    created = await client.post("/programmes", json={"name": "Order P", "acronym": "ORD-P", "implementer": "UNODC"})
    url = f"/programmes/{created.json()['id']}"
    observer = await sign_in("observer")
    assert_problem(await observer.patch(url, json={"name": 5}, headers=STALE), 403)
    assert error_fields(assert_problem(await client.patch(url, json={"name": 5}, headers=STALE), 422)) == {"name"}
    assert error_fields(assert_problem(await client.patch(url, headers=STALE), 422)) == {"body"}
    assert_problem(await client.patch(f"/programmes/{uuid.uuid4()}", json={"name": "X"}, headers=STALE), 404)
    assert_problem(await client.patch(url, json={"name": "X"}, headers=STALE), 412, "/problems/precondition-failed")
    assert (await client.patch(url, json={"name": "X"}, headers={"If-Match": '"1"'})).status_code == 200


async def test_a_delete(client, sign_in):
    created = await client.post("/venues", json={"name": "Order hall", "city": "Erbil", "capacity": 10})
    url = f"/venues/{created.json()['id']}"
    assert_problem(await (await sign_in("observer")).delete(url, headers=MALFORMED), 403)
    assert error_fields(assert_problem(await client.delete(url, headers=MALFORMED), 422)) == {"header.if-match"}
    assert_problem(await client.delete(f"/venues/{uuid.uuid4()}", headers=STALE), 404)
    assert_problem(await client.delete(url, headers=STALE), 412)
    assert (await client.delete(url, headers={"If-Match": 'W/"1"'})).status_code == 204


async def test_an_upsert_by_put(client):
    agency = await client.post("/agencies", json={"name_en": "Order Agency", "name_ar": "جهة", "kind": "police"})
    body = {"agency_id": agency.json()["id"], "full_name_ar": "علي حسن كريم", "name_latin": "Ali Kareem", "sex": "male"}
    url = "/officers/by-external-id/order-hr/E-1"
    assert (await client.put(url, json=body)).status_code == 201
    invalid = {**body, "sex": "unknown"}
    assert error_fields(assert_problem(await client.put(url, json=invalid, headers=STALE), 422)) == {"sex"}
    named = error_fields(assert_problem(await client.put(url, json=invalid, headers=MALFORMED), 422))
    assert named == {"sex", "header.if-match"}
    assert_problem(await client.put(url, json=body, headers=STALE), 412)
    assert (await client.put(url, json=body, headers={"If-Match": '"1"'})).status_code == 200


async def test_a_body_that_is_not_json_is_refused_after_authentication_and_authorization(client, anonymous, sign_in):
    observer = await sign_in("observer")
    for raw in (b'{"name": "unterminated', b'{"name": "\xff\xfe"}'):
        json_headers = {"content-type": "application/json"}
        assert_problem(await anonymous.post("/programmes", content=raw, headers=json_headers), 401)
        assert_problem(await observer.post("/programmes", content=raw, headers=json_headers), 403)
        refused = assert_problem(await client.post("/programmes", content=raw, headers=json_headers), 422)
        assert [e["field"] for e in refused["errors"]] == ["body"], refused
        # Named with the other parameters' errors, in one answer.
        url = f"/programmes/{uuid.uuid4()}"
        both = await client.patch(url, content=raw, headers={**json_headers, **MALFORMED})
        assert error_fields(assert_problem(both, 422)) == {"body", "header.if-match"}


async def test_every_json_body_that_is_not_json_is_a_422_naming_it(app, client):
    """On every route with a JSON body: never read as an empty body (a PATCH that changes nothing)."""
    checked = 0
    for route in iter_route_contexts(app.routes):
        api_route = route.original_route
        if not isinstance(api_route, APIRoute) or api_route.body_field is None:
            continue
        if isinstance(api_route.body_field.field_info, params.Form):
            continue
        assert isinstance(api_route, CheckedRoute), f"{route.path}: APIRouter(..., route_class=CheckedRoute)"
        url = "http://test" + _sample(route.path)
        for method in route.methods:
            r = await client.request(method, url, content=b"{nope", headers={"content-type": "application/json"})
            assert [e["field"] for e in assert_problem(r, 422)["errors"]] == ["body"], (method, url)
            checked += 1
    assert checked >= 40
