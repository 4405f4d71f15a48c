"""python -m bench reports [--scale 0.02] [--databases sqlite,postgresql] [--only WORDS] [--keep] [--reuse]

Builds the synthetic cycle history on a scratch SQLite file and a scratch PostgreSQL database
(both through the migrations), then times each report through the product's service function
and through the best hand-written SQL for the same figures, interleaved in the same run, and
prints the medians, their ratio and whether both gave the same figures. Never run by the tests;
every step is bounded and the scratch databases are dropped at the end unless --keep."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import generate
from bench.reports import PAIRS, Pair, bind
from domain.auth.principal import Principal
from domain.db import make_engine, make_sessionmaker, sync_url

AIM = 1.3
PG_URL = "postgresql://postgres@127.0.0.1:5432/tadrib_bench"
GUARD = "tadrib_bench"  # the scratch database is dropped: refuse any name that is not obviously ours (never `test`)
SQLITE_PATH = Path(tempfile.gettempdir()) / "tadrib-bench" / "bench.db"


@dataclass
class Result:
    report: str
    database: str
    product_ms: float | None = None
    hand_ms: float | None = None
    runs: int = 0
    figures: str = ""

    @property
    def ratio(self) -> float | None:
        return self.product_ms / self.hand_ms if self.product_ms and self.hand_ms else None


def context(url: str) -> dict:
    """What the reports are asked about, read back from the database: the cycle with the most
    delivered modules, the agency tree with the most units, a closed module."""
    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        one = lambda sql: uuid.UUID(str(conn.execute(text(sql)).scalar()).replace("-", ""))  # noqa: E731
        ctx = {
            "focus_cycle_id": one(
                "SELECT cycle_id FROM modules WHERE status IN ('delivered', 'closed') "
                "GROUP BY cycle_id ORDER BY COUNT(*) DESC, cycle_id LIMIT 1"
            ),
            "root_agency_id": one(
                "SELECT r.id FROM agencies r JOIN agencies d ON substr(d.path, 1, length(r.path)) = r.path "
                "WHERE r.parent_id IS NULL GROUP BY r.id ORDER BY COUNT(*) DESC, r.id LIMIT 1"
            ),
            "module_id": one("SELECT id FROM modules WHERE status = 'closed' ORDER BY id LIMIT 1"),
        }
    engine.dispose()
    ctx["principal"] = Principal.system("bench")  # an administrator: exact figures, every programme
    return ctx


def compare(product: dict, hand: dict) -> str:
    if product == hand:
        return "same"
    keys = sorted({*product, *hand}, key=str)
    differ = [k for k in keys if product.get(k) != hand.get(k)]
    totals = "totals same" if None in product and product.get(None) == hand.get(None) else "totals DIFFER"
    first = differ[0]
    return (
        f"DIFFER ({totals}; {len(differ)} of {len(keys)} entries, e.g. {first}: {product.get(first)} vs "
        f"{hand.get(first)})"
    )


def _raw(database: str, url: str):
    if database == "sqlite":
        return sqlite3.connect(make_url(url).database, isolation_level=None)
    import psycopg

    return psycopg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True
    )


async def measure(database: str, url: str, ctx: dict, pairs: list[Pair], reps: int, budget: float) -> list[Result]:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    raw = _raw(database, url)
    dialect = "sqlite" if database == "sqlite" else "postgresql"
    results = []
    try:
        for pair in pairs:
            res = Result(pair.name, database)
            sql, params = bind(pair.sql(dialect), pair.params(ctx), dialect)

            async def product():
                started = time.perf_counter()
                async with sessions() as session:  # as a GET request: a read-only transaction
                    await session.connection(execution_options={"read_only": True})
                    answer = await pair.product(session, ctx)
                return time.perf_counter() - started, answer

            def hand():
                started = time.perf_counter()
                rows = raw.execute(sql, params).fetchall()
                return time.perf_counter() - started, rows

            try:
                (_, answer), (_, rows) = await product(), hand()  # warm-up, and the figures to compare
                res.figures = compare(pair.from_product(answer), pair.from_hand(rows))
                p_times, h_times, started = [], [], time.perf_counter()
                for i in range(reps):  # interleaved, alternating which goes first
                    if i % 2 == 0:
                        p_times.append((await product())[0])
                        h_times.append(hand()[0])
                    else:
                        h_times.append(hand()[0])
                        p_times.append((await product())[0])
                    if i >= 2 and time.perf_counter() - started > budget:
                        break
                res.product_ms, res.hand_ms = statistics.median(p_times) * 1000, statistics.median(h_times) * 1000
                res.runs = len(p_times)
            except Exception as exc:  # a report the product does not have yet, or a failing query
                res.figures = f"ERROR {type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
            print(f"  {_line(res)}", flush=True)
            results.append(res)
    finally:
        raw.close()
        await engine.dispose()
    return results


def _fmt(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def _line(r: Result) -> str:
    meets = "-" if r.ratio is None else ("yes" if r.ratio <= AIM else "no")
    return (
        f"{r.report:<36} {r.database:<10} {_fmt(r.product_ms, '.1f'):>11} {_fmt(r.hand_ms, '.1f'):>11} "
        f"{_fmt(r.ratio, '.2f'):>6} {meets:>8}  {r.figures}"
    )


HEADER = f"{'report':<36} {'database':<10} {'product ms':>11} {'hand SQL ms':>11} {'ratio':>6} {'<= 1.3':>8}  figures"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench reports", description=__doc__.split("\n\n")[1])
    ap.add_argument(
        "--scale", type=float, default=1.0, help="size of the history (1.0: 50,000 officers, 1,000,000 marks)"
    )
    ap.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    ap.add_argument("--only", default="", help="comma-separated words: run only the reports whose name contains one")
    ap.add_argument("--keep", action="store_true", help="keep the scratch databases")
    ap.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the scratch databases a --keep run left (no generation; implies --keep)",
    )
    ap.add_argument("--reps", type=int, default=5, help="timed runs of each side per report (median reported)")
    ap.add_argument(
        "--budget", type=float, default=45.0, help="seconds per report and database after which runs stop (3 at least)"
    )
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument(
        "--pg-url",
        default=PG_URL,
        help=f"the scratch PostgreSQL database (dropped and created; its name starts with {GUARD})",
    )
    ap.add_argument("--sqlite-path", type=Path, default=SQLITE_PATH)
    args = ap.parse_args(argv)
    if not (make_url(args.pg_url).database or "").startswith(GUARD):
        ap.error(f"--pg-url: the database name must start with {GUARD} (it is dropped)")
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    urls = {"sqlite": f"sqlite:///{args.sqlite_path}", "postgresql": args.pg_url}
    words = [w.strip() for w in args.only.split(",") if w.strip()]
    pairs = [p for p in PAIRS if not words or any(w in p.name for w in words)]
    args.sqlite_path.parent.mkdir(parents=True, exist_ok=True)

    dataset = None
    if not args.reuse:
        started = time.perf_counter()
        dataset = generate.build(args.scale, args.seed)
        counts = ", ".join(f"{n:,} {t}" for t, n in dataset.counts().items())
        print(f"generated in {time.perf_counter() - started:.1f} s (scale {args.scale}): {counts}", flush=True)
    results = []
    for database in databases:
        url = urls[database]
        try:
            if dataset is not None:
                started = time.perf_counter()
                generate.prepare(sync_url(url))
                migrated = time.perf_counter() - started
                loaded = generate.load(sync_url(url), dataset)
                print(f"{database}: migrated in {migrated:.1f} s, loaded in {loaded:.1f} s", flush=True)
            ctx = context(url)
            print(
                f"{database}: timing {len(pairs)} reports ({args.reps} runs each after a warm-up)\n  {HEADER}",
                flush=True,
            )
            results += asyncio.run(measure(database, url, ctx, pairs, args.reps, args.budget))
        finally:
            if not (args.keep or args.reuse):
                generate.drop(sync_url(url))
    print(f"\nReports (median of up to {args.reps} interleaved runs; aim: product / hand SQL <= {AIM})\n{HEADER}")
    for r in results:
        print(_line(r))
    met = [r for r in results if r.ratio is not None and r.ratio <= AIM]
    print(
        f"{len(met)} of {len(results)} meet the aim; figures: "
        f"{'all the same' if all(r.figures == 'same' for r in results) else 'see the figures column'}"
    )
    return 0
