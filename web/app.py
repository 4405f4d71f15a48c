"""The pages' part of the app: routes, static files, error pages and security headers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from domain.auth.remembered import Remembered
from domain.auth.web_sessions import SignedIn
from web import errors
from web.headers import SecurityHeaders
from web.routes import ROUTERS

STATIC = Path(__file__).resolve().parent / "static"


def install(app: FastAPI) -> None:
    """Add the pages to `app` (api/main.py's create_app calls this). A new screen is a router in
    web/routes/ listed in ROUTERS (web/README.md)."""
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # The person behind a session cookie, remembered as a token's principal is (web/visitor.py).
    app.state.signed_in = Remembered[SignedIn](app.state.settings.principal_recheck_seconds)
    errors.install(app)
    app.add_middleware(SecurityHeaders, hsts=not app.state.settings.plain_http)
