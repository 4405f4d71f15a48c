"""Signing in to the pages: the token endpoint's accounts, throttle and password check; a cookie
session stored in the database (only its hash), ended by signing out, a password change, a
disabled account, or its idle and absolute expiry; security headers on every page."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from api.main import create_app
from domain.auth.passwords import hash_password
from domain.auth.principal import Role
from domain.auth.service import set_password
from domain.auth.web_sessions import token_hash
from domain.db import utcnow
from domain.models.auth import User, WebSession
from tests.conftest import make_settings
from tests.web.conftest import Browser, csrf_of
from web.headers import CSP

PASSWORD = "correct-horse-battery"


async def account(db, role: Role = Role.observer, **extra) -> User:
    user = User(username=f"web-{uuid.uuid4().hex[:8]}", password_hash=hash_password(PASSWORD), role=role, **extra)
    user.programmes = []
    db.add(user)
    await db.flush()
    return user


async def at_home(visitor) -> bool:
    """Signed in: "/" leads to the person's home (an observer's is the results), not to the sign-in page."""
    return (await visitor.get("/")).headers.get("location") == "/results"


async def sign_in(visitor, username: str, password: str = PASSWORD, next: str = "/"):
    page = await visitor.get("/sign-in")
    return await visitor.post(
        "/sign-in",
        data={"csrf_token": csrf_of(page.text), "username": username, "password": password, "next": next},
    )


async def test_the_start_page_without_a_session_leads_to_sign_in(visitor):
    r = await visitor.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/sign-in"
    deep = await visitor.get("/trainer/sessions")
    assert deep.status_code == 303 and deep.headers["location"] == "/sign-in?next=/trainer/sessions"
    page = await visitor.get("/sign-in")
    assert '<label for="username">User name</label>' in page.text
    assert '<label for="password">Password</label>' in page.text


async def test_signing_in_stores_a_hashed_session_and_sets_a_safe_cookie(visitor, db):
    user = await account(db)
    r = await sign_in(visitor, user.username, next="/trainer/sessions")
    assert r.status_code == 303 and r.headers["location"] == "/trainer/sessions"
    cookie = r.headers["set-cookie"]
    assert re.match(r"tadrib_session=[\w-]{43}; HttpOnly; Path=/; SameSite=lax$", cookie), cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    stored = (await db.scalars(select(WebSession).where(WebSession.user_id == user.id))).one()
    assert stored.token_hash == token_hash(token) and token not in stored.token_hash
    assert await at_home(visitor)
    home = await visitor.get("/results")
    assert home.status_code == 200 and "Sign out" in home.text


async def test_by_default_the_pages_assume_https(app, db):
    """Closed by default: without PLAIN_HTTP the cookies are Secure with the __Host- prefix (a
    browser refuses them over plain HTTP and from another subdomain) and HSTS is sent."""
    user = await account(db)
    closed = create_app(make_settings(app.state.settings.database_url, plain_http=False), check_schema=False)
    closed.state.sessions = app.state.sessions  # the test's transaction
    async with Browser(transport=httpx.ASGITransport(app=closed), base_url="https://test") as browser:
        page = await browser.get("/sign-in")
        assert page.headers["strict-transport-security"].startswith("max-age=")
        assert re.match(
            r"__Host-tadrib_form=[\w-]+; HttpOnly; Path=/; SameSite=strict; Secure$", page.headers["set-cookie"]
        )
        r = await sign_in(browser, user.username)
        assert r.status_code == 303, r.text
        assert re.match(
            r"__Host-tadrib_session=[\w-]{43}; HttpOnly; Path=/; SameSite=lax; Secure$", r.headers["set-cookie"]
        )
        assert await at_home(browser)


async def test_a_trainer_lands_on_my_sessions(visitor, db):
    user = await account(db, Role.trainer)
    await sign_in(visitor, user.username)
    r = await visitor.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/trainer/sessions"


async def test_no_open_redirect_after_sign_in(visitor, db):
    user = await account(db)
    r = await sign_in(visitor, user.username, next="//evil.example/x")
    assert r.headers["location"] == "/"


async def test_a_wrong_password_is_refused_next_to_the_form_with_the_user_name_kept_and_counted(visitor, db):
    user = await account(db)
    for _ in range(5):
        r = await sign_in(visitor, user.username, password="not-the-password")
        assert r.status_code == 401
        assert "Wrong user name or password, or the account is disabled." in r.text
        assert f'value="{user.username}"' in r.text and "not-the-password" not in r.text
    throttled = await sign_in(visitor, user.username)  # even the right password, from the address that failed
    assert throttled.status_code == 429
    waited = re.search(r"Too many failed sign-ins: try again in (\d+) seconds?\.", throttled.text)
    assert waited and 1 <= int(waited[1]) <= 2  # the first growing delay: a second, rounded up
    assert "tadrib_session" not in throttled.headers.get("set-cookie", "")


async def test_signing_out_ends_the_session(visitor, db):
    user = await account(db)
    await sign_in(visitor, user.username)
    home = await visitor.get("/results")
    out = await visitor.post("/sign-out", data={"csrf_token": csrf_of(home.text)})
    assert out.status_code == 303 and out.headers["location"] == "/sign-in"
    assert (await db.scalars(select(WebSession).where(WebSession.user_id == user.id))).all() == []
    assert (await visitor.get("/")).headers["location"] == "/sign-in"


async def test_a_password_change_or_a_disabled_account_ends_the_sessions_at_once(visitor, db):
    user = await account(db)
    await sign_in(visitor, user.username)
    assert await at_home(visitor)
    set_password(user, "another-password-12")
    await db.flush()
    assert (await visitor.get("/")).headers["location"] == "/sign-in"
    await sign_in(visitor, user.username, password="another-password-12")
    assert await at_home(visitor)
    user.disabled = True
    await db.flush()
    assert (await visitor.get("/")).headers["location"] == "/sign-in"


async def test_sessions_expire_when_idle_and_after_their_absolute_lifetime(visitor, db, settings):
    user = await account(db)
    await sign_in(visitor, user.username)
    assert await at_home(visitor)
    idle = utcnow() - timedelta(minutes=settings.web_session_idle_minutes + 1)
    await db.execute(update(WebSession).where(WebSession.user_id == user.id).values(last_seen_at=idle))
    assert (await visitor.get("/")).status_code == 303
    await sign_in(visitor, user.username)
    await db.execute(update(WebSession).where(WebSession.user_id == user.id).values(expires_at=utcnow()))
    assert (await visitor.get("/")).status_code == 303


async def test_every_page_carries_the_security_headers(visitor, db):
    for url in ("/sign-in", "/", "/no-such-page", "/static/app.css", "/static/htmx/htmx.min.js"):
        r = await visitor.get(url)
        assert r.headers["content-security-policy"] == CSP, url
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
    assert "unsafe-inline" not in CSP and "frame-ancestors 'none'" in CSP and "form-action 'self'" in CSP
    api = await visitor.get("/healthz")
    assert "content-security-policy" not in api.headers  # the API (and its Swagger page) keep theirs


def test_no_template_has_inline_script_or_style():
    from web.templating import TEMPLATES

    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"inline script in {path.name}"
        assert "<style" not in text and " style=" not in text, f"inline style in {path.name}"
        assert not re.search(r"\son[a-z]+=", text), f"an inline event handler in {path.name}"
        assert "hx-on" not in text, f"hx-on needs eval: {path.name}"


async def test_a_session_is_remembered_between_page_views_and_forgotten_when_it_ends(visitor, db, engine, app):
    """The person behind a cookie is remembered for a moment (domain/auth/remembered.py): the next
    page view reads no session; signing out (or disabling the account) applies to the next one."""
    from sqlalchemy import event

    user = await account(db)
    await sign_in(visitor, user.username)
    remembered = app.state.signed_in
    seconds, remembered.seconds = remembered.seconds, 60  # longer than the test on a busy machine
    assert await at_home(visitor)
    read: list[str] = []

    def seen(_conn, _cursor, statement, *_):
        if "web_sessions" in statement:
            read.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        assert await at_home(visitor)
        assert read == []
        await db.execute(update(User).where(User.id == user.id).values(disabled=True))
        assert not await at_home(visitor)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)
        remembered.seconds = seconds
