"""`Allow` (RFC 9110 §10.2.1): the methods the app serves at a path, read from its own routes, so
that a 405 lists exactly them. Path templates never overlap (ids are matched as UUIDs, so that
/officers/imports is no officer's id), which makes the routes matching a path those of one
resource. A route that serves several resources under one pattern (SCIM's catch-all) says what
each of its paths serves through `methods_at`."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette._utils import get_route_path
from starlette.types import Scope


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods served at a path of the app (relative to its root path), sorted."""
    methods: set[str] = set()
    for route in iter_route_contexts(app.routes):
        if not route.methods or not route.path_regex.match(path):
            continue
        methods_at = getattr(route.original_route, "methods_at", None)
        methods.update(methods_at(path) if methods_at else route.methods)
    return sorted(methods)


def allow_header(app: FastAPI, scope: Scope) -> str:
    return ", ".join(allowed_methods(app, get_route_path(scope)))
