"""Test harness: the schema is built once per run by the migrations; each test runs inside an
outer transaction that is rolled back, and the app's sessions join it through SAVEPOINTs.

TEST_DATABASE_URL picks the database (PostgreSQL in CI); the default is a SQLite file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import AsyncIterator

import httpx
import pytest
from alembic import command
from sqlalchemy import create_engine, event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from api.deps import get_db
from api.main import create_app
from api.startup import alembic_config
from domain.db import is_sqlite, make_engine, sync_url
from domain.settings import Settings

_TMP = Path(tempfile.mkdtemp(prefix="tadrib-tests-"))
DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"


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
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
        yield session


@pytest.fixture
def app(engine: AsyncEngine, connection: AsyncConnection, database_url: str):
    app = create_app(Settings(database_url=database_url), engine=engine, check_schema=False)

    async def session_in_test_transaction() -> AsyncIterator[AsyncSession]:
        async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    app.dependency_overrides[get_db] = session_in_test_transaction
    return app


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        yield client


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args) -> None:
        self.count += 1


@pytest.fixture
def statements(engine: AsyncEngine):
    """Counts the SQL statements sent while the test runs (for N+1 checks)."""
    counter = StatementCounter()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine.sync_engine, "before_cursor_execute", counter)
