"""python -m bench.http.writes: writes measured as three questions, not one closed loop of 16.

For each database (a scratch one, built as `bench http` builds it) and each number of workers:
1. latency at ONE connection (p50, p99): the cost of the request itself, nothing queued before it;
2. throughput at 16 connections: what the server sustains (those latencies include the queue);
3. an open loop at a fixed rate (default 50 pairs/s for 10 s): each operation is timed from the
   moment it was scheduled to start, so p99 holds no client-side queue and hides no stall.
Operations: nominate-then-accept (a pair of POSTs) and a PUT of 30 attendance marks.
Results JSON: bench/results/DATE-pg-writes.json (or --out)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bench import generate
from bench.http import machine
from bench.http.cli import GUARD, _pg_version
from bench.http.fixtures import build
from bench.http.runner import sign_in
from bench.http.server import ROOT, _descendants, serve
from domain.db import sync_url

RESULTS = Path(__file__).resolve().parents[1] / "results"
PG_URL = "postgresql://postgres@127.0.0.1:5432/tadrib_writes_bench_http"


def _load(spec: dict, scratch: Path, name: str) -> dict:
    spec_path, out_path = scratch / f"{name}.spec.json", scratch / f"{name}.out.json"
    spec_path.write_text(json.dumps(spec))
    subprocess.run(
        [sys.executable, "-m", "bench.http.writes_load", str(spec_path), str(out_path)],
        cwd=ROOT,
        check=True,
        timeout=spec.get("seconds", 10) + spec.get("warmup", 0) + 300,
    )
    return json.loads(out_path.read_text())


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) of the server and its workers so far: what a request costs the
    server whatever else the shared machine is doing (the wall-clock figures vary with it)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in _descendants(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / ticks


def _phases(args: argparse.Namespace) -> list[tuple[str, str, dict]]:
    """(name, operation, shape) in the order they run."""
    s, open_s = args.seconds, args.open_seconds
    return [
        ("pair, 1 connection", "pair", {"shape": "closed", "clients": 1, "seconds": s, "warmup": 1}),
        ("marks, 1 connection", "marks", {"shape": "closed", "clients": 1, "seconds": s, "warmup": 1}),
        ("pair, 16 connections", "pair", {"shape": "closed", "clients": 16, "seconds": s, "warmup": 1}),
        ("marks, 16 connections", "marks", {"shape": "closed", "clients": 16, "seconds": s, "warmup": 1}),
        (f"pair, open loop {args.rate:g}/s", "pair", {"shape": "open", "rate": args.rate, "seconds": open_s}),
    ]


def run_server(database: str, workers: int, env: dict, fixture: dict, run: int, args, scratch: Path) -> dict:
    rows = []
    counters = {"pair": 0, "marks": 0}
    with serve(env, workers, scratch / f"server-{database}-{workers}.log") as server:
        tokens = sign_in(server.base)
        common = {"base": server.base, "admin_token": tokens["admin"], "focal_token": tokens["focal"]}
        for name, op, shape in _phases(args):
            spec = common | shape | {"op": op, "start": counters[op]}
            if op == "pair":
                spec |= {"module_id": fixture["nomination_module_ids"][run], "officer_ids": fixture["officer_ids"]}
            else:
                spec |= {
                    "session_ids": fixture["attendance_session_sets"][2 * run + 1],
                    "attendee_ids": fixture["attendance_officer_ids"],
                }
            cpu = cpu_seconds(server.proc.pid)
            result = _load(spec, scratch, f"{database}-{workers}-{op}-{len(rows)}")
            cpu = cpu_seconds(server.proc.pid) - cpu
            sent = result["next"] - counters[op]  # every operation sent, the warm-up's included
            counters[op] = result.pop("next")
            server_ms = round(cpu / sent * 1000, 2) if sent else None
            rows.append({"phase": name, **result, "server_cpu_ms_per_op": server_ms})
            print(f"  {database} w={workers} {_line(rows[-1])}", flush=True)
    return {"database": database, "workers": workers, "load_average_after": os.getloadavg(), "rows": rows}


def _line(row: dict) -> str:
    return (
        f"{row['phase']:<28} {row['ops_per_s']:>8.1f} ops/s  p50 {row['p50_ms'] or 0:>8.1f}  "
        f"p99 {row['p99_ms'] or 0:>8.1f} ms  server CPU {row['server_cpu_ms_per_op'] or 0:>6.1f} ms/op  "
        f"errors {row['errors']}" + (f"  {row['first_errors']}" if row["errors"] else "")
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.http.writes", description=__doc__.split("\n\n")[0])
    ap.add_argument("--databases", default="sqlite,postgresql")
    ap.add_argument("--workers", default="1,2", help="PostgreSQL worker processes (SQLite: 1)")
    ap.add_argument("--seconds", type=float, default=5.0, help="measured seconds of each closed-loop phase")
    ap.add_argument("--rate", type=float, default=50.0, help="open loop: pairs per second")
    ap.add_argument("--open-seconds", type=float, default=10.0)
    ap.add_argument("--pool", type=int, default=2500, help="fresh officers per server run")
    ap.add_argument("--pg-url", default=PG_URL)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if not make_url(args.pg_url).database.endswith(GUARD):
        ap.error(f"--pg-url: the database name must end in {GUARD} (it is dropped)")
    databases = [d for d in args.databases.split(",") if d]
    scratch = Path(tempfile.mkdtemp(prefix="tadrib-bench-writes-"))
    started = datetime.now(UTC)
    report = {
        "started_at": started.isoformat(timespec="seconds"),
        "command": "python -m bench.http.writes " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine.describe(_pg_version(args.pg_url) if "postgresql" in databases else None),
        "runs": [],
    }
    try:
        for database in databases:
            url = f"sqlite:///{scratch / 'bench.db'}" if database == "sqlite" else args.pg_url
            workers = [1] if database == "sqlite" else [int(w) for w in args.workers.split(",")]
            t0 = time.perf_counter()
            generate.prepare(sync_url(url))
            fixture = build(url, len(workers), args.pool).as_dict()
            print(f"{database}: prepared in {time.perf_counter() - t0:.0f} s", flush=True)
            env = {"DATABASE_URL": url, "KEY_DIR": str(scratch / "keys"), "GENERATE_KEYS": "true"}
            try:
                for run, n in enumerate(workers):
                    report["runs"].append(run_server(database, n, env, fixture, run, args, scratch))
            finally:
                generate.drop(sync_url(url))
    finally:
        report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        out = args.out or RESULTS / f"{started.date().isoformat()}-pg-writes.json"
        out.write_text(json.dumps(report, indent=2) + "\n")
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
