"""Refuse to serve a database that the migrations have not brought to head."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config(str(MIGRATIONS.parent / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class DatabaseNotMigrated(RuntimeError):
    pass


async def check_schema_is_current(engine: AsyncEngine) -> None:
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())

    def current(connection) -> set[str]:
        return set(MigrationContext.configure(connection).get_current_heads())

    async with engine.connect() as connection:
        found = await connection.run_sync(current)
    if found != heads:
        raise DatabaseNotMigrated(
            f"The database schema is at {sorted(found) or 'nothing'} but this code needs {sorted(heads)}. "
            "Run `make migrate` (alembic upgrade head) first; `make run` does it for you."
        )
