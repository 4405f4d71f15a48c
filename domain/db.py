"""Declarative base, engines and session factories for SQLite (embedded) and PostgreSQL, and
the bulk insert imports write with."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    DateTime,
    Executable,
    Integer,
    MetaData,
    Table,
    TypeDecorator,
    Uuid,
    any_,
    bindparam,
    event,
    insert,
)
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, QueryableAttribute, Session, declared_attr, mapped_column

from domain import postgres, sqlite
from domain.ids import uuid7

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; SQLite hands back naive values, so re-attach UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: times are stored in UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class Entity(Base):
    """Common columns: a time-ordered UUID, timestamps and a version for ETags (optimistic lock)."""

    __abstract__ = True

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


def table_of(model: type[Base]) -> Table:
    """The Table a mapped class is declared on (SQLAlchemy types __table__ as any FromClause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def sync_url(url: str) -> str:
    """The URL the synchronous tools (Alembic, seeds' checks) use."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return u.set(drivername="sqlite").render_as_string(hide_password=False)
    return u.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def async_url(url: str) -> str:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return u.set(drivername=f"sqlite+{sqlite.DRIVER}").render_as_string(hide_password=False)
    return u.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


# How long a request may wait for PostgreSQL before it answers 503: to connect, and for a
# connection from the pool. A database that is down is refused within these bounds, never hung on.
CONNECT_TIMEOUT_S = 3
POOL_TIMEOUT_S = 30


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if is_sqlite(url):
        engine = create_async_engine(async_url(url), **kwargs)
        sqlite.install(engine.sync_engine)
        return engine
    # Report queries are short analytical statements: PostgreSQL's JIT compile time (hundreds
    # of ms) outweighs what it saves (measured by bench/).
    kwargs.setdefault("connect_args", {"options": "-c jit=off", "connect_timeout": CONNECT_TIMEOUT_S})
    # A pooled connection that the server ended is replaced at checkout, without the pre-ping's
    # round trip (domain/postgres.py).
    kwargs.setdefault("pool_timeout", POOL_TIMEOUT_S)
    kwargs.setdefault("pool_size", postgres.POOL_SIZE)
    kwargs.setdefault("max_overflow", postgres.MAX_OVERFLOW)
    engine = create_async_engine(async_url(url), **(kwargs | postgres.ENGINE_OPTIONS))
    postgres.install(engine.sync_engine)
    return engine


def pool_options(url: str, pool_size: int | None, max_overflow: int | None) -> dict[str, int]:
    """The pool's size as configured (DATABASE_POOL_SIZE, DATABASE_MAX_OVERFLOW), for PostgreSQL;
    SQLite's pool is the dialect's own."""
    if is_sqlite(url):
        return {}
    given = {"pool_size": pool_size, "max_overflow": max_overflow}
    return {k: v for k, v in given.items() if v is not None}


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class Sessions:
    """Where a unit of work gets its session: a writer, or a reader that never takes the write
    lock (SQLite begins it DEFERRED) and on PostgreSQL runs without BEGIN and COMMIT (autocommit:
    each statement one round trip, see domain/postgres.py)."""

    def __init__(self, engine: AsyncEngine):
        self._writer = make_sessionmaker(engine)
        self._reader = make_sessionmaker(engine.execution_options(read_only=True))

    def __call__(self, *, read_only: bool = False) -> AsyncSession:
        return (self._reader if read_only else self._writer)()


INTERNAL = "tadrib_internal"
Statement = TypeVar("Statement", bound=Executable)


def internal(stmt: Statement, why: str) -> Statement:
    """A statement that touches people's records for the system's own work (seat counts,
    eligibility, completion, reference counts) and returns nothing of them to the caller: say
    why. It selects ids, units, statuses, dates and counts, never a person's name, identity or
    contact fields (the tests' guard refuses an officer's other columns); the rows the system
    changes itself (a nomination's status) may be loaded whole, and nothing of them is answered
    but ids. Every other such statement carries a need-to-know condition (domain/access)."""
    return stmt.execution_options(**{INTERNAL: why})


AFTER_READS = "tadrib_after_reads"


def write_after_reads(session: AsyncSession, obj: Base) -> None:
    """Write `obj` once the request's reads are done, with the request's own changes; where the
    request is a read (GET), in a write transaction of its own, so that a read never upgrades
    its lock. Used for the log of who read personal data."""
    session.info.setdefault(AFTER_READS, []).append(obj)


@event.listens_for(Session, "before_commit")
def _write_pending_after_reads(session: Session) -> None:
    # Outside a request (commands, seeds) nothing defers them: they go with this commit.
    pending = session.info.pop(AFTER_READS, None)
    if pending:
        session.add_all(pending)


def _bound(rows: Sequence[Mapping[str, Any]], name: str, process: Any) -> list[Any]:
    """One column's values as its type binds them. NULL is bound once, and so is a value that is
    the very object of the row before (the import's one timestamp, agency, actor)."""
    null = process(None)  # JSON binds None as 'null'
    out: list[Any] = []
    last: Any = None
    bound: Any = null
    for row in rows:
        value = row[name]
        if value is not last:
            last, bound = value, null if value is None else process(value)
        out.append(bound)
    return out


async def insert_rows(session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT many rows of one table (imports: tens of thousands), in the session's transaction,
    stored exactly as insert(table) stores them: each value goes through its column type's own
    bind processing. What is saved is SQLAlchemy's per-row statement work: SQLite takes one
    executemany of the compiled statement, PostgreSQL a COPY. Every row names the same columns,
    among them every column with a Python-side default (nothing fills those in here); the others
    take their server default or NULL. Triggers none of the ORM's events (no flush)."""
    if not rows:
        return
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    unfilled = [c.name for c in table.columns if c.default is not None and c.name not in names]
    if unfilled:
        raise ValueError(f"insert_rows into {table.name} needs values for {', '.join(unfilled)}")
    conn = await session.connection()
    dialect = conn.dialect
    compiled = None
    if dialect.name != "postgresql":
        compiled = insert(table).compile(dialect=dialect, column_keys=names)
        names = list(compiled.positiontup or [])  # the statement's parameter order
        columns = [table.c[name] for name in names]
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    values = list(
        zip(*[[row[n] for row in rows] if p is None else _bound(rows, n, p) for n, p in zip(names, processors)])
    )
    if compiled is not None:
        await conn.exec_driver_sql(compiled.string, values)
        return
    quote = dialect.identifier_preparer
    copy_sql = f"COPY {quote.format_table(table)} ({', '.join(quote.format_column(c) for c in columns)}) FROM STDIN"
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    error = dialect.loaded_dbapi.Error
    try:
        async with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for value in values:
                await copy.write_row(value)
    except error as exc:  # as SQLAlchemy raises a statement's failure: IntegrityError, OperationalError...
        gone = dialect.is_disconnect(exc, raw.dbapi_connection, None)
        if gone:
            await conn.invalidate(exc)
        raise DBAPIError.instance(copy_sql, None, exc, error, connection_invalidated=gone, dialect=dialect) from exc


def among(
    session: AsyncSession, column: ColumnElement[Any] | QueryableAttribute[Any], values: Sequence[Any]
) -> ColumnElement[bool]:
    """`column IN (values)` for the long lists of imports: PostgreSQL takes the values as one array
    (`= ANY(...)`) rather than one bind parameter each, which the driver would parse the statement
    for again; SQLite takes the IN list."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)
