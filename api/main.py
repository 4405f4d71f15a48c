"""The app factory: routers, error handlers, body limit, offline /docs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from sqlalchemy.ext.asyncio import AsyncEngine

import web
from api import dispatch, errors
from api.idempotency import IdempotencyMiddleware
from api.language import ProblemLanguage
from api.middleware import BodyLimit
from api.openapi_extras import install_openapi
from api.routes import (
    accounts,
    agencies,
    attendance,
    attention,
    audit,
    auth,
    calendar,
    catalogue,
    certificates,
    cycles,
    enrolment,
    events,
    imports,
    indicators,
    messages,
    modules,
    officers,
    programmes,
    reports,
    scim,
    sessions,
    survey_results,
    surveys,
    vetting,
    webhooks,
)
from api.startup import check_schema_is_current
from api.unit_of_work import TransactionMiddleware
from api.webhooks_doc import install_webhooks
from domain.auth.remembered import RememberedPrincipals, watch_accounts
from domain.auth.tokens import KeyRing
from domain.db import Sessions, make_engine, pool_options
from domain.notifications import config as notifications_config
from domain.notifications import hook as notifications_hook  # noqa: F401  (decides messages as changes commit)
from domain.settings import Settings, get_settings
from web.keys import PageKeys

DESCRIPTION = """Tadrib plans and runs capacity-building training cycles for security and justice agencies:
programmes, cooperation cycles, modules and sessions, the agencies that nominate officers, and the officers
themselves. Errors are RFC 9457 `application/problem+json`. Lists page with `limit` and an opaque `cursor`
and send `Link: <...>; rel="next"`. Single resources carry an `ETag`; send it back in `If-Match` on PATCH. \
Every POST takes an optional
`Idempotency-Key` (a structured-field string, e.g. a quoted UUID): a retry with the same key and request replays
the first answer, so the change takes effect once."""

# The areas of the API in reading order: one router each, one tag each (and one module per tag
# in a generated client). /docs groups the operations under these headings, in this order.
AREAS = (
    auth,
    programmes,
    cycles,
    agencies,
    officers,
    imports,
    catalogue,
    modules,
    sessions,
    enrolment,
    vetting,
    attendance,
    certificates,
    calendar,
    attention,
    reports,
    indicators,
    surveys,
    survey_results,
    events,
    webhooks,
    accounts,
    audit,
    messages,
)
TAGS = [
    {"name": "auth", "description": "Sign in for a token, the public keys that verify it, and who you are."},
    {
        "name": "programmes",
        "description": "The funded programmes (implementer, funding sources) that cycles belong to.",
    },
    {"name": "cycles", "description": "Cooperation cycles: a programme's period of work in a partner country."},
    {"name": "agencies", "description": "The partner agencies and their sub-units, as a tree, that nominate officers."},
    {"name": "officers", "description": "The people agencies nominate: their records, duplicate checks and erasure."},
    {
        "name": "imports",
        "description": "HR files of officers (and lists of nominees) planned, shown, then applied or undone.",
    },
    {
        "name": "catalogue",
        "description": "Reference lists for planning: the discipline vocabulary, venues and trainers.",
    },
    {"name": "modules", "description": "The courses of a cycle and their status, from draft to delivered and closed."},
    {"name": "sessions", "description": "A module's sessions: scheduling with clash checks and calendar warnings."},
    {
        "name": "enrolment",
        "description": "Agency quotas, nominations and decisions, the waitlist and the gender balance.",
    },
    {
        "name": "vetting",
        "description": "The vettings an officer needs for some modules, and what a failed one changes.",
    },
    {
        "name": "attendance",
        "description": "Attendance marks, pre- and post-test scores, and the roster that adds them up.",
    },
    {
        "name": "certificates",
        "description": "Certificates of attendance and competence: issue, revoke, verify publicly.",
    },
    {"name": "calendar", "description": "Sessions as iCalendar feeds, and secret feed URLs for calendar programs."},
    {
        "name": "attention",
        "description": "What needs a coordinator's attention today across the cycles they plan (their home page).",
    },
    {"name": "reports", "description": "Gender balance and cycle results for donors, as JSON, CSV, XLSX or a chart."},
    {
        "name": "indicators",
        "description": "Knowledge gain as donors count it, and a cycle's logframe indicators with their report "
        "for a period, shaped for OPSYS.",
    },
    {
        "name": "surveys",
        "description": "Reaction and follow-up questionnaires: versioned templates, the surveys a module runs, "
        "supervisors named by focal points, and answering with a personal link (no sign-in).",
    },
    {
        "name": "survey results",
        "description": "Survey results per module survey and per cycle: response rates, means and distributions by "
        "sex and agency with small cells withheld, and the application rate of follow-ups.",
    },
    {"name": "events", "description": "The change feed: every change in commit order, as you may see it."},
    {
        "name": "webhooks",
        "description": "Signed webhooks (Standard Webhooks): subscriptions, delivery log, redelivery, replay.",
    },
    {"name": "accounts", "description": "User accounts and machine clients (administrators only)."},
    {"name": "audit", "description": "The audit log of every change and of reads of officers' data."},
    {
        "name": "messages",
        "description": "E-mail notifications with calendar invitations: the outbox and its log, resends, counts, "
        "and the kinds of message a cycle turned off.",
    },
]


def create_app(
    settings: Settings | None = None, engine: AsyncEngine | None = None, check_schema: bool = True
) -> FastAPI:
    settings = settings or get_settings()
    keyring = KeyRing(settings)  # refuses to start without keys (or GENERATE_KEYS)
    engine = engine or make_engine(
        settings.database_url,
        **pool_options(settings.database_url, settings.database_pool_size, settings.database_max_overflow),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if check_schema:
            await check_schema_is_current(engine)
        yield
        await engine.dispose()

    app = FastAPIOffline(
        title="Tadrib",
        version="0.1.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        redoc_url=None,
    )
    app.state.settings = settings
    notifications_config.configure(settings)  # the sender and links of the messages its requests decide
    app.state.keyring = keyring
    app.state.engine = engine
    app.state.sessions = Sessions(engine)
    watch_accounts(engine.sync_engine)  # a change to an account forgets the principals remembered
    app.state.principals = RememberedPrincipals(settings.principal_recheck_seconds)
    errors.install(app)
    # The last added runs first: the body limit, then Idempotency-Key (it claims a key in a
    # transaction of its own before the request's unit of work begins), then the unit of work.
    app.add_middleware(TransactionMiddleware)
    app.add_middleware(IdempotencyMiddleware, pages=PageKeys())
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, import_max_bytes=settings.max_import_bytes)
    app.add_middleware(ProblemLanguage)  # outermost: every problem's title, whoever made it

    # Each area straight under the app, not under a /api/v1 router of its own: FastAPI matches
    # an included router twice per request (to find it, then to dispatch inside it), so every
    # level of nesting is paid twice over all the routes before the match (measured: routing was
    # the largest share of a GET's time).
    for area in AREAS:
        app.include_router(area.router, prefix="/api/v1")
    app.include_router(auth.public)
    app.include_router(certificates.public, prefix="/api/v1")
    app.include_router(surveys.public, prefix="/api/v1")
    app.include_router(scim.router)  # SCIM's own format and discovery: outside the OpenAPI document
    web.install(app)  # the pages for people (web/): a second client of the domain, outside the schema
    install_webhooks(app)  # the event catalogue, documented in the schema's webhooks section
    install_openapi(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    if settings.bench_ceiling:  # the same process, middleware and settings as the routes it is compared with

        @app.get("/bench/ceiling", include_in_schema=False)
        async def bench_ceiling() -> dict[str, str]:
            return {"status": "ok", "service": "tadrib"}

        from web.bench_json import router as bench_json  # the focal workspace's data as JSON, beside its page

        app.include_router(bench_json)

    dispatch.install(app)  # match each request against the routes its path can reach, not all of them
    return app
