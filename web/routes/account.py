"""Signing in and out, the home page each role lands on, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import DbSession
from domain import i18n
from domain.auth import preferences, web_sessions
from domain.auth import service as auth_service
from domain.auth.principal import Role
from domain.auth.schemas import MeUpdate
from domain.db import utcnow
from domain.errors import OAuthError, TooManyRequests
from web.templating import finish, render
from web.visitor import (
    LANGUAGE_COOKIE,
    CheckedForm,
    CheckedPerson,
    CurrentVisitor,
    SignedInVisitor,
    Visitor,
    session_cookie,
)

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=300)]
HOMES = {
    Role.trainer: "/trainer/sessions",
    Role.focal_point: "/focal",
    Role.coordinator: "/coordinator",
    Role.admin: "/coordinator",
    Role.observer: "/results",  # donors and steering bodies: aggregates only
}


def safe_next(target: str | None) -> str:
    """Only a path of this site (never //host or a scheme): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def redirect(request: Request, visitor: Visitor, location: str) -> Response:
    response = RedirectResponse(location, status_code=303)
    finish(request, visitor, response)
    return response


@router.get("/")
async def home(request: Request, visitor: SignedInVisitor) -> Response:
    person = visitor.person
    assert person is not None
    if person.role in HOMES:
        return redirect(request, visitor, HOMES[person.role])
    return render(request, visitor, "home.html")


@router.get("/sign-in")
async def sign_in_page(request: Request, visitor: CurrentVisitor, next: str | None = None) -> Response:
    if visitor.signed_in is not None:
        return redirect(request, visitor, safe_next(next))
    return render(request, visitor, "sign_in.html", next=safe_next(next), username="", error=None)


@router.post("/sign-in")
async def sign_in(
    request: Request,
    db: DbSession,
    visitor: CheckedForm,
    username: Text = "",
    password: Text = "",
    next: Text = "/",
) -> Response:
    """The token endpoint's sign-in (same accounts, throttle and password check), then a session."""
    settings, keyring = request.app.state.settings, request.app.state.keyring
    address = request.client.host if request.client else "unknown"
    error, status = None, 200
    if not username.strip() or not password:
        error, status = i18n.N_("Enter your user name and your password."), 422
    else:
        try:
            token = await auth_service.sign_in_password(
                db, keyring=keyring, settings=settings, username=username, password=password, address=address
            )
        except TooManyRequests as exc:
            error, status = _too_many(visitor.lang, exc.retry_after), 429
        except OAuthError as exc:
            request.state.uow.keep_changes = exc.keep_changes  # the failure is counted
            error, status = i18n.N_("Wrong user name or password, or the account is disabled."), 401
        else:
            person = await auth_service.principal_from_token(db, keyring=keyring, token=token.access_token)
            session_token = await web_sessions.start(db, principal=person, settings=settings, now=utcnow())
            response = RedirectResponse(safe_next(next), status_code=303)
            response.set_cookie(
                session_cookie(settings),
                session_token,
                httponly=True,
                samesite="lax",
                secure=not settings.plain_http,
                path="/",
            )
            response.headers["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        visitor,
        "sign_in.html",
        status_code=status,
        next=safe_next(next),
        username=username,
        error=error,
    )


def _too_many(lang: str, seconds: int) -> str:
    """The wait in the unit a person reads: the delays grow from a second to minutes."""
    if seconds < 60:
        text = i18n.ngettext(
            lang,
            "Too many failed sign-ins: try again in %(n)s second.",
            "Too many failed sign-ins: try again in %(n)s seconds.",
            seconds,
        )
        return text % {"n": seconds}
    minutes = (seconds + 59) // 60
    text = i18n.ngettext(
        lang,
        "Too many failed sign-ins: try again in %(n)s minute.",
        "Too many failed sign-ins: try again in %(n)s minutes.",
        minutes,
    )
    return text % {"n": minutes}


@router.post("/sign-out")
async def sign_out(request: Request, db: DbSession, visitor: CheckedPerson) -> Response:
    assert visitor.signed_in is not None
    await web_sessions.end(db, current=visitor.signed_in)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(session_cookie(request.app.state.settings), path="/")
    return response


@router.post("/language")
async def switch_language(
    request: Request,
    db: DbSession,
    visitor: CheckedForm,
    language: Text = "",
    digits: Text = "",
    next: Text = "/",
) -> Response:
    """Saved for a signed-in person (their account's preference); a cookie for a visitor."""
    chosen = i18n.supported(language) if language else None
    response = RedirectResponse(safe_next(next), status_code=303)
    if visitor.person is not None:
        changes = {"language": chosen} if chosen else {}
        if digits in i18n.DIGITS:
            changes["digits"] = digits
        if changes:
            await preferences.update_preferences(db, principal=visitor.person, data=MeUpdate(**changes))
    if chosen:
        response.set_cookie(LANGUAGE_COOKIE, chosen, samesite="lax", secure=not request.app.state.settings.plain_http)
    return response
