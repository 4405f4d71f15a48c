"""PostgreSQL without round trips that carry nothing: what a request pays is its statements.

Counted with libpq's protocol trace (tests/test_round_trips.py), an authenticated GET used to cost
a SELECT 1 (the pool's pre-ping), BEGIN, its statements and COMMIT, each a round trip. Now:
- reads (GET, HEAD, OPTIONS: `Sessions(read_only=True)`) run in autocommit: no BEGIN, no COMMIT
  (as domain/sqlite.py, the driver is in autocommit and writers begin their transaction here).
  Under READ COMMITTED, PostgreSQL's default and this app's, every statement takes its own
  snapshot inside a transaction too, so what a read sees is unchanged; a read holds no locks
  (no FOR UPDATE outside writes) and writes nothing in its own session: what a GET writes (the
  log of who read personal data, a web session's touch) goes after the read, in a transaction of
  its own (api/unit_of_work.py). A data-changing statement on a read connection is refused here,
  so that nothing can ever be written outside a transaction by mistake; a read that must write
  or lock in a transaction (the event feed's sequencer) opens one with `begin_in_read`.
- a pooled connection is checked at checkout without a round trip: a server that ended the
  connection (a restart, a failover, pg_terminate_backend) has sent its farewell and closed the
  socket, so the socket reads as ready; such a connection is replaced before use, as the pool's
  pre-ping (SELECT 1, one round trip per request) did. A connection whose peer vanished without a
  word (a cable cut) is not seen until its first statement fails: that request answers 503 and
  the pool replaces the connection; loopback and a LAN database close connections with a word.
Writes are unchanged: one transaction per request, BEGIN to COMMIT, committed before the answer."""

from __future__ import annotations

import select
from typing import Any

from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.exc import DisconnectionError, InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncSession

# Every connection is in autocommit at the driver (set once, when it is made); a transaction is
# begun by the "begin" event below unless the connection reads. The alternative, switching a
# pooled connection to autocommit per checkout (execution_options(isolation_level=...)), costs
# about as much client CPU per request as the BEGIN and COMMIT it saves (bench/http/drivers.py).
ENGINE_OPTIONS = {"isolation_level": "AUTOCOMMIT"}
# Connections a process keeps, and opens beyond them under a burst. Chosen by measurement: with
# SQLAlchemy's default (5, and 10 more), a load of 16 requests at once opened and closed a
# connection for most requests (a connection beyond the pool is closed when it is returned),
# and GET module served 0.06-0.07 of the in-app ceiling; with 16 kept, 0.12-0.13, the same as 10
# kept or 20 (2 cores; bench/results/2026-12-08-pg-pool.txt). A request holds one connection at a
# time (a read's goes back at its commit, before what it writes after takes one: tested in
# tests/test_round_trips.py), so a full pool makes requests wait, never wait on each other.
POOL_SIZE = 16
MAX_OVERFLOW = 8


def ended_by_server(driver_connection: Any) -> bool:
    """True when the server has closed this idle connection (or anything else is waiting on it:
    an idle connection in this app is never spoken to first, so either way it is not reused)."""
    closed = getattr(driver_connection, "is_closed", None)  # asyncpg tracks the socket on the event loop
    if closed is not None:
        return bool(closed())
    if driver_connection.closed or driver_connection.broken:
        return True
    try:
        fd = driver_connection.pgconn.socket
    except Exception:  # noqa: BLE001 - no socket: nothing to reuse
        return True
    readable, _, _ = select.select([fd], [], [], 0)
    return bool(readable)


def install(sync_engine: Engine) -> None:
    @event.listens_for(sync_engine, "checkout")
    def _check_alive(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if ended_by_server(record.driver_connection):
            raise DisconnectionError("the server ended this pooled connection")  # the pool connects anew

    @event.listens_for(sync_engine, "begin")
    def _begin(conn: Connection) -> None:
        # The driver sends COMMIT or ROLLBACK for a transaction begun so (it sees one open).
        if not conn.get_execution_options().get("read_only", False):
            conn.exec_driver_sql("BEGIN")

    @event.listens_for(sync_engine, "before_cursor_execute")
    def _refuse_writes_on_reads(
        conn: Connection,
        _cursor: Any,
        statement: str,
        _params: Any,
        context: DefaultExecutionContext | None,
        _many: bool,
    ) -> None:
        if not conn.get_execution_options().get("read_only", False):
            return
        dml = context is not None and (context.isinsert or context.isupdate or context.isdelete)
        if (dml or statement.lstrip()[:6].upper() in _WRITES) and not _in_transaction(conn):
            raise InvalidRequestError(
                f"a write on a read connection (no transaction): {statement[:80]}; write after the read "
                "(domain.db.write_after_reads, a unit of work's before_commit hook) or begin_in_read first"
            )


_WRITES = frozenset({"INSERT", "UPDATE", "DELETE"})


def _in_transaction(conn: Connection) -> bool:
    driver = conn.connection.driver_connection
    return driver is not None and driver.info.transaction_status != TransactionStatus.IDLE


async def begin_in_read(session: AsyncSession) -> None:
    """A read that writes or locks for the transaction (the event feed's sequencer: an advisory
    lock, then numbering) needs a transaction, which a read connection on PostgreSQL does not
    open: this begins one; the unit of work's commit of the read ends it (the driver sees it open
    and sends COMMIT). Elsewhere (a writer, SQLite) the transaction is there already."""
    conn = await session.connection()
    sync = conn.sync_connection
    if sync is not None and sync.dialect.name == "postgresql" and sync.get_execution_options().get("read_only", False):
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        if driver is not None and driver.info.transaction_status == TransactionStatus.IDLE:
            await conn.exec_driver_sql("BEGIN")
