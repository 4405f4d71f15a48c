"""python -m bench webhooks [--events 2000] [--workers 1,2] [--keep]

Delivery throughput of webhook workers (`python -m api.worker` processes, the production command)
to a local receiver on 127.0.0.1, on a scratch PostgreSQL database (tadrib_webhooks_bench on
127.0.0.1:5432, user postgres; dropped and recreated, dropped at the end unless --keep). For each
worker count, in the same run: the workers are started and ready, N events are committed at once,
and the clock runs until the receiver holds every event. Prints events/s per worker count and the
ratio to one worker; writes the results JSON under bench/results/. Never run by the tests; every
wait is bounded."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network
from pathlib import Path

from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import make_url

import domain.registry  # noqa: F401  (every model mapped)
from domain.auth.principal import Principal, Role
from domain.db import make_engine, make_sessionmaker, sync_url
from domain.models.auth import User
from domain.models.webhooks import WebhookSubscription
from domain.outbox.service import emit_many
from domain.webhooks.schemas import WebhookCreate
from domain.webhooks.service import create_webhook

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PG_URL = "postgresql://postgres@127.0.0.1:5432/tadrib_webhooks_bench"
WAIT_S = int(os.environ.get("BENCH_WAIT_S", "300"))
LOOPBACK = (ip_network("127.0.0.0/8"),)  # the bench's receiver: the only network its webhooks may reach


class Counter:
    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.requests = 0
        self.lock = threading.Lock()
        self.full = threading.Event()
        self.expected = 0


def receiver(counter: Counter) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver behind a proxy would

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("content-length", 0)))
            with counter.lock:
                counter.requests += 1
                counter.ids.add(self.headers.get("webhook-id", ""))
                if counter.expected and len(counter.ids) >= counter.expected:
                    counter.full.set()
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # http.server's 5 drops concurrent connects (a 1 s SYN retry each)

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def recreate(url: str) -> None:
    u = make_url(url)
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{u.database}"'))
    admin.dispose()
    from alembic import command

    from api.startup import alembic_config

    command.upgrade(alembic_config(sync_url(url)), "head")


def drop(url: str) -> None:
    u = make_url(url)
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
    admin.dispose()


async def subscribe(url: str, hook: str) -> None:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            await session.execute(delete(WebhookSubscription))
            user = User(username=f"bench-{uuid.uuid4().hex[:8]}", password_hash="!", role=Role.admin, disabled=False)
            user.programmes = []
            session.add(user)
            await session.flush()
            await create_webhook(
                session,
                principal=Principal(id=user.id, name=user.username, role=Role.admin),
                data=WebhookCreate(url=hook),
                allowed_networks=LOOPBACK,
            )
    finally:
        await engine.dispose()


async def commit_events(url: str, n: int) -> None:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            await emit_many(
                session,
                "module.status_changed",
                [
                    {"resource_id": uuid.uuid4(), "data": {"status": "open", "previous_status": "planned"}}
                    for _ in range(n)
                ],
            )
    finally:
        await engine.dispose()


def spawn(url: str, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONUNBUFFERED": "1",
        "WEBHOOK_POLL_SECONDS": "0.05",
        "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",  # the bench's receiver
        "WEBHOOK_BATCH_SIZE": os.environ.get("WEBHOOK_BATCH_SIZE", "50"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "api.worker", "--name", name],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_once(url: str, workers: int, events: int, port: int, counter: Counter) -> dict:
    asyncio.run(subscribe(url, f"http://127.0.0.1:{port}/bench"))
    with counter.lock:
        counter.ids, counter.requests, counter.expected = set(), 0, events
        counter.full.clear()
    procs = [spawn(url, f"bench-{workers}-{i}") for i in range(workers)]
    try:
        for p in procs:  # ready: signal handlers installed, engine made
            assert p.stdout is not None and "delivering webhooks" in p.stdout.readline()
        started = time.perf_counter()
        asyncio.run(commit_events(url, events))
        if not counter.full.wait(timeout=WAIT_S):
            raise RuntimeError(f"only {len(counter.ids)} of {events} events arrived within {WAIT_S} s")
        elapsed = time.perf_counter() - started
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        outputs = [p.communicate(timeout=60)[0] for p in procs]
    delivered = [int(o.rsplit("delivered ", 1)[1].split()[0]) if "delivered " in o else 0 for o in outputs]
    return {
        "workers": workers,
        "events": events,
        "seconds": round(elapsed, 3),
        "events_per_s": round(events / elapsed, 1),
        "requests": counter.requests,
        "duplicates": counter.requests - len(counter.ids),
        "per_worker": delivered,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--rounds", type=int, default=2, help="runs per worker count, interleaved; the best is kept")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    counts = [int(w) for w in args.workers.split(",")]
    recreate(PG_URL)
    counter = Counter()
    server = receiver(counter)
    port = server.server_address[1]
    runs: list[dict] = []
    try:
        run_once(PG_URL, 1, 200, port, counter)  # warm-up: imports, connections, the database's caches
        for _ in range(args.rounds):
            for w in counts:
                result = run_once(PG_URL, w, args.events, port, counter)
                runs.append(result)
                print(
                    f"{w} worker(s): {result['events']} events in {result['seconds']:.2f} s = "
                    f"{result['events_per_s']:.0f} events/s (per worker {result['per_worker']}, duplicates "
                    f"{result['duplicates']})",
                    flush=True,
                )
    finally:
        server.shutdown()
        if not args.keep:
            drop(PG_URL)
    best = {w: max((r for r in runs if r["workers"] == w), key=lambda r: r["events_per_s"]) for w in counts}
    base = best[counts[0]]["events_per_s"]
    for w in counts:
        print(
            f"best of {args.rounds}: {w} worker(s) {best[w]['events_per_s']:.0f} events/s, ratio to {counts[0]}: "
            f"{best[w]['events_per_s'] / base:.2f}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{datetime.now(UTC).date().isoformat()}-webhooks.json"
    out.write_text(
        json.dumps(
            {
                "bench": "webhooks",
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": "postgresql",
                "cpus": os.cpu_count(),
                "load_average": os.getloadavg(),
                "runs": runs,
                "best": {str(w): best[w] for w in counts},
                "ratio": {str(w): round(best[w]["events_per_s"] / base, 2) for w in counts},
                "note": "workers are `python -m api.worker` processes (batch 50, concurrent sends); the receiver is a "
                "threaded http.server in the bench process on the same machine, answering 204",
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(ROOT)}")
    return 0
