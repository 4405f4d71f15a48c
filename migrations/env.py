"""Alembic environment: the schema changes only through these migrations."""

from alembic import context
from sqlalchemy import create_engine, event, pool

from domain import sqlite
from domain.db import is_sqlite, sync_url
from domain.registry import metadata
from domain.settings import get_settings

config = context.config


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=sync_url(database_url()), target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # tests hand over their own connection
        _run(connection)
        return
    url = database_url()
    engine = create_engine(sync_url(url), poolclass=pool.NullPool)
    if is_sqlite(url):
        sqlite.install(engine)
        # SQLite's procedure for schema changes: foreign keys off while batch mode rebuilds a table
        # (DROP TABLE would otherwise delete the rows that refer to it, or cascade), checked at the end.
        event.listen(engine, "connect", lambda dbapi_connection, _: dbapi_connection.execute("PRAGMA foreign_keys=OFF"))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration leaves rows whose foreign keys point nowhere: {broken[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
