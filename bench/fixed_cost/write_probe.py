"""In-process cost of nominate-then-accept (a pair: the focal point's POST /modules/{id}/nominations,
then an administrator's POST /nominations/{id}/decision with accept), on SQLite and PostgreSQL:

    .venv/bin/python -m bench.fixed_cost.write_probe --scratch /tmp/writes                 # prepare once, then measure
    .venv/bin/python -m bench.fixed_cost.write_probe --scratch /tmp/writes --databases sqlite --profile

The first run prepares, in the folder, the HTTP bench's data (bench/http/fixtures.py `build`: open
modules with room for thousands and a pool of fresh officers) on a SQLite file and on a scratch
PostgreSQL database (--pg-url, whose name must start with `tadrib_bench`: it is dropped and made
again); later runs take seconds, each using officers not nominated yet (the pool lasts for about
--pool x 4 pairs; --prepare makes it again). No server, no socket: httpx's ASGITransport against
api.main.create_app, the start-up objects frozen out of the cyclic collector as api/serve.py does.

Printed per database: CPU ms per pair (time.process_time: what the pair costs, whatever else the
machine does), of it the messages decided before the commit (domain/notifications/hook.py), wall
p50/p99 per pair, SQL statements per pair (a before_cursor_execute listener) and the cyclic
collector's full (generation 2) collections during the pairs with their pauses. --gc-threshold
A,B,C sets gc.set_threshold after start-up, as a server could; --profile prints a cProfile, --sql
the statements of one pair."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import pstats
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url

from bench.http.runner import DEMO_PASSWORDS

PG_URL = "postgresql://postgres@127.0.0.1:5432/tadrib_bench_writes"
RUNS = 4  # modules to nominate to (each meets on a day of its own: one officer may sit in all)


def _url(database: str, scratch: Path, pg_url: str) -> str:
    return f"sqlite:///{scratch / 'writes.db'}" if database == "sqlite" else pg_url


def prepare(database: str, scratch: Path, pg_url: str, pool: int) -> None:
    from bench import generate
    from bench.http.fixtures import build
    from domain.db import sync_url

    url = _url(database, scratch, pg_url)
    generate.prepare(sync_url(url))
    fixture = build(url, RUNS, pool).as_dict()
    (scratch / f"{database}.json").write_text(json.dumps(fixture))


_NOMINATED = "SELECT module_id, officer_id FROM nominations"


def fresh(database: str, scratch: Path, pg_url: str) -> tuple[str, list[str]]:
    """The module with the most officers of the pool not yet nominated to it, and those officers."""
    from domain.db import sync_url

    fixture = json.loads((scratch / f"{database}.json").read_text())
    engine = create_engine(sync_url(_url(database, scratch, pg_url)))
    best: tuple[str, list[str]] = ("", [])
    with engine.connect() as conn:  # ids as text: SQLite keeps them as 32 hex digits
        used = {(str(m).replace("-", ""), str(o).replace("-", "")) for m, o in conn.execute(text(_NOMINATED))}
    for module_id in fixture["nomination_module_ids"]:
        m = module_id.replace("-", "")
        left = [o for o in fixture["officer_ids"] if (m, o.replace("-", "")) not in used]
        if len(left) > len(best[1]):
            best = (module_id, left)
    engine.dispose()
    return best


class Counters:
    """Statements (every engine's), the notifications' CPU, and the collector's full collections."""

    def __init__(self) -> None:
        self.statements = 0
        self.log: list[str] | None = None  # --sql: the statements of one pair
        self.notify_cpu = 0.0
        self.gen2 = 0
        self.gen2_pauses: list[float] = []
        self.collections = [0, 0, 0]  # per generation
        self.gc_seconds = 0.0
        self._gc_started = 0.0
        event.listen(Engine, "before_cursor_execute", self._statement)
        event.listen(Engine, "after_cursor_execute", self._executed)
        self._started = 0.0
        gc.callbacks.append(self._gc)
        from domain.notifications import hook

        original = hook.decide_transaction

        async def timed(*args: Any, **kwargs: Any) -> int:
            t0 = time.process_time()
            try:
                return await original(*args, **kwargs)
            finally:
                self.notify_cpu += time.process_time() - t0

        hook.decide_transaction = timed  # type: ignore[assignment]

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        self.statements += 1
        if self.log is not None:
            self.log.append(" ".join(statement.split())[:200])
            self._started = time.perf_counter()

    def _executed(self, *_: Any) -> None:
        if self.log is not None:
            self.log[-1] = f"{(time.perf_counter() - self._started) * 1000:6.2f} ms  {self.log[-1]}"

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
            return
        pause = time.perf_counter() - self._gc_started
        self.collections[info["generation"]] += 1
        self.gc_seconds += pause
        if info["generation"] == 2:
            self.gen2 += 1
            self.gen2_pauses.append(pause)

    def reset(self) -> None:
        self.statements, self.notify_cpu, self.gen2, self.gen2_pauses = 0, 0.0, 0, []
        self.collections, self.gc_seconds = [0, 0, 0], 0.0


async def _tokens(client: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    out = {}
    for role, (username, password) in DEMO_PASSWORDS.items():
        r = await client.post(
            "/api/v1/auth/token", data={"grant_type": "password", "username": username, "password": password}
        )
        r.raise_for_status()
        out[role] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return out


async def _pair(client: httpx.AsyncClient, tokens: dict, module_id: str, officer_id: str) -> None:
    r = await client.post(
        f"/api/v1/modules/{module_id}/nominations", json={"officer_id": officer_id}, headers=tokens["focal"]
    )
    assert r.status_code == 201, (r.status_code, r.text[:300])
    r = await client.post(
        f"/api/v1/nominations/{r.json()['id']}/decision", json={"decision": "accept"}, headers=tokens["admin"]
    )
    assert r.status_code == 200, (r.status_code, r.text[:300])


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


async def measure(database: str, args: argparse.Namespace, counters: Counters) -> dict[str, Any]:
    from api.main import create_app
    from domain.settings import Settings

    scratch = Path(args.scratch)
    module_id, officers = fresh(database, scratch, args.pg_url)
    need = args.warmup + args.pairs + args.sql
    if len(officers) < need:
        raise SystemExit(f"{database}: {len(officers)} fresh officers left, {need} needed: run with --prepare")
    url = _url(database, scratch, args.pg_url).replace("sqlite://", "sqlite+aiosqlite://", 1)
    app = create_app(
        Settings(database_url=url, key_dir=scratch / "keys", generate_keys=True, plain_http=True), check_schema=False
    )
    gc.collect()
    gc.freeze()  # as api/serve.py's server_app
    if args.gc_threshold:
        gc.set_threshold(*(int(x) for x in args.gc_threshold.split(",")))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        tokens = await _tokens(client)
        for officer in officers[: args.warmup]:
            await _pair(client, tokens, module_id, officer)
        if args.sql:
            counters.log = []
            await _pair(client, tokens, module_id, officers[args.warmup])
            print("\n".join(f"{i:3} {s}" for i, s in enumerate(counters.log, 1)))
            counters.log = None
            officers = officers[1:]
        profiler = cProfile.Profile() if args.profile else None
        counters.reset()
        walls: list[float] = []
        cpu0 = time.process_time()
        if profiler:
            profiler.enable()
        for officer in officers[args.warmup : args.warmup + args.pairs]:
            t0 = time.perf_counter()
            await _pair(client, tokens, module_id, officer)
            walls.append(time.perf_counter() - t0)
        if profiler:
            profiler.disable()
        cpu = time.process_time() - cpu0
    await app.state.engine.dispose()
    gc.unfreeze()
    n = args.pairs
    result = {
        "database": database,
        "pairs": n,
        "cpu_ms_per_pair": round(cpu / n * 1000, 2),
        "notifications_cpu_ms_per_pair": round(counters.notify_cpu / n * 1000, 2),
        "p50_ms": round(statistics.median(walls) * 1000, 2),
        "p99_ms": round(_pct(walls, 99) * 1000, 2),
        "max_ms": round(max(walls) * 1000, 2),
        "statements_per_pair": round(counters.statements / n, 2),
        "gen2_collections": counters.gen2,
        "gen2_pause_ms_max": round(max(counters.gen2_pauses, default=0) * 1000, 2),
        "collections": counters.collections,
        "gc_ms_per_pair": round(counters.gc_seconds / n * 1000, 3),
    }
    if profiler:
        if args.profile_out:
            profiler.dump_stats(args.profile_out)
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(args.lines)
        stats.sort_stats("tottime").print_stats(40)
    return result


def _line(r: dict[str, Any]) -> str:
    return (
        f"{r['database']:<10} CPU {r['cpu_ms_per_pair']:6.2f} ms/pair"
        f" (notifications {r['notifications_cpu_ms_per_pair']:5.2f})"
        f"  p50 {r['p50_ms']:6.2f}  p99 {r['p99_ms']:6.2f}  max {r['max_ms']:6.2f} ms"
        f"  statements {r['statements_per_pair']:5.2f}  collections {r['collections']}"
        f" ({r['gc_ms_per_pair']} ms/pair; gen2 max {r['gen2_pause_ms_max']} ms)"
    )


async def main_async(args: argparse.Namespace) -> None:
    counters = Counters()
    for database in args.databases.split(","):
        for _ in range(args.rounds):
            print(_line(await measure(database, args, counters)), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scratch", required=True, help="a folder; the data is prepared there once")
    ap.add_argument("--databases", default="sqlite,postgresql")
    ap.add_argument("--pg-url", default=PG_URL)
    ap.add_argument("--pool", type=int, default=1500, help="fresh officers (when preparing)")
    ap.add_argument("--prepare", action="store_true", help="prepare again (the pool is used up)")
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--gc-threshold", default="", help="A,B,C for gc.set_threshold after start-up")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--profile-out", default="", help="--profile: also write the stats to this file")
    ap.add_argument("--sql", action="store_true", help="print the statements of one pair first")
    ap.add_argument("--lines", type=int, default=70)
    args = ap.parse_args()
    if not (make_url(args.pg_url).database or "").startswith("tadrib_bench"):
        ap.error("--pg-url: the database name must start with tadrib_bench (it is dropped)")
    scratch = Path(args.scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    for database in args.databases.split(","):
        if args.prepare or not (scratch / f"{database}.json").exists():  # outside the event loop: build runs its own
            t0 = time.perf_counter()
            prepare(database, scratch, args.pg_url, args.pool)
            print(f"{database}: prepared in {time.perf_counter() - t0:.0f} s", flush=True)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
