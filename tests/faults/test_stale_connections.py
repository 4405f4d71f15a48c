"""Pooled connections that died while idle (PostgreSQL restarted, a failover, an administrator's
pg_terminate_backend) are replaced before use: the next requests answer 200, not one 503 each.

A real server on a scratch PostgreSQL database of its own; its backends are terminated between
requests, as a restart of the database would end them."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.main import create_app
from domain.auth.principal import Role
from domain.db import is_sqlite, sync_url
from tests.conftest import DATABASE_URL, make_settings, migrate, scratch_database
from tests.servers import account, http_client, serving

pytestmark = pytest.mark.skipif(is_sqlite(DATABASE_URL), reason="SQLite is embedded: no server connection can die")

PARALLEL = 4  # requests at once: the pool keeps several connections, each of which goes stale


@pytest.fixture(scope="module")
def scratch_url() -> Iterator[str]:
    with scratch_database("stale") as url:
        migrate(url)
        yield url


def terminate_backends(url: str) -> int:
    """End every connection to the database but our own, and wait until each has ended (up to 5 s):
    the connections are then dead while idle, as after a restart, not dying as they are used
    (pg_terminate_backend alone only signals the backend)."""
    engine = create_engine(make_url(sync_url(url)).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        ended = conn.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": make_url(url).database},
        )
    engine.dispose()
    return int(ended or 0)


def test_requests_after_the_backends_are_terminated_answer_200(scratch_url: str) -> None:
    app = create_app(make_settings(scratch_url))
    _, headers = account(scratch_url, app, Role.admin)
    with serving(app) as base, http_client(base + "/api/v1", headers=headers, timeout=30) as c:

        def burst() -> list[int]:
            with ThreadPoolExecutor(PARALLEL) as pool:
                return list(pool.map(lambda _: c.get("/officers", params={"limit": 1}).status_code, range(PARALLEL)))

        assert burst() == [200] * PARALLEL  # the pool now holds connections
        for _ in range(2):  # twice: the connections that replaced the dead ones are pooled and replaced again
            assert terminate_backends(scratch_url) >= 1, "no pooled connection to terminate: the test did not test"
            assert [c.get("/me").status_code for _ in range(PARALLEL)] == [200] * PARALLEL
            assert burst() == [200] * PARALLEL
