"""SQLite as the embedded database: called in the event loop's own thread, one writer at a time.

aiosqlite hands every cursor call to a thread of its own (about 40 hand-offs per request, most
of a request's time). SQLite answers from the page cache in microseconds, so this dialect calls
the standard sqlite3 module inline instead, under SQLAlchemy's asyncio API: the services and
PostgreSQL's async driver see the same AsyncSession.

Calling inline means a statement blocks the event loop while SQLite works, which is only safe if
no two transactions of one process ever wait on each other inside SQLite. Hence:
- writers begin IMMEDIATE (the write lock up front, so a reader never has to upgrade and meet
  SQLITE_BUSY_SNAPSHOT), and before that they queue on one asyncio lock per engine, which waits
  without blocking the loop; only another process can make SQLite itself wait (busy_timeout);
- readers begin DEFERRED (execution option read_only) and, in WAL mode, never wait.
"""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from sqlalchemy import event, pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.util.concurrency import await_, in_greenlet

DRIVER = "inline"
BUSY_TIMEOUT_MS = 5000


class InlineCursor(sqlite3.Cursor):
    async def _async_soft_close(self) -> None:
        """SQLAlchemy's asyncio results call this; a sqlite3 cursor has nothing to release."""


class InlineConnection(sqlite3.Connection):
    def cursor(self, factory: Any = InlineCursor) -> Any:
        return super().cursor(factory)


async def _done() -> None:
    return None


class SQLiteDialect_inline(SQLiteDialect_pysqlite):
    driver = DRIVER
    is_async = True
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        return pool.AsyncAdaptedQueuePool if cls._is_url_file_db(url) else pool.StaticPool

    def create_connect_args(self, url: URL) -> Any:
        args, kwargs = super().create_connect_args(url)
        kwargs["factory"] = InlineConnection
        kwargs["check_same_thread"] = False
        return args, kwargs

    def get_driver_connection(self, connection: Any) -> Any:
        return connection

    # AsyncConnection.execute insists that an await took place; a finished coroutine satisfies
    # it without giving the event loop a turn.
    def do_execute(self, cursor: Any, statement: Any, parameters: Any, context: Any = None) -> None:
        if in_greenlet():
            await_(_done())
        cursor.execute(statement, parameters)

    def do_executemany(self, cursor: Any, statement: Any, parameters: Any, context: Any = None) -> None:
        if in_greenlet():
            await_(_done())
        cursor.executemany(statement, parameters)

    def do_execute_no_params(self, cursor: Any, statement: Any, context: Any = None) -> None:
        if in_greenlet():
            await_(_done())
        cursor.execute(statement)

    # BEGIN straight to the driver, not as a statement through SQLAlchemy (an execution context,
    # events, a cursor result: a fifth of a one-statement read's cost). A failed BEGIN IMMEDIATE
    # (another process holds the write lock past busy_timeout) gives the queue back at once.
    def do_begin(self, dbapi_connection: Any) -> None:
        statement = dbapi_connection.info.pop(_BEGIN_WITH, None)
        if statement is None:
            return
        try:
            dbapi_connection.driver_connection.execute(statement)
        except BaseException:
            release_writer(dbapi_connection.info)
            raise


registry.register(f"sqlite.{DRIVER}", __name__, "SQLiteDialect_inline")

_WRITE_LOCK = "tadrib_write_lock"
_BEGIN_WITH = "tadrib_begin_with"


def install(sync_engine: Engine) -> None:
    """SQLAlchemy's documented pysqlite recipe (SQLAlchemy emits BEGIN itself, so SAVEPOINTs
    work), foreign keys on, WAL, and the one-writer-per-process queue described above."""
    writers = asyncio.Lock()

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL stays durable across a crash of the process
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    # The begin event decides how the transaction begins (and queues a writer); the dialect's
    # do_begin sends it (SQLAlchemy turns a driver error there into its own, as for any statement).
    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("read_only", False):
            conn.info[_BEGIN_WITH] = "BEGIN"
            return
        if in_greenlet():
            await_(writers.acquire())
            conn.info[_WRITE_LOCK] = writers
        conn.info[_BEGIN_WITH] = "BEGIN IMMEDIATE"

    def _release(conn: Connection, *_: Any) -> None:
        release_writer(conn.info)

    event.listen(sync_engine, "commit", _release)
    event.listen(sync_engine, "rollback", _release)

    @event.listens_for(sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # A connection invalidated mid-transaction never reaches commit or rollback.
        release_writer(record.info)


def release_writer(info: dict[Any, Any]) -> None:
    lock = info.pop(_WRITE_LOCK, None)
    if lock is not None and lock.locked():
        lock.release()
