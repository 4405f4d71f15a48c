"""python -m bench http: the API as users feel it, through uvicorn on loopback.

For each database (a scratch one, migrated by Alembic, seeded with the demo data plus the bench's
own records) and each number of workers, it starts the server with the ceiling route on, signs
in, and for each route measures the ceiling then the route with the same tool, and prints
requests/s, p50 and p99 latency and the ratio to the ceiling; then the server's peak memory.
Results go to bench/results/DATE-http.json. Stops by itself; servers and scratch databases are
removed at the end (unless --keep)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import generate
from bench.http import machine, table
from bench.http.fixtures import build
from bench.http.runner import Options, run_server
from bench.http.scenarios import SCENARIOS
from domain.db import sync_url

RESULTS = Path(__file__).resolve().parents[1] / "results"
PG_URL = "postgresql://postgres@127.0.0.1:5432/tadrib_bench_http"
GUARD = "_bench_http"  # the scratch database is dropped: refuse any name that is not obviously ours


def _app_paths(url: str, key_dir: Path) -> set[str]:
    """The app's routes, from the app itself: those of its OpenAPI document, and those outside it
    (SCIM) that a scenario needs and that answer something else than 404 (also generates the
    signing keys once, before the workers start, so that two workers do not race to create them)."""
    from fastapi.testclient import TestClient

    from api.main import create_app
    from domain.settings import Settings

    app = create_app(
        Settings(database_url=url, key_dir=key_dir, generate_keys=True, bench_ceiling=True), check_schema=False
    )
    paths = set(app.openapi()["paths"]) | {getattr(r, "path", "") for r in app.routes}
    outside = {p for s in SCENARIOS for p in s.needs if p not in paths and "{" not in p}
    with TestClient(app) as client:
        paths |= {p for p in outside if client.get(p).status_code != 404}
    return paths


def _pg_version(url: str) -> str | None:
    try:
        engine = create_engine(make_url(url).set(database="postgres"))
        with engine.connect() as conn:
            found = conn.execute(text("SHOW server_version")).scalar()
        engine.dispose()
        return found
    except Exception:  # noqa: BLE001 - PostgreSQL is optional
        return None


def _print_row(row: dict, database: str, workers: int) -> None:
    run = {"database": database, "workers": workers}
    print("  " + "  ".join(table.cells(run, row)) + (f"  [{row['note'][:200]}]" if row["note"] else ""), flush=True)


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench http", description=__doc__.split("\n\n")[1])
    ap.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    ap.add_argument(
        "--workers",
        default="1,2",
        help="worker processes on PostgreSQL, comma-separated (SQLite: always 1, its writer queue is per process)",
    )
    ap.add_argument("--seconds", type=float, default=10.0, help="measured seconds per route, and again for its ceiling")
    ap.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up load before each route (not counted)")
    ap.add_argument("--connections", type=int, default=16, help="concurrent connections (wrk) or clients (Python)")
    ap.add_argument(
        "--pool",
        type=int,
        default=4000,
        help="fresh officers for nominate-then-accept (each server run nominates them for a module of its own)",
    )
    ap.add_argument("--only", default="", help="comma-separated scenario keys: " + ", ".join(s.key for s in SCENARIOS))
    ap.add_argument("--quick", action="store_true", help="3 s per route, 1 s warm-up, a small pool: a few minutes")
    ap.add_argument(
        "--pg-url", default=PG_URL, help=f"scratch PostgreSQL database, dropped and created (name ends in {GUARD})"
    )
    ap.add_argument(
        "--out", type=Path, default=None, help="results JSON (default bench/results/DATE-http[-quick].json)"
    )
    ap.add_argument("--keep", action="store_true", help="keep the scratch databases and files")
    args = ap.parse_args(argv)
    if args.quick:
        args.seconds, args.warmup, args.pool = 3.0, 1.0, min(args.pool, 1000)
    if not make_url(args.pg_url).database.endswith(GUARD):
        ap.error(f"--pg-url: the database name must end in {GUARD} (it is dropped)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    pg_workers = [int(w) for w in args.workers.split(",") if w.strip()]
    keys = {k.strip() for k in args.only.split(",") if k.strip()}
    scenarios = [s for s in SCENARIOS if not keys or s.key in keys]
    opt = Options(args.seconds, args.warmup, args.connections)
    scratch = Path(tempfile.mkdtemp(prefix="tadrib-bench-http-"))
    started = datetime.now(UTC)
    report = {
        "date": started.date().isoformat(),
        "started_at": started.isoformat(timespec="seconds"),
        "command": "python -m bench http " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine.describe(_pg_version(args.pg_url) if "postgresql" in databases else None),
        "options": {
            "seconds": opt.seconds,
            "warmup": opt.warmup,
            "connections": opt.connections,
            "pool": args.pool,
            "quick": args.quick,
        },
        "runs": [],
    }
    print(f"scratch files in {scratch}", flush=True)
    try:
        for database in databases:
            url = f"sqlite:///{scratch / 'bench.db'}" if database == "sqlite" else args.pg_url
            workers = [1] if database == "sqlite" else pg_workers
            t0 = time.perf_counter()
            generate.prepare(sync_url(url))
            fixture = build(url, len(workers), args.pool).as_dict()
            print(f"{database}: migrated, seeded and prepared in {time.perf_counter() - t0:.0f} s", flush=True)
            key_dir = scratch / "keys"
            app_paths = _app_paths(url, key_dir)
            env = {"DATABASE_URL": url, "KEY_DIR": str(key_dir), "GENERATE_KEYS": "true"}
            try:
                for run, n in enumerate(workers):
                    report["runs"].append(
                        run_server(
                            database=database,
                            workers=n,
                            env=env,
                            fixture=fixture,
                            run=run,
                            scenarios=scenarios,
                            app_paths=app_paths,
                            opt=opt,
                            scratch=scratch,
                            log=_print_row,
                        )
                    )
                    print(f"  peak RSS {report['runs'][-1]['peak_rss_mib']:,.0f} MiB", flush=True)
            finally:
                if not args.keep:
                    generate.drop(sync_url(url))
    finally:
        report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        report["flagged"] = any(r["flagged"] for run in report["runs"] for r in run["rows"])
        out = args.out or RESULTS / f"{report['date']}-http{'-quick' if args.quick else ''}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    print(
        f"\n{table.text(report['runs'])}\n\nresults: {out}"
        + ("\nSOME ROWS ARE FLAGGED: errors under load" if report["flagged"] else "")
    )
    return 1 if report["flagged"] else 0
