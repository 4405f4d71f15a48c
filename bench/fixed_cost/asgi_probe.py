"""In-process timing of one GET through an ASGI app (no socket, no server): the app's own cost per
request, for profiling changes to the fixed cost without the network's or the machine's noise.

    .venv/bin/python -m bench.fixed_cost.asgi_probe [--n 20000] [--profile] [--path /bench/ceiling]

It times the bare app and Tadrib (a scratch SQLite file migrated by Alembic, the ceiling route on)
alternately and prints CPU µs per request and the ratio (CPU time, so that other work on the
machine does not count)."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any


def scope_for(path: str, headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    path, _, query = path.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"127.0.0.1"), *(headers or [])],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def one(app: Any, scope: dict[str, Any]) -> int:
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(dict(scope), receive, send)
    return status


async def timed(app: Any, scope: dict[str, Any], n: int) -> float:
    status = await one(app, scope)
    assert status == 200, status
    t0 = time.process_time()  # CPU time: what the request costs, not how busy the machine is
    for _ in range(n):
        await one(app, scope)
    return (time.process_time() - t0) / n * 1e6


def tadrib_app(url: str, key_dir: Path) -> Any:
    from api.main import create_app
    from domain.settings import Settings

    return create_app(
        Settings(database_url=url, key_dir=key_dir, generate_keys=True, bench_ceiling=True, plain_http=True),
        check_schema=False,
    )


async def main_async(args: argparse.Namespace) -> None:
    from bench.fixed_cost.bare import bare_app

    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="tadrib-probe-"))
    bare = bare_app()
    app = tadrib_app(f"sqlite+aiosqlite:///{scratch / 'probe.db'}", scratch / "keys")
    headers = [tuple(h.encode().split(b": ", 1)) for h in args.header]
    scope = scope_for(args.path, headers)  # type: ignore[arg-type]
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        await timed(app, scope, args.n)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return
    rows = []
    for _ in range(args.rounds):
        b = await timed(bare, scope_for("/bench/ceiling"), args.n)
        t = await timed(app, scope, args.n)
        rows.append((b, t))
        print(f"bare {b:7.1f} µs   tadrib {args.path} {t:7.1f} µs   ratio (bare/tadrib) {b / t:.2f}", flush=True)
    best_b, best_t = min(r[0] for r in rows), min(r[1] for r in rows)
    print(f"best: bare {best_b:.1f} µs, tadrib {best_t:.1f} µs, ratio {best_b / best_t:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--path", default="/bench/ceiling")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--scratch", help="a folder with probe.db (a prepared bench database) and keys/")
    ap.add_argument("--header", action="append", default=[], help="'Name: value', repeatable")
    asyncio.run(main_async(ap.parse_args()))


if __name__ == "__main__":
    main()
