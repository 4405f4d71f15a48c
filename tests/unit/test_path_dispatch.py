"""Routing by path prefix (api/dispatch.py) finds, for every route of the app, the entry FastAPI's
own matching over all the routes finds: the same first full match, the same partial (405) match,
and the same trailing-slash twin, and the shard it tries is a small part of the whole."""

import re

from starlette.routing import Match

from api.dispatch import PathDispatch
from api.main import create_app
from bench.fixed_cost.asgi_probe import scope_for
from tests.conftest import make_settings

SAMPLE = "0190b6a4-0000-7000-8000-000000000001"


def _paths(app) -> list[str]:
    """A concrete path for every route template of the app (parameters filled with a UUID)."""
    templates = set()
    for route in app.routes:
        for inner in getattr(getattr(route, "original_router", None), "routes", [route]):
            prefix = route.include_context.prefix if hasattr(route, "include_context") else ""
            path = getattr(inner, "path", None)
            if isinstance(path, str):
                templates.add(prefix + path)
    return sorted(re.sub(r"\{[^}]+\}", SAMPLE, t) or "/" for t in templates)


def _first(routes, scope) -> tuple[Match, object]:
    partial = None
    for entry in routes:
        match, _ = entry.matches(dict(scope))
        if match is Match.FULL:
            return match, entry
        if match is Match.PARTIAL and partial is None:
            partial = entry
    return (Match.PARTIAL, partial) if partial is not None else (Match.NONE, None)


def test_every_route_is_matched_as_without_dispatch(tmp_path):
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}", bench_ceiling=True), check_schema=False)
    dispatch = app.router.middleware_stack
    assert isinstance(dispatch, PathDispatch)
    paths = _paths(app)
    assert len(paths) > 100
    tried = []
    for path in paths:
        for variant in {path, path.rstrip("/") + "/", path.rstrip("/") or "/"}:
            for method in ("GET", "POST", "DELETE"):
                scope = scope_for(variant) | {"method": method}
                shard = dispatch.shard(variant)
                assert _first(app.router.routes, scope) == _first(shard.routes, scope), (method, variant)
                tried.append(len(shard.routes))
    assert max(tried) < len(app.router.routes) / 2  # each request tries a fraction of the entries


def _chosen(entry, scope):
    """The route an entry of the app's router gives a request (FastAPI's own matching)."""
    if hasattr(entry, "_match"):
        _, _, route, _ = entry._match(dict(scope))
        return route
    return entry


def test_the_route_handed_alone_is_the_one_fastapi_chooses(tmp_path):
    """For every route, path form and method, `select` hands FastAPI either the one route its
    matching over the whole app chooses, alone, or (no route for that method: 405, 404, a
    redirect) the path's bucket; never another route."""
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}", bench_ceiling=True), check_schema=False)
    dispatch = app.router.middleware_stack
    alone = 0
    for path in _paths(app):
        for variant in {path, path.rstrip("/") + "/", path.rstrip("/") or "/"}:
            for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
                scope = scope_for(variant) | {"method": method}
                selected = dispatch.select(variant, method)
                match, entry = _first(app.router.routes, scope)
                if selected is dispatch.shard(variant):  # FastAPI decides over the bucket, as checked above
                    continue
                assert match is Match.FULL, (method, variant)
                assert len(selected.routes) == 1
                assert _first(selected.routes, scope)[0] is Match.FULL
                assert _chosen(selected.routes[0], scope) is _chosen(entry, scope), (method, variant)
                alone += 1
    assert alone > 150  # most routes are handed alone
