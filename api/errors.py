"""One place where errors become RFC 9457 application/problem+json responses."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import problem_types as P
from api.allow import allow_header
from api.language import request_language
from api.problems import PROBLEM_MEDIA_TYPE, database_unavailable, unique_conflict
from api.routing import UNREADABLE_BODY
from domain import errors as e
from domain.i18n import localized

log = logging.getLogger("tadrib.api")

STATUS = {
    e.NotFound: 404,
    e.Conflict: 409,
    e.RuleViolation: 422,
    e.InvalidInput: 422,
    e.TooLarge: 413,
    e.PreconditionFailed: 412,
    e.Gone: 410,
    e.Unauthenticated: 401,
    e.Forbidden: 403,
    e.TooManyRequests: 429,
}


def problem(
    status: int,
    *,
    code: str,
    title: str,
    detail: str | None = None,
    headers: dict | None = None,
    members: dict[str, Any] | None = None,
    **extra: Any,
) -> JSONResponse:
    # Extension members never overwrite the standard ones.
    body = {**(members or {}), **extra, "type": f"/problems/{code}", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _status_of(exc: e.DomainError) -> int:
    if isinstance(exc, e.OAuthError):  # RFC 6749 section 5.2
        return 401 if exc.error == "invalid_client" else 400
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


async def domain_error(request: Request, exc: e.DomainError) -> JSONResponse:
    if exc.keep_changes:
        request.state.uow.keep_changes = True
    headers = {}
    if isinstance(exc, e.TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, e.Unauthenticated):
        headers["WWW-Authenticate"] = exc.extra.get("www_authenticate", 'Bearer realm="tadrib"')
    if "error" in exc.extra:  # an OAuth answer of the token endpoint (RFC 6749 §5.2)
        headers["Cache-Control"] = "no-store"
        if exc.extra["error"] == "invalid_client":
            headers["WWW-Authenticate"] = 'Basic realm="tadrib"'
    # Text that domain errors carry as translatable (domain.i18n.Translatable) is rendered in the
    # reader's language here; the title is localised for every problem by api/language.py.
    tag = request_language(request)
    extra = localized({k: v for k, v in exc.extra.items() if k != "www_authenticate"}, tag)
    return problem(
        _status_of(exc),
        code=exc.code,
        title=exc.title,
        detail=exc.message.render(tag) if exc.message else exc.detail,
        headers=headers or None,
        members=extra,
    )


def _field(loc: tuple, kind: str | None) -> str:
    if kind == "json_invalid":  # the location is a character offset, not a field
        return "body"
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    unreadable = request.scope.get(UNREADABLE_BODY)  # a body that is not JSON (api/routing.py)
    if unreadable:
        errors.append({"field": "body", "message": unreadable})
    for err in exc.errors():
        if unreadable and tuple(err.get("loc", ()))[:1] == ("body",):
            continue  # what the schema says of an unreadable body adds nothing
        message = err.get("msg", "invalid")
        if err.get("type") == "timezone_aware":
            message = "naive datetime refused: give an offset, e.g. 2025-01-12T09:00:00+03:00"
        elif err.get("type") == "json_invalid":
            message = f"malformed JSON: {err.get('ctx', {}).get('error', 'cannot parse')}"
        elif tuple(err.get("loc", ())) == ("header", "if-match"):
            message = 'not an ETag: send the ETag of a previous GET, e.g. "3" (or *)'
        errors.append({"field": _field(tuple(err.get("loc", ())), err.get("type")), "message": message})
    names = ", ".join(sorted({x["field"] for x in errors}))
    return problem(
        422, code=P.VALIDATION_ERROR.code, title="Invalid input", detail=f"Check these fields: {names}.", errors=errors
    )


# FastAPI's own answer to a body it cannot decode (not UTF-8, not JSON text).
_UNDECODABLE = "There was an error parsing the body"


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400 and exc.detail == _UNDECODABLE:
        errors = [{"field": "body", "message": "the body is not valid JSON text (UTF-8)"}]
        return problem(
            422, code=P.VALIDATION_ERROR.code, title="Invalid input", detail="Check these fields: body.", errors=errors
        )
    if exc.status_code == 405:
        return problem(
            405,
            code=P.METHOD_NOT_ALLOWED.code,
            title="Method Not Allowed",
            headers={"Allow": allow_header(request.app, request.scope)},
        )
    title = HTTPStatus(exc.status_code).phrase
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
    if exc.status_code == 404 and detail is None:  # the router's: no path template matched
        detail = f"Nothing at {request.url.path}: check the path (the ids in paths are UUIDs)."
    return problem(
        exc.status_code,
        code=P.http_code(exc.status_code),
        title=title,
        detail=detail,
        headers=getattr(exc, "headers", None),
    )


def classify(exc: BaseException) -> str | None:
    """What a database failure means for the client: "unavailable" (cannot reach it, or it is
    busy: retry later), "conflict" (it refused the change as it stands), "invalid" (it refused a
    value), or None (a fault of ours)."""
    if isinstance(exc, (sa.TimeoutError, TimeoutError, ConnectionError)):
        return "unavailable"
    if isinstance(exc, sa.IntegrityError):
        return "conflict"
    if isinstance(exc, sa.DataError):
        return "invalid"
    if isinstance(exc, sa.DBAPIError) and (exc.connection_invalidated or isinstance(exc, sa.InterfaceError)):
        return "unavailable"
    if isinstance(exc, sa.OperationalError):
        # SQLite reports its own faults (a bad column, a syntax error) as operational errors too:
        # only a busy or unreachable file means "retry later".
        text = str(exc.orig).lower()
        sqlite_fault = exc.orig.__class__.__module__.startswith("sqlite3") and not any(
            word in text for word in ("locked", "busy", "unable to open", "disk i/o")
        )
        return None if sqlite_fault else "unavailable"
    return None


async def database_error(request: Request, exc: Exception) -> JSONResponse:
    kind = classify(exc)
    if kind == "unavailable":
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        body, headers = database_unavailable()
        return JSONResponse(body, status_code=503, media_type=PROBLEM_MEDIA_TYPE, headers=headers)
    if kind == "conflict":
        # Services map the clashes they expect; one that slips through is still a conflict, not a 500.
        return JSONResponse(unique_conflict(), status_code=409, media_type=PROBLEM_MEDIA_TYPE)
    if kind == "invalid":
        # The database refused a value the schemas let through (a NUL byte, an out-of-range number).
        return problem(
            422,
            code=P.INVALID_VALUE.code,
            title="Invalid input",
            detail="A value was refused by the database: check text for control characters and numbers for range.",
        )
    return await unexpected(request, exc)


async def stale_data(request: Request, exc: StaleDataError) -> JSONResponse:
    return problem(
        409,
        code=P.CONCURRENT_UPDATE.code,
        title="Conflict",
        detail="Someone else changed this record at the same time; read it again.",
    )


async def unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(
        500,
        code=P.INTERNAL_ERROR.code,
        title="Internal Server Error",
        detail="An unexpected error occurred; it has been logged.",
    )


def install(app: FastAPI) -> None:
    # Starlette types every handler as taking Exception; each here takes the class it is registered for.
    app.add_exception_handler(e.DomainError, domain_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(StaleDataError, stale_data)  # type: ignore[arg-type]
    for kind in (sa.DBAPIError, sa.TimeoutError, TimeoutError, ConnectionError):
        app.add_exception_handler(kind, database_error)
    app.add_exception_handler(Exception, unexpected)
