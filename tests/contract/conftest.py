"""The contract tests' own database: migrated, with the demo data committed (so that lists, rosters
and reports answer with real rows to check against their schemas), one per xdist worker. Each test
runs in a transaction on it that is rolled back, with the need-to-know guard on."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import io
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from api.main import create_app
from domain.auth.service import user_token
from domain.db import is_sqlite, sync_url
from domain.models.auth import User
from seeds.__main__ import run as run_seeds
from tests.conftest import _TMP, DATABASE_URL, TestSessions, make_settings, migrate, reset_database
from tests.need_to_know_guard import NeedToKnowGuard


def _contract_url() -> str:
    if is_sqlite(DATABASE_URL):
        return f"sqlite:///{_TMP / 'contract.db'}"
    url = make_url(sync_url(DATABASE_URL))
    return url.set(database=f"{url.database}_contract").render_as_string(hide_password=False)


CONTRACT_URL = _contract_url()
# Built at import: schemathesis needs the app before it collects the operations.
CONTRACT_APP = create_app(make_settings(CONTRACT_URL), check_schema=False)
CONTRACT_APP.state.sessions = TestSessions()
DEMO_ACCOUNTS = {"admin": "admin", "focal_point": "focal.moi"}
TOKENS: dict[str, str] = {}  # filled by contract_tokens, for the stateful tests (unittest classes)


def _create(url: str) -> None:
    if is_sqlite(url):
        reset_database(url)
        return
    u = make_url(sync_url(url))
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{u.database}"'))
    admin.dispose()


async def seed(url: str) -> int:
    """The demo seed, as `python -m seeds demo` runs it (quietly), its certificates signed with the app's keys."""
    with contextlib.redirect_stdout(io.StringIO()):
        return await run_seeds("demo", url, signer=CONTRACT_APP.state.keyring)


def _build(url: str) -> None:
    _create(url)
    migrate(url)
    assert asyncio.run(seed(url)) == 0, "the demo seed failed"


def _copy(template: str, url: str) -> None:
    if is_sqlite(url):
        reset_database(url)
        with sqlite3.connect(template.split("///", 1)[1]) as source, sqlite3.connect(url.split("///", 1)[1]) as target:
            source.backup(target)
        return
    u, t = make_url(sync_url(url)), make_url(sync_url(template))
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{u.database}" TEMPLATE "{t.database}"'))
    admin.dispose()


def build_contract_database(shared: Path) -> None:
    """The contract database, migrated and seeded once per run (demo_database)."""
    demo_database(shared, CONTRACT_URL)


def demo_database(shared: Path, url: str) -> None:
    """`url` migrated and seeded with the demo: under xdist the first worker to need such a
    database builds a template (under a lock in the run's shared temporary directory) and every
    worker copies that; alone, it is built in place. tests/test_walkthroughs.py uses it too."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        _build(url)
        return
    if is_sqlite(DATABASE_URL):
        template = f"sqlite:///{shared / 'contract-template.db'}"
    else:
        base = make_url(sync_url(os.environ["TEST_DATABASE_URL"]))
        template = base.set(database=f"{base.database}_contract_template").render_as_string(hide_password=False)
    with (shared / "contract-template.lock").open("a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        lock.seek(0)
        if lock.read() != "built":
            _build(template)
            lock.write("built")
            lock.flush()
        _copy(template, url)  # under the lock: PostgreSQL copies a template for one at a time


@pytest.fixture(scope="session")
def contract_tokens(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Bearer tokens of the demo administrator and the demo focal point (Ministry of Interior)."""
    build_contract_database(tmp_path_factory.getbasetemp().parent)
    fill_pools(CONTRACT_URL)
    engine = create_engine(sync_url(CONTRACT_URL))
    with engine.connect() as conn:
        accounts = {
            role: conn.execute(select(User).where(User.username == name)).one() for role, name in DEMO_ACCOUNTS.items()
        }
    engine.dispose()
    TOKENS.update({role: user_token(CONTRACT_APP.state.keyring, user)[0] for role, user in accounts.items()})
    return dict(TOKENS)


@pytest.fixture
async def contract_connection(contract_tokens: dict[str, str]) -> AsyncIterator[AsyncConnection]:
    sessions: TestSessions = CONTRACT_APP.state.sessions
    async with CONTRACT_APP.state.engine.connect() as conn:
        transaction = await conn.begin()
        sessions.connection = conn
        try:
            with NeedToKnowGuard() as guard:
                yield conn
        finally:
            sessions.connection = None
            await transaction.rollback()
    assert not guard.bypasses, "queries that bypass domain/access:\n" + "\n".join(dict.fromkeys(guard.bypasses))


# Ids of the demo data, by the parameter or field names that refer to them. The fuzzer's random
# ids name nothing; these let its cases reach real records (their 200s, their response schemas,
# their rules), and the rest of its values stay its own.
POOLS: dict[str, list[str]] = {}
_POOL_QUERIES = {
    "programme_id": "SELECT id FROM programmes",
    "cycle_id": "SELECT id FROM cycles",
    "agency_id": "SELECT id FROM agencies",
    "module_id": "SELECT id FROM modules",
    "session_id": "SELECT id FROM training_sessions",
    "venue_id": "SELECT id FROM venues",
    "trainer_id": "SELECT id FROM trainers",
    "officer_id": "SELECT id FROM officers",
    "nomination_id": "SELECT id FROM nominations",
    "vetting_id": "SELECT id FROM vettings",
    "certificate_id": "SELECT id FROM certificates",
    "questionnaire_id": "SELECT id FROM questionnaires",
    "survey_id": "SELECT id FROM module_surveys",
    "user_id": "SELECT id FROM users",
    "indicator_id": "SELECT id FROM indicators",
    "value_id": "SELECT id FROM indicator_values",
    "code": "SELECT code FROM disciplines",
    "discipline": "SELECT code FROM disciplines",
}
ALIASES = {
    "parent_id": "agency_id",
    "within": "agency_id",
    "prerequisite_module_ids": "module_id",
    "programme_ids": "programme_id",
    "trainer_ids": "trainer_id",
    "nomination_ids": "nomination_id",
    "target_id": "module_id",
}


def fill_pools(url: str) -> None:
    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        for name, sql in _POOL_QUERIES.items():
            values = [str(v) for v in conn.scalars(text(sql + " ORDER BY 1"))]
            POOLS[name] = values if name in ("code", "discipline") else [str(uuid.UUID(v)) for v in values]
    engine.dispose()
