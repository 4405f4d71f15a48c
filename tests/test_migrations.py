"""The migrations are the only way the schema changes: they build an empty database up to head,
match the models exactly, and tear down to base again. Runs on a scratch database of its own."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from api.startup import alembic_config
from domain import sqlite
from domain.db import is_sqlite, sync_url
from domain.registry import metadata
from tests.conftest import make_settings, scratch_database


@pytest.fixture(scope="module")
def scratch_url():
    with scratch_database("migrations") as url:
        yield url


def _engine(url: str):
    engine = create_engine(sync_url(url))
    if is_sqlite(url):
        sqlite.install(engine)
    return engine


def test_upgrade_compare_downgrade(scratch_url):
    config = alembic_config(scratch_url)
    command.upgrade(config, "head")
    engine = _engine(scratch_url)
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert {"programmes", "cycles", "agencies", "officers", "modules", "training_sessions", "audit_log"} <= tables
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        assert diff == [], f"models and migrations differ: {diff}"

    command.downgrade(config, "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    engine.dispose()


async def test_the_api_refuses_an_unmigrated_database(tmp_path):
    from api.main import create_app
    from api.startup import DatabaseNotMigrated

    app = create_app(make_settings(f"sqlite:///{tmp_path / 'empty.db'}", key_dir=tmp_path / "keys"))
    with pytest.raises(DatabaseNotMigrated, match="make migrate"):
        async with app.router.lifespan_context(app):
            pass
