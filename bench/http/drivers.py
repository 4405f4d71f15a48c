"""python -m bench.http.drivers --pg-url URL: what one read costs through SQLAlchemy's asyncio API
on each PostgreSQL driver and transaction mode, in process, no HTTP: a session checks a
connection out, runs the two statements of an authenticated GET (the account, then a module, by
primary key) and ends. Rounds alternate between the configurations; each prints its median wall
and CPU time per read (the client's CPU: PostgreSQL's own share is not in it). Any database that
has the tables and the demo data (a `bench http --keep` one). asyncpg is compared when installed."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from domain.db import CONNECT_TIMEOUT_S, Sessions, make_engine
from domain.models.auth import User
from domain.models.catalogue import Module

ACCOUNT = select(User.id, User.username, User.role, User.disabled).where(User.username == "admin")
MODULE = select(Module.id, Module.code, Module.title, Module.capacity).where(Module.code == "ILP-01")


def _url(url: str, driver: str) -> str:
    return url.replace("postgresql://", f"postgresql+{driver}://", 1)


def configurations(url: str) -> dict[str, Callable[[], tuple[AsyncEngine, Callable[[], AsyncSession]]]]:
    """name -> a factory of (engine, reader sessions)."""

    def product() -> tuple[AsyncEngine, Callable[[], AsyncSession]]:
        engine = make_engine(url)  # what the app runs: autocommit reads, the check without SELECT 1
        sessions = Sessions(engine)
        return engine, lambda: sessions(read_only=True)

    def product_prepared() -> tuple[AsyncEngine, Callable[[], AsyncSession]]:
        engine = make_engine(url, connect_args={"options": "-c jit=off", "prepare_threshold": 0})
        sessions = Sessions(engine)
        return engine, lambda: sessions(read_only=True)

    def per_checkout() -> tuple[AsyncEngine, Callable[[], AsyncSession]]:
        engine = create_async_engine(_url(url, "psycopg"), connect_args={"options": "-c jit=off"})
        reader = engine.execution_options(isolation_level="AUTOCOMMIT")
        return engine, async_sessionmaker(reader, expire_on_commit=False)

    def transaction(driver: str, ping: bool, **connect: Any) -> Callable[[], tuple[AsyncEngine, Any]]:
        def make() -> tuple[AsyncEngine, Callable[[], AsyncSession]]:
            args = {"options": "-c jit=off"} if driver == "psycopg" else {"server_settings": {"jit": "off"}}
            args |= connect
            engine = create_async_engine(_url(url, driver), pool_pre_ping=ping, connect_args=args)
            return engine, async_sessionmaker(engine, expire_on_commit=False)

        return make

    def autocommit_engine(driver: str, **connect: Any) -> Callable[[], tuple[AsyncEngine, Any]]:
        def make() -> tuple[AsyncEngine, Callable[[], AsyncSession]]:
            args = {"options": "-c jit=off"} if driver == "psycopg" else {"server_settings": {"jit": "off"}}
            args |= connect
            engine = create_async_engine(_url(url, driver), isolation_level="AUTOCOMMIT", connect_args=args)
            return engine, async_sessionmaker(engine, expire_on_commit=False)

        return make

    found = {
        "psycopg, transaction + pre-ping (before)": transaction("psycopg", True, connect_timeout=CONNECT_TIMEOUT_S),
        "psycopg, product (autocommit reads)": product,
        "psycopg, autocommit per checkout (first try)": per_checkout,
        "psycopg, product, prepare at once": product_prepared,
        "asyncpg, transaction + pre-ping": transaction("asyncpg", True),
        "asyncpg, autocommit engine": autocommit_engine("asyncpg"),
    }
    if importlib.util.find_spec("asyncpg") is None:  # not a dependency of the product: `pip install asyncpg`
        found = {name: make for name, make in found.items() if not name.startswith("asyncpg")}
    return found


async def _round(sessions: Callable[[], AsyncSession], reads: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(reads):
        async with sessions() as s:
            (await s.execute(ACCOUNT)).one()
            (await s.execute(MODULE)).one()
            await s.commit()
    return (time.perf_counter() - wall) / reads * 1e6, (time.process_time() - cpu) / reads * 1e6


async def main(url: str, rounds: int, reads: int) -> dict[str, dict[str, float]]:
    made = {name: factory() for name, factory in configurations(url).items()}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in made}
    try:
        for _, sessions in made.values():
            await _round(sessions, 50)  # connect, prepare, warm the caches
        for _ in range(rounds):
            for name, (_, sessions) in made.items():
                times[name].append(await _round(sessions, reads))
    finally:
        for engine, _ in made.values():
            await engine.dispose()
    return {
        name: {
            "wall_us": round(statistics.median(t[0] for t in found), 1),
            "cpu_us": round(statistics.median(t[1] for t in found), 1),
        }
        for name, found in times.items()
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser(prog="python -m bench.http.drivers", description=__doc__.split("\n\n")[0])
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reads", type=int, default=300)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    try:
        import uvloop

        runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
    except ImportError:
        runner = asyncio.Runner()
    with runner:
        result = runner.run(main(args.pg_url, args.rounds, args.reads))
    for name, figures in result.items():
        print(f"{name:<48} wall {figures['wall_us']:>8.1f} us  cpu {figures['cpu_us']:>8.1f} us per read")
    if args.out:
        args.out.write_text(json.dumps({"command": "python -m bench.http.drivers", "results": result}, indent=2) + "\n")
