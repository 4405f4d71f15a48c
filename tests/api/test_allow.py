"""`Allow` lists exactly the methods of the path asked about (RFC 9110 §15.5.6): every path of the
app's route table gets every method it does not serve, and each is a 405 naming the path's own
methods, those the OpenAPI document gives it. SCIM's paths, behind one catch-all route, list
SCIM's methods for each resource."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.convertors import UUIDConvertor

from api.main import create_app
from domain.settings import Settings
from tests.conftest import ROOT, make_settings
from tests.problems import assert_problem
from web.routes import ROUTERS

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# RFC 7644 §3.2 as Tadrib serves it. (/Users/.search is left out: to scim2-server's routing it is
# also the path of a User whose id is ".search", so every method is routed there.)
SCIM_PATHS = {
    "/scim/v2/Users": {"GET", "POST"},
    "/scim/v2/Users/2819c223-7f76-453a-919d-413861904646": {"GET", "PUT", "PATCH", "DELETE"},
    "/scim/v2/.search": {"POST"},
    "/scim/v2/Schemas": {"GET"},
    "/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User": {"GET"},
    "/scim/v2/ResourceTypes": {"GET"},
    "/scim/v2/ResourceTypes/User": {"GET"},
    "/scim/v2/ServiceProviderConfig": {"GET"},
    "/scim/v2": {"GET"},
}
# Served by the route table but by no method: the offline docs' static files (a mount).
NOT_ROUTED_BY_METHOD = {"/static-offline-docs", "/static"}

APP = create_app(make_settings("sqlite:///:memory:"), check_schema=False)


def _templates() -> dict[str, set[str]]:
    """Each path template of the app (with its convertors) and the methods its routes serve."""
    paths: dict[str, set[str]] = {}
    for route in iter_route_contexts(APP.routes):
        if route.path in NOT_ROUTED_BY_METHOD or route.path.startswith("/scim/v2"):
            continue
        paths.setdefault(route.path, set()).update(route.methods or ())
    return paths


TEMPLATES = _templates()
PAGES = {route.path for router in ROUTERS for route in router.routes}


def _sample(template: str) -> str:
    """A URL of the template: UUIDs for ids, a word for the other parameters."""
    return re.sub(r"\{[a-z_]+:uuid\}", lambda _: str(uuid.uuid4()), re.sub(r"\{[a-z_]+\}", "x1", template))


def test_each_path_serves_the_methods_the_openapi_document_gives_it():
    document = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))  # == the app's (test_openapi.py)
    published = {path: {m.upper() for m in item} for path, item in document["paths"].items()}
    documented = {
        route.path_format
        for route in iter_route_contexts(APP.routes)
        if isinstance(route.original_route, APIRoute) and route.original_route.include_in_schema
    }
    served = {re.sub(r":uuid}", "}", path): methods for path, methods in TEMPLATES.items()}
    assert {path: served[path] for path in documented} == published


def test_every_id_in_a_path_is_matched_as_a_uuid():
    """So that no two templates claim one URL: /officers/imports is no officer's id, and
    /calendar/feeds/<secret>.ics no feed's."""
    for route in iter_route_contexts(APP.routes):
        api_route = route.original_route
        # Pages match any id and answer a malformed one with the person's own "missing page" (their
        # session is read by the route's dependencies, which an unmatched path never runs).
        if not isinstance(api_route, APIRoute) or route.path in PAGES:
            continue
        for param in api_route.dependant.path_params:
            if param.field_info.annotation is uuid.UUID:
                convertor = route.param_convertors[param.name]
                assert isinstance(convertor, UUIDConvertor), f"{route.path}: write {{{param.name}:uuid}}"


@pytest.mark.parametrize("template", sorted(TEMPLATES))
async def test_every_method_a_path_lacks_is_a_405_listing_the_paths_methods(anonymous, template):
    url, served = _sample(template), TEMPLATES[template]
    for method in sorted(set(METHODS) - served):
        r = await anonymous.request(method, "http://test" + url)
        assert r.status_code == 405, (method, url, r.status_code)
        if method == "HEAD":  # a HEAD answer has no body
            continue
        if template in PAGES:  # a person's page answers with a page that says so
            assert r.headers["content-type"].startswith("text/html")
        else:
            assert_problem(r, 405)
        assert r.headers["allow"] == ", ".join(sorted(served)), (method, url)


@pytest.mark.parametrize("path", sorted(SCIM_PATHS))
async def test_scim_paths_list_scims_methods(machine, path):
    scim = await machine(["scim"], base_url="http://test")
    served = SCIM_PATHS[path]
    for method in sorted(set(METHODS) - served):  # SCIM's own 405s, and the app's for OPTIONS and HEAD
        r = await scim.request(method, path)
        assert r.status_code == 405, (method, path, r.status_code)
        assert r.headers["allow"] == ", ".join(sorted(served)), (method, path)
