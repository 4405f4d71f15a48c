"""In-process CPU time (or a cProfile) of the hot routes and the roster page, on the ceilings bench's
database, prepared once and kept in a folder so that each change is measured in seconds:

    .venv/bin/python -m bench.fixed_cost.hot_probe --scratch /tmp/hot            # prepare (once) and time
    .venv/bin/python -m bench.fixed_cost.hot_probe --scratch /tmp/hot --only me --profile
    .venv/bin/python -m bench.fixed_cost.hot_probe --scratch /tmp/hot-pg \
        --pg-url postgresql://postgres@127.0.0.1:5432/tadrib_bench_hot      # the same on PostgreSQL

Targets: module, me, sheet, roster (the page). CPU µs per request, the bare app's constant route
alongside; no socket, no server (bench/fixed_cost/asgi_probe.py's harness)."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from bench.fixed_cost.asgi_probe import scope_for, tadrib_app, timed
from bench.fixed_cost.ceilings import CSRF, PASSWORDS


def database_url(scratch: Path, pg_url: str | None) -> str:
    return pg_url or f"sqlite:///{scratch / 'bench.db'}"


def prepare(scratch: Path, url: str) -> dict[str, str]:
    from bench import generate
    from bench.fixed_cost import pages_fixture
    from bench.http.fixtures import build
    from domain.db import sync_url

    scratch.mkdir(parents=True, exist_ok=True)
    generate.prepare(sync_url(url))
    fixture = build(url, 1, 20).as_dict()
    return {"module": fixture["module_id"], "roster": pages_fixture.build(url)}


async def credentials(app: Any) -> dict[str, dict[str, str]]:
    """Bearer tokens and page cookies, asked of the app itself."""
    out: dict[str, dict[str, str]] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        for user, password in PASSWORDS.items():
            r = await client.post(
                "/api/v1/auth/token", data={"grant_type": "password", "username": user, "password": password}
            )
            r.raise_for_status()
            out[f"bearer:{user}"] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    for user, password in PASSWORDS.items():
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            page = await client.get("/sign-in")
            found = CSRF.search(page.text)
            assert found
            r = await client.post(
                "/sign-in",
                data={"csrf_token": found.group(1), "username": user, "password": password, "next": "/"},
            )
            assert r.status_code == 303, r.status_code
            out[f"cookie:{user}"] = {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}
    return out


def targets(ids: dict[str, str], cred: dict[str, dict[str, str]]) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "ceiling": ("/bench/ceiling", {}),
        "module": (f"/api/v1/modules/{ids['module']}", cred["bearer:admin"]),
        "me": ("/api/v1/me", cred["bearer:focal.moi"]),
        "sheet": (f"/api/v1/sessions/{ids['roster']}/attendance-sheet", cred["bearer:trainer"]),
        "roster": (f"/trainer/sessions/{ids['roster']}", cred["cookie:trainer"]),
    }


async def main_async(args: argparse.Namespace) -> None:
    from bench.fixed_cost.bare import bare_app

    scratch = Path(args.scratch)
    ids = json.loads((scratch / "ids.json").read_text())
    app = tadrib_app(database_url(scratch, args.pg_url), scratch / "keys")
    found = targets(ids, await credentials(app))
    chosen = [k for k in (args.only.split(",") if args.only else found)]
    scopes = {
        k: scope_for(found[k][0], [(h.lower().encode(), v.encode()) for h, v in found[k][1].items()]) for k in chosen
    }
    if args.profile:
        profiler = cProfile.Profile()
        for k in chosen:
            await timed(app, scopes[k], 20)
            profiler.enable()
            await timed(app, scopes[k], args.n)
            profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.lines)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return
    bare = bare_app()
    results: dict[str, list[float]] = {k: [] for k in ["bare", *chosen]}
    for _ in range(args.rounds):
        results["bare"].append(await timed(bare, scope_for("/bench/ceiling"), args.n * 5))
        for k in chosen:
            results[k].append(await timed(app, scopes[k], args.n))
    best = {k: min(v) for k, v in results.items()}
    for k, v in best.items():
        print(f"{k:8} {v:9.1f} µs   bare/this {best['bare'] / v:5.3f}")
    if "roster" in best and "sheet" in best:
        print(f"roster/sheet {best['roster'] / best['sheet']:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scratch", required=True, help="a folder; the bench database is prepared there once")
    ap.add_argument("--only", default="", help="comma-separated: ceiling, module, me, sheet, roster")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument(
        "--pg-url",
        default=None,
        help="a PostgreSQL database to prepare and probe instead of the folder's SQLite file (its name must "
        "start with tadrib_bench; prepared when the folder has no ids.json: use a folder per database)",
    )
    ap.add_argument("--lines", type=int, default=60)
    args = ap.parse_args()
    ids_file = Path(args.scratch) / "ids.json"
    if args.pg_url and not make_url(args.pg_url).database.startswith("tadrib_bench"):
        ap.error("--pg-url: the database is dropped and recreated; its name must start with tadrib_bench")
    if not ids_file.exists():  # outside the event loop: the fixtures run their own
        ids = prepare(Path(args.scratch), database_url(Path(args.scratch), args.pg_url))
        ids_file.write_text(json.dumps(ids))
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
