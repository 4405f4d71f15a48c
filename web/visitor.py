"""Who is looking at a page: the signed-in person (a cookie session, domain/auth/web_sessions.py)
or a visitor, the page's language, and the form token (CSRF) every state-changing request carries.

- The session cookie holds a random token (only its hash is stored); HttpOnly, SameSite=Lax,
  Secure with the __Host- prefix unless PLAIN_HTTP opens plain HTTP (make run, the tests).
- Signed in, the form token is the session's own; before sign-in it is a random value in a
  cookie of its own (login CSRF), compared with the form field: a double submit.
- A POST without the right token is refused (403) before anything runs."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import DbSession
from api.unit_of_work import Answer
from domain import i18n
from domain.auth import web_sessions
from domain.auth.principal import Principal
from domain.auth.remembered import Remembered
from domain.auth.web_sessions import SignedIn
from domain.db import utcnow
from domain.settings import Settings

LANGUAGE_COOKIE = "tadrib_language"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class SignInRequired(Exception):
    """The page needs a signed-in person: the answer is the sign-in page (then back here)."""


class FormRefused(Exception):
    """A state-changing request without the form token of this session: 403, nothing changed."""


def session_cookie(settings: Settings) -> str:
    return "tadrib_session" if settings.plain_http else "__Host-tadrib_session"


def form_cookie(settings: Settings) -> str:
    return "tadrib_form" if settings.plain_http else "__Host-tadrib_form"


@dataclass
class Visitor:
    signed_in: SignedIn | None
    lang: str
    form_token: str
    new_form_cookie: bool  # the page's answer sets the form cookie

    @property
    def person(self) -> Principal | None:
        return self.signed_in.principal if self.signed_in else None

    @property
    def digits(self) -> str | None:
        return self.person.digits if self.person else None

    @property
    def dir(self) -> str:
        return i18n.language(self.lang).direction


async def current_visitor(request: Request, db: DbSession) -> Visitor:
    """Read once per request (one statement when a session cookie is sent), kept on request.state."""
    found = getattr(request.state, "visitor", None)
    if found is not None:
        return found
    settings: Settings = request.app.state.settings
    token = request.cookies.get(session_cookie(settings))
    signed_in = await _signed_in(request, db, settings, token) if token else None
    preferred = signed_in.principal.language if signed_in else request.cookies.get(LANGUAGE_COOKIE)
    lang = i18n.negotiate(preferred, request.headers.get("accept-language"))
    if signed_in is not None:
        visitor = Visitor(signed_in, lang, signed_in.csrf_token, new_form_cookie=False)
        request.state.principal = signed_in.principal  # problem titles follow the person's language
    else:
        existing = request.cookies.get(form_cookie(settings)) or ""
        fresh = len(existing) != 43  # a token_urlsafe(32), or none yet
        visitor = Visitor(None, lang, secrets.token_urlsafe(32) if fresh else existing, new_form_cookie=fresh)
    request.state.visitor = visitor
    return visitor


async def _signed_in(request: Request, db: AsyncSession, settings: Settings, token: str) -> SignedIn | None:
    """The person behind the cookie, remembered for a moment as a token's principal is
    (domain/auth/remembered.py: forgotten at once when this process changes an account or ends a
    session), never past the session's idle or absolute expiry; read again when its last use is
    due to be written (the touch), so that the write is not repeated."""
    now = utcnow()
    remembered: Remembered[SignedIn] = request.app.state.signed_in

    async def read() -> SignedIn | None:
        signed_in = await web_sessions.signed_in(db, token=token, settings=settings, now=now)
        if signed_in is not None and web_sessions.due_for_touch(signed_in, now):
            session_id = signed_in.session_id

            async def touch(session: AsyncSession, answer: Answer) -> None:
                await web_sessions.touch(session, session_id=session_id, now=now)

            request.state.uow.before_commit.append(touch)  # with the request's writes, or apart for a read
        return signed_in

    def until(signed_in: SignedIn) -> float | None:
        if web_sessions.due_for_touch(signed_in, now):
            return None
        return web_sessions.expires(signed_in, settings).timestamp()

    return await remembered.get_or_read(web_sessions.token_hash(token), read, until)


CurrentVisitor = Annotated[Visitor, Depends(current_visitor)]


async def signed_in_person(visitor: CurrentVisitor) -> Visitor:
    if visitor.signed_in is None:
        raise SignInRequired()
    return visitor


SignedInVisitor = Annotated[Visitor, Depends(signed_in_person)]


async def checked_form(request: Request, visitor: CurrentVisitor) -> Visitor:
    """The dependency of every state-changing page route: the form token must match."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if visitor.new_form_cookie or not sent or not hmac.compare_digest(sent, visitor.form_token):
        raise FormRefused()
    return visitor


CheckedForm = Annotated[Visitor, Depends(checked_form)]


async def checked_person(visitor: CheckedForm) -> Visitor:
    if visitor.signed_in is None:
        raise SignInRequired()
    return visitor


CheckedPerson = Annotated[Visitor, Depends(checked_person)]
