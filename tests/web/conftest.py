"""Page tests: HTTP through the app (httpx), as a browser would send it (cookies, form posts,
htmx headers), with the test's rolled-back transaction like the API tests. A person is signed
in by storing an account and a session (web_sessions.start), as the sign-in page would."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import select

from domain.auth import web_sessions
from domain.auth.principal import Principal, Role
from domain.db import utcnow
from domain.models.auth import User, WebSession
from domain.models.programmes import Programme

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form token"
    return found.group(1)


class Browser(httpx.AsyncClient):
    """A client with a cookie jar, that posts forms the way a page does."""

    csrf: str = ""
    user_id: uuid.UUID | None = None

    async def submit(self, url: str, data: dict | None = None, *, htmx: bool = False, **kw) -> httpx.Response:
        headers = kw.pop("headers", {}) | ({"HX-Request": "true"} if htmx else {})
        return await self.post(url, data={"csrf_token": self.csrf} | (data or {}), headers=headers, **kw)


@pytest.fixture
async def visitor(app) -> AsyncIterator[Browser]:
    """Nobody signed in: a fresh browser."""
    async with Browser(transport=httpx.ASGITransport(app=app), base_url="http://test") as browser:
        yield browser


@pytest.fixture
def person(app, db, settings):
    """person(role, language=None, **binding) -> a browser signed in as a new account of that role."""
    opened: list[Browser] = []

    async def _person(role: str = "trainer", *, language: str | None = None, **binding) -> Browser:
        programme_ids = binding.pop("programme_ids", [])  # a coordinator's programmes
        user = User(
            username=f"{role}-{uuid.uuid4().hex[:8]}",
            password_hash="!",
            role=Role(role),
            disabled=False,
            language=language,
            **binding,
        )
        user.programmes = (
            list(await db.scalars(select(Programme).where(Programme.id.in_(programme_ids)))) if programme_ids else []
        )
        db.add(user)
        await db.flush()
        principal = Principal(
            id=user.id, name=user.username, role=user.role, programme_ids=frozenset(programme_ids), **binding
        )
        token = await web_sessions.start(db, principal=principal, settings=settings, now=utcnow())
        await db.flush()
        browser = Browser(
            transport=httpx.ASGITransport(app=app),
            base_url="http://test",
            cookies={"tadrib_session": token},
        )
        browser.csrf = await db.scalar(select(WebSession.csrf_token).where(WebSession.user_id == user.id))
        browser.user_id = user.id
        opened.append(browser)
        return browser

    return _person


def world(**kw) -> SimpleNamespace:
    return SimpleNamespace(**kw)
