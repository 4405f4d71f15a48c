"""Errors on pages are pages: a missing (or not-yours) record, an unknown address and a malformed
id all answer the same 404 page; a refused form is a 403 page; a page that needs a person sends
to the sign-in page. The API's paths keep their problem+json handlers (api/errors.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.allow import allow_header
from domain import errors as e
from domain import i18n
from web.paths import is_page
from web.templating import render
from web.visitor import LANGUAGE_COOKIE, FormRefused, SignInRequired, Visitor

Handler = Callable[[Request, Any], Awaitable[Response]]


def _visitor(request: Request) -> Visitor:
    """The visitor as the page's dependencies found them, or as the request alone tells (an
    unknown address never reached them)."""
    found = getattr(request.state, "visitor", None)
    if found is not None:
        return found
    lang = i18n.negotiate(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))
    return Visitor(None, lang, "", new_form_cookie=False)


def sign_in_redirect(request: Request) -> Response:
    target = request.url.path if request.method == "GET" else request.headers.get("HX-Current-URL", "/")
    location = "/sign-in" if target in ("/", "") else f"/sign-in?next={quote(target, safe='/')}"
    if request.headers.get("HX-Request") == "true":  # htmx follows this header with a full page load
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def error_page(request: Request, status: int) -> Response:
    page = {403: "errors/forbidden.html", 500: "errors/server_error.html"}.get(status, "errors/not_found.html")
    return render(request, _visitor(request), page, status_code=status)


def install(app: FastAPI) -> None:
    api: dict[Any, Handler] = dict(app.exception_handlers)  # type: ignore[arg-type]

    def for_pages(kind: type[Exception], page: Callable[[Request, Any], Response]) -> None:
        original = api.get(kind)

        async def handler(request: Request, exc: Any) -> Response:
            if is_page(request.url.path) or original is None:
                return page(request, exc)
            return await original(request, exc)

        app.add_exception_handler(kind, handler)

    def domain_page(request: Request, exc: e.DomainError) -> Response:
        if isinstance(exc, e.Unauthenticated):
            return sign_in_redirect(request)
        return error_page(request, 403 if isinstance(exc, e.Forbidden) else 404)

    def http_page(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:  # the page names the methods it serves, as the API's 405 does
            response = error_page(request, 405)
            response.headers["Allow"] = allow_header(request.app, request.scope)
            return response
        return error_page(request, 404 if exc.status_code < 500 else 500)

    for_pages(e.DomainError, domain_page)
    for_pages(StarletteHTTPException, http_page)
    for_pages(RequestValidationError, lambda request, exc: error_page(request, 404))  # a malformed id is missing
    for_pages(SignInRequired, lambda request, exc: sign_in_redirect(request))
    for_pages(FormRefused, lambda request, exc: error_page(request, 403))
