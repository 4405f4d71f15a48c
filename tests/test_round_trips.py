"""What a request costs PostgreSQL in round trips, counted on the wire (libpq's protocol trace of
each pooled connection, one trace per checkout): a read is its statements and nothing else (no
pre-ping, no BEGIN, no COMMIT); a write is still one transaction, BEGIN to COMMIT; an audited read
writes its audit row in a transaction of its own after the read. A real server, a scratch database."""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from psycopg.pq import Trace
from sqlalchemy import create_engine, event, insert
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session

from api.main import create_app
from domain.auth.principal import Role
from domain.db import Sessions, is_sqlite, make_engine, sync_url
from domain.models.agencies import Agency
from domain.models.catalogue import Venue
from domain.models.officers import Officer, Sex
from domain.officers.names import arabic_key, latin_key
from tests.conftest import DATABASE_URL, make_settings, migrate, scratch_database
from tests.servers import account, http_client, serving

pytestmark = pytest.mark.skipif(is_sqlite(DATABASE_URL), reason="SQLite is embedded: no round trips")


# Transaction control as the server acknowledges it (a statement psycopg prepared is sent by name).
CONTROL = re.compile(r'^B\s+\d+\s+CommandComplete\s+"(BEGIN|COMMIT|ROLLBACK)"', re.M)


class Wire:
    """Every checkout of the engine's pool, as the protocol messages it exchanged and the
    statements SQLAlchemy ran on it."""

    def __init__(self, sync_engine: Any) -> None:
        self.uses: list[dict[str, Any]] = []
        self._open: dict[int, tuple[Any, dict[str, Any]]] = {}
        event.listen(sync_engine, "checkout", self._checkout)
        event.listen(sync_engine, "checkin", self._checkin)
        event.listen(sync_engine, "before_cursor_execute", self._statement)

    def _checkout(self, _dbapi: Any, record: Any, _proxy: Any) -> None:
        trace = tempfile.TemporaryFile()
        use = {"trace": trace, "statements": 0, "messages": ""}
        pgconn = record.driver_connection.pgconn
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)
        self._open[id(record)] = (record, use)
        record.info["wire_use"] = use

    def _checkin(self, _dbapi: Any, record: Any) -> None:
        _, use = self._open.pop(id(record), (None, None))
        if use is None:
            return
        record.driver_connection.pgconn.untrace()  # flushes the trace
        use["trace"].seek(0)
        use["messages"] = use.pop("trace").read().decode()
        self.uses.append(use)

    def _statement(self, conn: Any, *_: Any) -> None:
        use = conn.connection._connection_record.info.get("wire_use")
        if use is not None:
            use["statements"] += 1

    def take(self) -> list[dict[str, Any]]:
        taken, self.uses = self.uses, []
        return [
            {
                "round_trips": len(re.findall(r"^B\s+\d+\s+ReadyForQuery", u["messages"], re.M)),
                "statements": u["statements"],
                "messages": u["messages"],
                "commands": CONTROL.findall(u["messages"]),
            }
            for u in taken
        ]


@pytest.fixture(scope="module")
def world() -> Iterator[dict[str, Any]]:
    with scratch_database("trips") as url:
        migrate(url)
        engine = make_engine(url)
        wire = Wire(engine.sync_engine)
        # Principals remembered longer than the warm-ups take (domain/auth/remembered.py), so
        # that the last request's uses do not depend on the machine's speed.
        app = create_app(make_settings(url, principal_recheck_seconds=60), engine=engine)
        agency_id = uuid.uuid4()
        sync = create_engine(sync_url(url))
        with Session(sync) as s:
            s.add(Agency(id=agency_id, path=f"/{agency_id}/", name_en="A", name_ar="أ", kind="police", country="IQ"))
            s.flush()
            s.add(
                Officer(
                    agency_id=agency_id,
                    full_name_ar="ضابط رقم واحد",
                    full_name_ar_key=arabic_key("ضابط رقم واحد"),
                    name_latin="Officer One",
                    name_latin_key=latin_key("Officer One"),
                    sex=Sex.female,
                )
            )
            s.commit()
        sync.dispose()
        _, focal = account(url, app, Role.focal_point, agency_id=agency_id)
        _, admin = account(url, app, Role.admin)
        with serving(app) as base:
            yield {"base": base + "/api/v1", "wire": wire, "focal": focal, "admin": admin, "url": url}


def _after_warm_up(world: dict[str, Any], method: str, path: str, who: str, **kw: Any) -> list[dict[str, Any]]:
    """The checkouts of the last of identical requests: the first ones warm caches up, and psycopg
    prepares a statement on its fifth run on a connection (one more round trip, once)."""
    with http_client(world["base"], headers=world[who], timeout=30) as c:
        for _ in range(7):
            world["wire"].take()
            r = c.request(method, path, **kw)
            assert r.is_success, r.text
    return world["wire"].take()


def test_me_with_a_remembered_principal_uses_no_connection(world: dict[str, Any]) -> None:
    assert _after_warm_up(world, "GET", "/me", "admin") == []


@pytest.mark.parametrize("path", ["/modules?limit=5", "/officers?limit=5"])
def test_a_read_costs_its_statements_and_no_transaction_control(world: dict[str, Any], path: str) -> None:
    uses = _after_warm_up(world, "GET", path, "admin")
    assert len(uses) == 1
    (use,) = uses
    assert use["commands"] == []  # no BEGIN, COMMIT or ROLLBACK
    assert use["round_trips"] == use["statements"] >= 1, use["messages"]  # nor a ping (SELECT 1)


def test_a_write_is_still_one_transaction_committed(world: dict[str, Any]) -> None:
    uses = _after_warm_up(
        world, "POST", "/venues", "admin", json={"name": f"Hall {uuid.uuid4().hex[:6]}", "city": "Erbil", "capacity": 9}
    )
    assert len(uses) == 1
    (use,) = uses
    assert use["commands"] == ["BEGIN", "COMMIT"]
    assert use["round_trips"] == use["statements"] + 1  # BEGIN is sent as a statement; COMMIT by the driver


def test_an_audited_read_writes_its_row_in_a_transaction_after_the_read(world: dict[str, Any]) -> None:
    read, audit = _after_warm_up(world, "GET", "/officers", "focal", params={"q": "ضابط"})
    assert read["commands"] == [] and read["round_trips"] == read["statements"]
    assert audit["commands"] == ["BEGIN", "COMMIT"]


async def test_a_write_on_a_read_connection_is_refused(world: dict[str, Any]) -> None:
    engine = make_engine(world["url"])
    try:
        async with Sessions(engine)(read_only=True) as reader:
            with pytest.raises(InvalidRequestError, match="read connection"):
                await reader.execute(insert(Venue).values(name="Never", city="Basra", capacity=1))
    finally:
        await engine.dispose()


def test_the_event_feed_numbers_events_in_a_transaction_of_the_read(world: dict[str, Any]) -> None:
    """The feed's sequencer takes a transaction-level advisory lock and numbers the committed
    events: on a read connection it begins a transaction for that, committed with the read."""
    with http_client(world["base"], headers=world["admin"], timeout=30) as c:
        world["wire"].take()
        r = c.get("/events")
    assert r.status_code == 200
    (use,) = world["wire"].take()
    assert use["commands"] == ["BEGIN", "COMMIT"]


def test_a_request_holds_one_connection_at_a_time(world: dict[str, Any]) -> None:
    """An audited read writes its audit row after the read has given its connection back (at its
    commit): with a pool of one connection and none beyond, it still answers at once (holding the
    read's connection while waiting for the writer's would wait for the pool's timeout, then 503)."""
    app = create_app(make_settings(world["url"], database_pool_size=1, database_max_overflow=0))
    with serving(app) as base, http_client(base + "/api/v1", headers=world["focal"], timeout=10) as c:
        for _ in range(3):
            r = c.get("/officers", params={"q": "ضابط"})
            assert r.status_code == 200, r.text
            assert len(r.json()["items"]) == 1
