"""Routing by path prefix: each request is matched only against the routes that could match it.

FastAPI 0.165 matches a request against every entry of the app's router in order (about 40
included routers, each over its own routes, then again to dispatch inside the one found): about
200 path patterns per request and most of the app's fixed cost (measured: 2.6 ms of 2.9 ms per
request of the constant route under cProfile). A route can only match a path that starts with the
literal text of its template up to its first parameter, so the entries are bucketed once by the
first three whole literal segments of their paths ("/api/v1/modules"); a request is matched
against its bucket's entries (and those whose templates start with a parameter), in their
original order, by FastAPI's own router code. What the app answers is unchanged: the same first
match wins, a method mismatch is still 405, a missing route still 404, the trailing-slash
redirect still found (its path differs only by a last empty segment, which keys ignore).

The buckets are rebuilt when the number of the app's routes changes (a route added after start-up)."""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, APIRouter, _EffectiveRouteContext, _IncludedRouter
from starlette._utils import get_route_path
from starlette.types import Receive, Scope, Send

DEPTH = 3  # /api/v1/<area>: deep enough to split the API into its areas


def _segments(path: str) -> tuple[str, ...]:
    parts = path.split("/")[1:]
    while parts and parts[-1] == "":
        parts.pop()  # "/focal/" and "/focal" differ only by the redirect the router offers
    return tuple(parts)


def _literal_key(template: str) -> tuple[str, ...]:
    """The whole literal segments a route's path template starts with, at most DEPTH."""
    literal, brace, _ = template.partition("{")
    parts = literal.split("/")[1:]
    if brace:
        parts = parts[:-1]  # the segment the first parameter is in is not whole
    while parts and parts[-1] == "":
        parts.pop()
    return tuple(parts[:DEPTH])


def _templates(entry: Any, prefix: str = "") -> list[str] | None:
    """The path templates an entry of a router can match (an included router's, every route's
    with its prefix); None when unknown (the entry is then tried for every path)."""
    original = getattr(entry, "original_router", None)
    if original is not None:
        prefix += entry.include_context.prefix
        found: list[str] = []
        for route in original.routes:
            inner = _templates(route, prefix)
            if inner is None:
                return None
            found += inner
        return found if not getattr(original, "_low_priority_routes", None) else None
    if hasattr(entry, "app") and hasattr(entry, "routes") and not hasattr(entry, "path"):
        return None
    path = getattr(entry, "path", None)
    if not isinstance(path, str):
        return None
    if hasattr(entry, "routes") and not hasattr(entry, "endpoint"):  # a Mount: its path, then anything
        return [prefix + path.rstrip("/") + "/{path:path}"]
    return [prefix + path]


class PathDispatch:
    """Stands in for the app's router's middleware stack (the router's own code does the matching)."""

    def __init__(self, router: APIRouter) -> None:
        self.router = router
        self.original = router.middleware_stack
        self._built_for = -1
        self._shards: dict[tuple[str, ...], APIRouter] = {}
        self._routes: dict[int, list[_Choice]] = {}

    def _build(self) -> None:
        routes = list(self.router.routes)
        keyed: list[tuple[int, tuple[str, ...] | None]] = []
        for index, entry in enumerate(routes):
            templates = _templates(entry)
            if templates is None:
                keyed.append((index, None))
                continue
            keys = {_literal_key(t) for t in templates}
            # An entry whose routes share no whole segment is tried for every path.
            common = _common_prefix(keys)
            keyed.append((index, common if common else None))
        shards: dict[tuple[str, ...], APIRouter] = {}
        all_keys = {k[:n] for _, k in keyed if k for n in range(1, len(k) + 1)} | {()}
        for key in all_keys:
            chosen = [routes[i] for i, k in keyed if k is None or key[: len(k)] == k]
            shard = copy.copy(self.router)
            shard.routes = chosen
            shards[key] = shard
        self._shards = shards
        self._routes = {id(shard): _one_by_one(shard) for shard in shards.values()}
        self._built_for = len(routes)

    def shard(self, path: str) -> APIRouter:
        if len(self.router.routes) != self._built_for:
            self._build()
        segments = _segments(path)
        for depth in range(min(DEPTH, len(segments)), -1, -1):
            found = self._shards.get(segments[:depth])
            if found is not None:
                return found
        return self.router  # not reached: the empty key is always built

    def select(self, path: str, method: str) -> APIRouter:
        """The router FastAPI is handed for this request: the one route it would choose, alone,
        when that route is found here; else the path's bucket (404, 405 and redirects)."""
        shard = self.shard(path)
        for regex, methods, alone in self._routes[id(shard)]:
            if alone is None:  # an entry this does not read (a mount, a nested router): FastAPI decides
                return shard
            if regex.match(path) is not None and (not methods or method in methods):
                return alone
        return shard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.original(scope, receive, send)
            return
        scope.setdefault("router", self.router)  # url_for sees every route, not the shard's
        await APIRouter.app(self.select(get_route_path(scope), scope["method"]), scope, receive, send)


# A route as FastAPI would match it (its path pattern with the include prefix, its methods), and a
# router holding it alone; or a stop (None) where an entry's matching is not read here.
_Choice = tuple[re.Pattern[str], frozenset[str] | None, APIRouter | None]
_STOP: _Choice = (re.compile(""), None, None)


def _one_by_one(shard: APIRouter) -> list[_Choice]:
    """A bucket's routes in FastAPI's order (each entry in turn, each included router's routes in
    turn), each with a router that holds it alone: an included router's copy whose routes are that
    one route. FastAPI takes the first route that matches path and method; handed that copy, its
    own code matches the same route (path parameters, scope, dependencies, telemetry), without
    trying the routes before it twice over. Only APIRoutes are read; anything else stops the list."""
    choices: list[_Choice] = []
    for entry in shard.routes:
        if isinstance(entry, _IncludedRouter):
            candidates = entry.effective_candidates()
            version = entry._effective_candidates_version
            for candidate in candidates:
                if not (
                    isinstance(candidate, _EffectiveRouteContext) and isinstance(candidate.original_route, APIRoute)
                ):
                    choices.append(_STOP)
                    break
                alone = dataclasses.replace(
                    entry, _effective_candidates=[candidate], _effective_candidates_version=version
                )
                choices.append((candidate.path_regex, _methods(candidate.methods), _router_of(shard, alone)))
            else:
                continue
            break
        if isinstance(entry, APIRoute):
            choices.append((entry.path_regex, _methods(entry.methods), _router_of(shard, entry)))
            continue
        choices.append(_STOP)
        break
    return choices


def _methods(methods: set[str] | None) -> frozenset[str] | None:
    return frozenset(methods) if methods else None


def _router_of(shard: APIRouter, route: Any) -> APIRouter:
    router = copy.copy(shard)
    router.routes = [route]
    return router


def _common_prefix(keys: set[tuple[str, ...]]) -> tuple[str, ...]:
    keys_list = list(keys)
    first = keys_list[0]
    n = len(first)
    for key in keys_list[1:]:
        n = min(n, len(key))
        while n and key[:n] != first[:n]:
            n -= 1
    return first[:n]


def install(app: FastAPI) -> None:
    """After every router is included (the buckets follow later additions by themselves)."""
    router = app.router
    router.middleware_stack = PathDispatch(router)
