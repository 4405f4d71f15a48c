"""The change feed never skips an event whose transaction committed late: two transactions take
their positions in one order and commit in the other, on real connections and threads, while a
reader pages the feed in between. A reader paging by position would have stepped past the first
one; the feed gives it a later place in commit order instead. On SQLite one writer commits at a
time, so the interleaving cannot happen there; the same reader pages the same story in sequence."""

from __future__ import annotations

import asyncio
import threading
import uuid

import pytest
from sqlalchemy import create_engine, delete, insert

from domain.auth.principal import Principal
from domain.db import is_sqlite, make_engine, make_sessionmaker, sync_url, utcnow
from domain.events import feed
from domain.outbox.service import EVENTS
from tests.conftest import DATABASE_URL, migrate, scratch_database


def insert_event(conn, rid: str) -> None:
    conn.execute(
        insert(EVENTS).values(
            id=uuid.uuid4(),
            occurred_at=utcnow(),
            type="module.status_changed",
            entity="module",
            entity_id=rid,
            resource_seq=1,
            payload={},
        )
    )


@pytest.fixture(scope="module")
def scratch_url():
    with scratch_database("interleave") as url:
        migrate(url)
        yield url


async def read_all(url: str, after: feed.Position) -> tuple[list[str], feed.Position]:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            async with session.begin():
                events = await feed.read_events(
                    session, principal=Principal.system(), after=after, types=None, limit=100
                )
        return [e.entity_id for e in events], (feed.position_of(events[-1]) if events else after)
    finally:
        await engine.dispose()


@pytest.mark.skipif(is_sqlite(DATABASE_URL), reason="interleaved commits need concurrent writers (PostgreSQL)")
def test_a_transaction_that_commits_late_is_not_skipped(scratch_url):
    engine = create_engine(sync_url(scratch_url))
    first, second = engine.connect(), engine.connect()
    try:
        t1, t2 = first.begin(), second.begin()
        # T1 writes first (its txid and position come first) but will commit last.
        insert_event(first, "early-writer")
        written = threading.Event()

        def later_writer() -> None:  # a real second thread, as a second request would be
            insert_event(second, "late-writer")
            t2.commit()
            written.set()

        thread = threading.Thread(target=later_writer)
        thread.start()
        thread.join(timeout=10)
        assert written.is_set()
        # T2 is committed and T1 is not: a reader paging by position would now hold a cursor past T1's event.
        seen, cursor = asyncio.run(read_all(scratch_url, feed.START))
        assert seen == ["late-writer"]
        t1.commit()
        seen, cursor = asyncio.run(read_all(scratch_url, cursor))
        assert seen == ["early-writer"]  # not skipped: it comes after, in commit order
        more, _ = asyncio.run(read_all(scratch_url, cursor))
        assert more == []
    finally:
        first.close()
        second.close()
        engine.dispose()


def test_the_reader_pages_in_commit_order(scratch_url):
    engine = create_engine(sync_url(scratch_url))
    with engine.begin() as conn:
        conn.execute(delete(EVENTS))
    ids = [f"r{i}" for i in range(5)]
    for rid in ids:
        with engine.begin() as conn:
            insert_event(conn, rid)
    engine.dispose()
    got, cursor = [], feed.START
    for _ in range(10):
        seen, cursor = asyncio.run(read_all(scratch_url, cursor))
        if not seen:
            break
        got += seen
    assert got == ids
