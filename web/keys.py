"""Idempotency-Key on pages: the roster's script sends one with each save and retries with it
when the network drops, so a retried save has no double effect (api/idempotency.py does the
work; here: which page POSTs take part, and whose key it is: the cookie session's person)."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import Scope

from domain.auth import web_sessions
from domain.auth.principal import Principal
from domain.db import utcnow
from web.paths import is_page
from web.visitor import session_cookie

# A sign-in hands out a session: like the token endpoint, nothing a retry could repeat.
EXCLUDED = frozenset({"/sign-in"})


class PageKeys:
    def applies(self, path: str) -> bool:
        return is_page(path) and path not in EXCLUDED

    async def principal(self, session: AsyncSession, state: Any, scope: Scope) -> Principal | None:
        raw = b"; ".join(v for k, v in scope.get("headers", []) if k == b"cookie").decode("latin-1")
        morsel = SimpleCookie(raw).get(session_cookie(state.settings))
        if morsel is None or not morsel.value:
            return None
        found = await web_sessions.signed_in(session, token=morsel.value, settings=state.settings, now=utcnow())
        return found.principal if found else None
