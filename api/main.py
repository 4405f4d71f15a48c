"""The app factory: routers, error handlers, body limit, offline /docs."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi_offline import FastAPIOffline
from sqlalchemy.ext.asyncio import AsyncEngine

from api import errors
from api.idempotency import IdempotencyMiddleware
from api.middleware import BodyLimit
from api.unit_of_work import TransactionMiddleware
from api.openapi_extras import install_openapi
from api.routes import accounts, attendance, audit, auth, calendar, catalogue, certificates, enrolment, officers, planning, reports, sessions, vetting
from api.startup import check_schema_is_current
from domain.auth.tokens import KeyRing
from domain.db import Sessions, make_engine
from domain.settings import Settings, get_settings

DESCRIPTION = """Tadrib plans and runs capacity-building training cycles for security and justice agencies:
programmes, cooperation cycles, modules and sessions, the agencies that nominate officers, and the officers
themselves. Errors are RFC 9457 `application/problem+json`. Lists page with `limit` and an opaque `cursor`
and send `Link: <...>; rel="next"`. Single resources carry an `ETag`; send it back in `If-Match` on PATCH. Every POST takes an optional
`Idempotency-Key` (a structured-field string, e.g. a quoted UUID): a retry with the same key and request replays
the first answer, so the change takes effect once."""


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None, check_schema: bool = True) -> FastAPI:
    settings = settings or get_settings()
    keyring = KeyRing(settings)  # refuses ENV=production without configured keys and secret
    engine = engine or make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if check_schema:
            await check_schema_is_current(engine)
        yield
        await engine.dispose()

    app = FastAPIOffline(
        title="Tadrib",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.keyring = keyring
    app.state.engine = engine
    app.state.sessions = Sessions(engine)
    errors.install(app)
    # The last added runs first: the body limit, then Idempotency-Key (it claims a key in a
    # transaction of its own before the request's unit of work begins), then the unit of work.
    app.add_middleware(TransactionMiddleware)
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)

    v1 = APIRouter(prefix="/api/v1")
    for module in (auth, planning, officers, catalogue, sessions, enrolment, vetting, attendance, certificates, calendar, reports, accounts, audit):
        v1.include_router(module.router)
    app.include_router(v1)
    app.include_router(auth.public)
    app.include_router(certificates.public, prefix="/api/v1")
    install_openapi(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    if settings.bench_ceiling:  # the same process, middleware and settings as the routes it is compared with
        @app.get("/bench/ceiling", include_in_schema=False)
        async def bench_ceiling() -> dict[str, str]:
            return {"status": "ok", "service": "tadrib"}

    return app
