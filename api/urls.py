"""Absolute URLs of this API as its clients reach it, for every URL it hands out (a feed to
subscribe to, Location, Link, SCIM's base): PUBLIC_URL when set (behind a proxy, possibly under a
path prefix), else the base URL of the request. A relative reference would resolve against the
wrong root behind a prefix, and calendar programs take absolute URLs only."""

from __future__ import annotations

from starlette._utils import get_route_path
from starlette.requests import Request


def public_base(request: Request) -> str:
    """The API's root URL without a trailing slash, e.g. https://tadrib.example.org."""
    return (request.app.state.settings.public_url or str(request.base_url)).rstrip("/")


def absolute_url(request: Request, path: str, query: str = "") -> str:
    """The URL of a path of the app (as routed: /api/v1/...) with an optional query string."""
    return public_base(request) + path + (f"?{query}" if query else "")


def this_url(request: Request, **params: str) -> str:
    """The URL of this request with these query parameters set (a next page's, say)."""
    query = request.url.include_query_params(**params).query
    return absolute_url(request, get_route_path(request.scope), query)
