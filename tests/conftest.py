"""Test harness: the schema is built once per run by the migrations; each test runs inside an
outer transaction that is rolled back, and the app's sessions join it through SAVEPOINTs.

The app is built once per test process; each test hands it its own connection (TestSessions).
Under pytest-xdist every worker has a database of its own (a file, or test_gw0, test_gw1...).

TEST_DATABASE_URL picks the database (PostgreSQL in CI); the default is a SQLite file."""

from __future__ import annotations

import gc
import os
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from api.main import create_app
from api.startup import alembic_config
from domain.auth.principal import Role
from domain.auth.service import user_token
from domain.db import is_sqlite, make_engine, sync_url
from domain.models.auth import User
from domain.models.programmes import Programme
from domain.settings import Settings
from tests.need_to_know_guard import GUARDED, NeedToKnowGuard

ROOT = Path(__file__).resolve().parents[1]
_TMP = Path(tempfile.mkdtemp(prefix="tadrib-tests-"))
# Hypothesis (schemathesis) keeps its files outside the working tree, in one place for every run
# and worker: its tables of which characters a codec encodes take seconds to build, once.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "tadrib-hypothesis"))
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


# Tests that mostly wait (on worker processes, servers starting, leases running out) go first,
# so that under xdist their waiting overlaps the other workers' CPU-bound tests instead of
# leaving a core idle at the end of the run.
WAITING_FIRST = (
    "tests/test_webhook_delivery.py",
    "tests/test_webhook_endpoints.py",
    "tests/test_mail_delivery.py",
    "tests/test_scale_out.py",
    "tests/test_concurrency.py",
    "tests/test_audited_reads_under_writes.py",
    "tests/test_idempotency_concurrency.py",
    "tests/test_forwarded_headers.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: i for i, path in enumerate(WAITING_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))  # stable: the rest keep their order


def pytest_collection_finish(session: pytest.Session) -> None:
    """What the imports and the collection built lives for the whole run: out of the collector's
    sight (gc.freeze), so that each full collection during the tests does not walk it again
    (about a tenth of the suite's CPU)."""
    gc.collect()
    gc.freeze()


def _worker_url(url: str) -> str:
    """Each xdist worker gets a database of its own, created on first use (PostgreSQL)."""
    if not WORKER:
        return url
    u = make_url(sync_url(url))
    if is_sqlite(url):
        path = Path(u.database or "test.db")
        return u.set(database=str(path.with_name(f"{path.stem}_{WORKER}{path.suffix}"))).render_as_string()
    own = u.set(database=f"{u.database}_{WORKER}")
    admin = create_engine(u, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own.database}) is None:
            conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    admin.dispose()
    return own.render_as_string(hide_password=False)


DATABASE_URL = (
    _worker_url(os.environ["TEST_DATABASE_URL"])
    if os.environ.get("TEST_DATABASE_URL")
    else f"sqlite:///{_TMP / 'test.db'}"
)


def reset_database(url: str) -> None:
    """Empty the test database so that the migrations start from nothing."""
    if is_sqlite(url):
        path = url.split("///", 1)[1]
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
        return
    engine = create_engine(sync_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    """An empty database of its own, beside the test database, for tests that need committed
    data or an empty schema; dropped afterwards. Yields its URL."""
    if is_sqlite(DATABASE_URL):
        path = _TMP / f"{name}.db"
        path.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    url = make_url(sync_url(DATABASE_URL))
    scratch = f"{url.database}_{name}"  # the worker's database name already tells workers apart
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{scratch}"'))
    admin.dispose()  # no pooled connection kept across the test (the outage test restarts the server)
    try:
        yield url.set(database=scratch).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()


def migrate(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(sync_url(url)), revision)


@pytest.fixture(scope="session")
def database_url() -> str:
    reset_database(DATABASE_URL)
    migrate(DATABASE_URL)
    return DATABASE_URL


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        transaction = await conn.begin()
        try:
            yield conn
        finally:
            await transaction.rollback()


@pytest.fixture
async def db(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    """A session inside the test's transaction, for arranging data or checking what was stored."""
    async with AsyncSession(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as session:
        yield session


def make_settings(database_url: str, **extra: Any) -> Settings:
    """The tests' settings: closed like a deployment's (domain/settings.py), but for keys made once
    per run in its temporary folder and plain HTTP (the test client's); whatever else a test opens,
    it names in `extra`. Explicit, so that a developer's environment (GENERATE_KEYS,
    WEBHOOK_ALLOWED_NETWORKS...) changes nothing."""
    return Settings(
        database_url=database_url,
        **{"key_dir": _TMP / "keys", "generate_keys": True, "webhook_allowed_networks": "", "plain_http": True} | extra,
    )


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


class TestSessions:
    """The app's session factory in tests: every session joins the running test's transaction
    through a SAVEPOINT, so what the app commits is rolled back with the test."""

    connection: AsyncConnection | None = None

    def __call__(self, *, read_only: bool = False) -> AsyncSession:
        assert self.connection is not None, "no test is running"
        session = AsyncSession(
            bind=self.connection, join_transaction_mode="create_savepoint", expire_on_commit=False, autoflush=False
        )
        session.info[GUARDED] = True
        return session


@pytest.fixture(scope="session")
def shared_app(engine: AsyncEngine, settings: Settings):
    app = create_app(settings, engine=engine, check_schema=False)
    app.state.sessions = TestSessions()
    return app


@pytest.fixture
def app(shared_app, connection: AsyncConnection):
    """The app, with its sessions in this test's transaction and every personal-data query it
    sends checked for a need-to-know condition (tests/need_to_know_guard.py)."""
    shared_app.state.sessions.connection = connection
    with NeedToKnowGuard() as guard:
        yield shared_app
    shared_app.state.sessions.connection = None
    assert not guard.bypasses, "queries that bypass domain/access:\n" + "\n".join(dict.fromkeys(guard.bypasses))


@pytest.fixture
async def anonymous(app) -> AsyncIterator[httpx.AsyncClient]:
    """A client with no token."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        yield client


@pytest.fixture
def sign_in(app, db: AsyncSession):
    """sign_in(role, agency_id=..., trainer_id=..., programme_ids=[...]) -> a client acting as a new
    account of that role. The account is stored like any other; only the password step is skipped
    (hashing is slow and has tests of its own)."""
    opened: list[httpx.AsyncClient] = []

    async def _sign_in(role: str = "admin", *, username: str | None = None, **binding) -> httpx.AsyncClient:
        programme_ids = binding.pop("programme_ids", [])
        user = User(
            username=username or f"{role}-{uuid.uuid4().hex[:8]}",
            password_hash="!",
            role=Role(role),
            disabled=False,
            **binding,
        )
        if programme_ids:
            user.programmes = list(await db.scalars(select(Programme).where(Programme.id.in_(programme_ids))))
        else:
            user.programmes = []
        db.add(user)
        await db.flush()
        token, _ = user_token(app.state.keyring, user)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://test/api/v1",
            headers={"Authorization": f"Bearer {token}"},
        )
        client.user_id = user.id
        client.arrange_db = db  # builders arrange through the services on the test's transaction
        opened.append(client)
        return client

    yield _sign_in


@pytest.fixture
async def client(sign_in) -> httpx.AsyncClient:
    """An administrator's client: most tests are about behaviour, not access."""
    return await sign_in("admin")


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args) -> None:
        self.count += 1


@pytest.fixture
def statements(engine: AsyncEngine, app):
    """Counts the SQL statements sent while the test runs (for N+1 checks). Meanwhile the account
    behind a token or a page's session is read on every request (PRINCIPAL_RECHECK_SECONDS=0), so
    that a count does not depend on whether an earlier request left it remembered."""
    counter = StatementCounter()
    caches = (app.state.principals, app.state.signed_in)
    seconds = [c.seconds for c in caches]
    for cache in caches:
        cache.seconds = 0
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine.sync_engine, "before_cursor_execute", counter)
    for cache, kept in zip(caches, seconds, strict=True):
        cache.seconds = kept


@pytest.fixture
def machine(app, db: AsyncSession):
    """machine(scopes, agency_id=None) -> a client acting as a new machine client (client
    credentials), bound to an agency or not. Stored like any other; the secret step is skipped."""
    from domain.models.auth import ApiClient

    async def _machine(
        scopes: list[str], *, agency_id: uuid.UUID | str | None = None, base_url: str = "http://test/api/v1"
    ) -> httpx.AsyncClient:
        bound = uuid.UUID(str(agency_id)) if agency_id else None
        record = ApiClient(
            client_id=f"tc_{uuid.uuid4().hex[:16]}",
            name="test machine",
            secret_hash="!",
            scopes=sorted(scopes),
            agency_id=bound,
            disabled=False,
        )
        db.add(record)
        await db.flush()
        token, _ = app.state.keyring.issue_access_token(
            subject=f"client:{record.id}", claims={"role": "client", "scope": " ".join(sorted(scopes))}
        )
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=base_url, headers={"Authorization": f"Bearer {token}"}
        )
        client.client_id = record.client_id
        client.record_id = record.id
        return client

    return _machine
