"""python -m bench ceilings: both ceilings, the hot routes and the pages beside their JSON, in one run.

For each database of --databases (SQLite by default; `sqlite,postgresql` runs both, one after the
other, in one invocation) a scratch database is prepared as the HTTP bench prepares its own
(migrated, the demo seeds, the bench's records, and a roster of 40): a SQLite file, or a PostgreSQL
database on 127.0.0.1:5432 (`tadrib_bench_ceilings`, or --pg-url; dropped and recreated, so its name
must start with `tadrib_bench`, and dropped at the end). Tadrib is served on it as in production
(python -m api.serve, one worker, the ceiling route on, PLAIN_HTTP so that the pages' cookies go
over loopback HTTP), a server of its own per database; the bare FastAPI app of
bench/fixed_cost/bare.py runs in a process of its own, the same one for the whole run. wrk (one
thread, 16 connections) then loads each target for a few seconds, every target once per round
(the bare app included, in every database's rounds), in the same order each round, so that a busy
machine slows all of them alike; a ratio is taken within a round and the median of the rounds is
printed: every route against the bare app and against the in-app ceiling, every page against its
JSON (the time of a page over the time of its JSON: at most 1.5 is the aim). One table, and one
results JSON, hold every database's rows, each row naming its database.

    .venv/bin/python -m bench ceilings                 # SQLite, 3 rounds of 3 s per target (about 3 minutes)
    .venv/bin/python -m bench ceilings --seconds 2 --rounds 2 --only ceilings,me
    .venv/bin/python -m bench ceilings --databases sqlite,postgresql --only ceilings,module,me
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from bench import generate
from bench.fixed_cost import pages_fixture
from bench.http import machine, wrk
from bench.http.cli import _pg_version
from bench.http.fixtures import build
from bench.http.runner import sign_in
from bench.http.server import ROOT, free_port, serve
from domain.db import sync_url

RESULTS = ROOT / "bench" / "results"
DATABASES = ("sqlite", "postgresql")
PG_URL = "postgresql://postgres@127.0.0.1:5432/tadrib_bench_ceilings"
GUARD = "tadrib_bench"  # the scratch database is dropped: refuse any name that is not obviously ours
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORDS = {
    "admin": "demo-admin-2026",
    "focal.moi": "demo-focal-point-2026",
    "trainer": "demo-trainer-2026",
}


@dataclass
class Target:
    key: str
    label: str
    server: str  # "bare" or "tadrib"
    path: str
    headers: dict[str, str]
    json_of: str | None = None  # a page: the key of the JSON of the same data
    group: str = ""
    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    errors: int = 0


def page_cookie(base: str, username: str) -> str:
    """Signs in through the sign-in page as a browser does; the session cookie."""
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/sign-in")
        found = CSRF.search(page.text)
        assert found, "the sign-in page has no form token"
        r = client.post(
            "/sign-in",
            data={"csrf_token": found.group(1), "username": username, "password": PASSWORDS[username], "next": "/"},
        )
        assert r.status_code == 303, (r.status_code, r.text[:300])
        return "; ".join(f"{k}={v}" for k, v in client.cookies.items())


def targets(base: str, bare: str, tokens: dict[str, str], cookies: dict[str, str], ids: dict[str, str]) -> list[Target]:
    def bearer(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[role]}"}

    def cookie(user: str) -> dict[str, str]:
        return {"Cookie": cookies[user]}

    return [
        Target(
            "bare", "bare FastAPI, constant JSON (own process)", "bare", bare + "/bench/ceiling", {}, group="ceilings"
        ),
        Target(
            "ceiling", "Tadrib /bench/ceiling (in the app)", "tadrib", base + "/bench/ceiling", {}, group="ceilings"
        ),
        Target(
            "module",
            "GET /api/v1/modules/{id} (admin)",
            "tadrib",
            base + f"/api/v1/modules/{ids['module']}",
            bearer("admin"),
            group="module",
        ),
        Target("me", "GET /api/v1/me (focal point)", "tadrib", base + "/api/v1/me", bearer("focal"), group="me"),
        Target(
            "sheet",
            "GET /api/v1/sessions/{id}/attendance-sheet (40, trainer)",
            "tadrib",
            base + f"/api/v1/sessions/{ids['roster']}/attendance-sheet",
            bearer("trainer"),
            group="roster",
        ),
        Target(
            "roster",
            "page /trainer/sessions/{id} (40, trainer)",
            "tadrib",
            base + f"/trainer/sessions/{ids['roster']}",
            cookie("trainer"),
            json_of="sheet",
            group="roster",
        ),
        Target(
            "attention",
            "GET /api/v1/attention (admin)",
            "tadrib",
            base + "/api/v1/attention",
            bearer("admin"),
            group="dashboard",
        ),
        Target(
            "dashboard",
            "page /coordinator (admin)",
            "tadrib",
            base + "/coordinator",
            cookie("admin"),
            json_of="attention",
            group="dashboard",
        ),
        Target(
            "focal_json",
            "GET /bench/focal.json (the workspace's data as JSON, focal point)",
            "tadrib",
            base + "/bench/focal.json",
            cookie("focal.moi"),
            group="focal",
        ),
        Target(
            "focal",
            "page /focal (focal point)",
            "tadrib",
            base + "/focal",
            cookie("focal.moi"),
            json_of="focal_json",
            group="focal",
        ),
    ]


def _start_bare(log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    with open(log, "ab") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.fixed_cost.bare", "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return proc, base
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"the bare app did not start; see {log}")
        time.sleep(0.2)


def cpu_pairs(url: str, key_dir: Path, found: list[Target], rounds: int, n: int) -> dict[str, dict]:
    """Each page and its JSON in this process (no server, no socket), in CPU time per request,
    alternating: what the page costs over its JSON, whatever else the machine is doing."""
    import asyncio

    from bench.fixed_cost.asgi_probe import scope_for, tadrib_app, timed

    app = tadrib_app(url, key_dir)  # make_engine picks the async driver, SQLite or PostgreSQL
    by_key = {t.key: t for t in found}

    def scope(t: Target) -> dict:
        path = "/" + t.path.split("/", 3)[3]
        return scope_for(path, [(k.lower().encode(), v.encode()) for k, v in t.headers.items()])

    async def measure() -> dict[str, dict]:
        out = {}
        for page in (t for t in found if t.json_of and t.json_of in by_key):
            twin = by_key[page.json_of]
            page_us, json_us = [], []
            for _ in range(rounds):
                json_us.append(await timed(app, scope(twin), n))
                page_us.append(await timed(app, scope(page), n))
            out[page.key] = {
                "page_cpu_us": _median(page_us),
                "json_cpu_us": _median(json_us),
                "page_over_json_cpu": _median([p / j for p, j in zip(page_us, json_us, strict=True)]),
            }
        return out

    return asyncio.run(measure())


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _round_ratios(top: list[float], bottom: list[float]) -> float | None:
    """The median of the rounds' ratios; a round whose divisor made no request (a page slower
    than a short --seconds) has none."""
    return _median([a / b for a, b in zip(top, bottom, strict=False) if b > 0])


def summary(found: list[Target], database: str) -> list[dict]:
    by_key = {t.key: t for t in found}
    rows = []
    for t in found:
        row = {
            "database": database,
            "key": t.key,
            "label": t.label,
            "rps": _median(t.rps),
            "p50_ms": _median(t.p50),
            "p99_ms": _median(t.p99),
            "errors": t.errors,
            "rps_each_round": [round(x, 1) for x in t.rps],
        }
        if "bare" in by_key:
            row["x_bare"] = _round_ratios(t.rps, by_key["bare"].rps)
        if "ceiling" in by_key:
            row["x_ceiling"] = _round_ratios(t.rps, by_key["ceiling"].rps)
        if t.json_of and t.json_of in by_key:
            # time of the page over time of its JSON = JSON's rate over the page's
            row["page_over_json"] = _round_ratios(by_key[t.json_of].rps, t.rps)
        rows.append(row)
    return rows


def cpu_ms(row: dict) -> float | None:
    us = row.get("page_cpu_us")
    return us / 1000 if us is not None else None


def text(rows: list[dict]) -> str:
    head = (
        f"{'target':62} {'database':10} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'x bare':>7} {'x ceil':>7} "
        f"{'page/JSON':>9} {'CPU ms':>7} {'page/JSON CPU':>13} err"
    )
    lines = [head, "-" * len(head)]

    def f(v: float | None, spec: str) -> str:
        return format(v, spec) if v is not None else "-"

    for r in rows:
        lines.append(
            f"{r['label'][:62]:62} {r.get('database', 'sqlite'):10} {f(r['rps'], ',.0f'):>8} "
            f"{f(r['p50_ms'], '.1f'):>7} {f(r['p99_ms'], '.1f'):>7} {f(r.get('x_bare'), '.3f'):>7} "
            f"{f(r.get('x_ceiling'), '.3f'):>7} {f(r.get('page_over_json'), '.2f'):>9} "
            f"{f(cpu_ms(r), '.2f'):>7} {f(r.get('page_over_json_cpu'), '.2f'):>13} {r['errors']}"
        )
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench ceilings", description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--databases",
        default="sqlite",
        help="comma-separated, run one after the other against the same bare app: sqlite, postgresql",
    )
    ap.add_argument(
        "--pg-url", default=PG_URL, help=f"scratch PostgreSQL database, dropped and created (name starts with {GUARD})"
    )
    ap.add_argument("--seconds", type=float, default=3.0, help="seconds per target and round")
    ap.add_argument("--rounds", type=int, default=3, help="rounds; each loads every target once, in turn")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--only", default="", help="groups: ceilings, module, me, roster, dashboard, focal")
    ap.add_argument("--cpu-requests", type=int, default=20, help="requests per page and JSON for the CPU ratio")
    ap.add_argument("--out", type=Path, default=None, help="results JSON (default bench/results/DATE-ceilings.json)")
    ap.add_argument("--label", default="", help="a word for the file name and the JSON (before, after, ...)")
    args = ap.parse_args(argv)
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = [d for d in args.databases if d not in DATABASES]
    if unknown or not args.databases or len(set(args.databases)) != len(args.databases):
        ap.error(f"--databases: a comma-separated list of distinct names among {', '.join(DATABASES)}")
    pg = make_url(args.pg_url)
    if pg.get_backend_name() != "postgresql" or not (pg.database or "").startswith(GUARD):
        ap.error(f"--pg-url: a PostgreSQL database whose name starts with {GUARD} (it is dropped)")
    return args


def _tokens(base: str) -> dict[str, str]:
    tokens = sign_in(base)
    tokens["trainer"] = httpx.post(
        base + "/api/v1/auth/token",
        data={"grant_type": "password", "username": "trainer", "password": PASSWORDS["trainer"]},
        timeout=30,
    ).json()["access_token"]
    return tokens


def run_database(database: str, url: str, bare: str, scratch: Path, args: argparse.Namespace) -> list[dict]:
    """One database: its scratch data, a Tadrib server of its own, the rounds (the bare app's
    target among them), then the pages' CPU pairs; its rows, each naming the database."""
    groups = {g.strip() for g in args.only.split(",") if g.strip()} | {"ceilings"}
    t0 = time.perf_counter()
    generate.prepare(sync_url(url))
    fixture = build(url, 1, 20).as_dict()
    roster = pages_fixture.build(url)
    print(f"{database}: prepared in {time.perf_counter() - t0:.0f} s", flush=True)
    key_dir = scratch / f"keys-{database}"
    env = {"DATABASE_URL": url, "KEY_DIR": str(key_dir), "GENERATE_KEYS": "true", "PLAIN_HTTP": "true"}
    with serve(env, 1, scratch / f"server-{database}.log") as server:
        tokens = _tokens(server.base)
        cookies = {u: page_cookie(server.base, u) for u in PASSWORDS}
        ids = {"module": fixture["module_id"], "roster": roster}
        found = [t for t in targets(server.base, bare, tokens, cookies, ids) if t.group in groups or not args.only]
        for t in found:  # each answers 200 before any load
            r = httpx.get(t.path, headers=t.headers, timeout=30)
            if r.status_code != 200:
                raise RuntimeError(f"{database}: {t.label} answered {r.status_code}: {r.text[:300]}")
            wrk.run(t.path, wrk.static_script("GET", t.headers), connections=args.connections, seconds=1)
        for n in range(args.rounds):
            for t in found:
                m = wrk.run(
                    t.path, wrk.static_script("GET", t.headers), connections=args.connections, seconds=args.seconds
                )
                t.rps.append(m.rps)
                t.p50.append(m.p50_ms or 0.0)
                t.p99.append(m.p99_ms or 0.0)
                t.errors += m.errors
            print(f"{database} round {n + 1}: " + ", ".join(f"{t.key} {t.rps[-1]:,.0f}" for t in found), flush=True)
        cpu = cpu_pairs(url, key_dir, found, args.rounds, args.cpu_requests)
    rows = summary(found, database)
    for row in rows:
        row.update(cpu.get(row["key"], {}))
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    scratch = Path(tempfile.mkdtemp(prefix="tadrib-bench-ceilings-"))
    urls = {"sqlite": f"sqlite:///{scratch / 'bench.db'}", "postgresql": args.pg_url}
    started = datetime.now(UTC)
    described = machine.describe(_pg_version(args.pg_url) if "postgresql" in args.databases else None)
    rows: list[dict] = []
    try:
        bare_proc, bare = _start_bare(scratch / "bare.log")  # one bare app for every database
        try:
            for database in args.databases:
                try:
                    rows += run_database(database, urls[database], bare, scratch, args)
                finally:
                    if database == "postgresql":
                        generate.drop(sync_url(urls[database]))
        finally:
            bare_proc.terminate()
            bare_proc.wait(timeout=15)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report = {
        "date": started.date().isoformat(),
        "started_at": started.isoformat(timespec="seconds"),
        "label": args.label,
        "command": "python -m bench ceilings " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": described | {"load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        "options": {
            "databases": args.databases,
            "seconds": args.seconds,
            "rounds": args.rounds,
            "connections": args.connections,
        },
        "rows": rows,
    }
    name = f"{report['date']}-ceilings{'-' + args.label if args.label else ''}"
    out = args.out or RESULTS / f"{name}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    table = text(rows)
    out.with_suffix(".txt").write_text(f"{report['command']}  ({report['started_at']})\n\n{table}\n")
    print(f"\n{table}\n\nresults: {out}")
    return 1 if any(r["errors"] for r in rows) else 0
