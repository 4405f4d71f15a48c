"""One server run (a database, a number of workers): sign in, then for each scenario a warm-up,
the ceiling, and the route, back to back with the same tool, so that each ratio compares two
figures measured a few seconds apart on the same busy machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.http import wrk
from bench.http.scenarios import CEILING, Context, Scenario, missing_routes
from bench.http.server import ROOT, serve
from bench.http.stats import Measurement, ratio

DEMO_PASSWORDS = {"admin": ("admin", "demo-admin-2026"), "focal": ("focal.moi", "demo-focal-point-2026")}


@dataclass
class Options:
    seconds: float
    warmup: float
    connections: int


def sign_in(base: str) -> dict[str, str]:
    tokens = {}
    for role, (username, password) in DEMO_PASSWORDS.items():
        r = httpx.post(
            f"{base}/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
            timeout=30,
        )
        r.raise_for_status()
        tokens[role] = r.json()["access_token"]
    return tokens


def _loadgen(spec: dict, scratch: Path, name: str, timeout: float) -> Measurement:
    spec_path, out_path = scratch / f"{name}.spec.json", scratch / f"{name}.out.json"
    spec_path.write_text(json.dumps(spec))
    done = subprocess.run(
        [sys.executable, "-m", "bench.http.loadgen", str(spec_path), str(out_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load generator failed: {done.stderr[-1500:]}")
    result = json.loads(out_path.read_text())
    first_errors = result.pop("first_errors", [])
    m = Measurement(**result)
    if first_errors:
        m.note = "; ".join(filter(None, [m.note, *first_errors]))[:600]
    return m


def _probe(ctx: Context, scenario: Scenario) -> str | None:
    """One request first: a route that does not answer 2xx is reported, not loaded."""
    if scenario.tool != "wrk":
        return None
    if scenario.script:
        method, path, body = scenario.script(ctx, 1).probe
        r = httpx.request(
            method,
            ctx.base + path,
            content=body,
            timeout=30,
            headers=ctx.auth(scenario.who) | {"Content-Type": "application/json"},
        )
    else:
        r = httpx.get(ctx.base + scenario.path(ctx), headers=ctx.auth(scenario.who), timeout=30)
    return None if r.is_success else f"answered {r.status_code}: {r.text[:300]}"


def _prepare(ctx: Context, scenario: Scenario) -> str | None:
    try:
        if scenario.prepare:
            scenario.prepare(ctx)
    except (RuntimeError, httpx.HTTPError) as exc:
        return f"preparing failed: {exc}"[:600]
    return None


def _measure_pair(ctx: Context, scenario: Scenario, opt: Options) -> tuple[Measurement, Measurement]:
    """(ceiling, route), the ceiling first; a warm-up of the route before both."""
    headers = ctx.auth(scenario.who.split("+")[0])
    if scenario.tool == "wrk":

        def target(invocation: int) -> tuple[str, str]:
            if scenario.script:
                return ctx.base + "/", scenario.script(ctx, invocation).lua
            return ctx.base + scenario.path(ctx), wrk.static_script("GET", headers)

        if opt.warmup:
            wrk.run(*target(0), connections=opt.connections, seconds=opt.warmup)
        ceiling = wrk.run(
            ctx.base + CEILING, wrk.static_script("GET", headers), connections=opt.connections, seconds=opt.seconds
        )
        return ceiling, wrk.run(*target(1), connections=opt.connections, seconds=opt.seconds)
    clients = scenario.clients or opt.connections
    seconds = opt.seconds if scenario.clients is None else max(60.0, 6 * opt.seconds)  # an import takes a while
    spec = scenario.spec(ctx) | {"base": ctx.base, "clients": clients, "seconds": seconds, "warmup": opt.warmup}
    name = f"{scenario.key}-{ctx.run}"
    ceiling = _loadgen(
        {
            "kind": "ceiling_pair",
            "url": ctx.base + CEILING,
            "clients": clients,
            "seconds": opt.seconds,
            "warmup": opt.warmup,
        },
        ctx.scratch,
        f"ceiling-{name}",
        opt.seconds + opt.warmup + 60,
    )
    return ceiling, _loadgen(spec, ctx.scratch, name, seconds + opt.warmup + 600)


def _row(scenario: Scenario, **fields) -> dict:
    return {
        "scenario": scenario.key,
        "route": scenario.route,
        "as": scenario.who,
        "tool": None,
        "available": True,
        "rps": None,
        "p50_ms": None,
        "p99_ms": None,
        "ceiling_rps": None,
        "ratio_to_ceiling": None,
        "requests": None,
        "seconds": None,
        "errors": None,
        "flagged": False,
        "note": "",
    } | fields


def run_server(
    *,
    database: str,
    workers: int,
    env: dict[str, str],
    fixture: dict,
    run: int,
    scenarios: list[Scenario],
    app_paths: set[str],
    opt: Options,
    scratch: Path,
    log,
) -> dict:
    rows = []
    with serve(env, workers, scratch / f"server-{database}-{workers}.log") as server:
        ctx = Context(server.base, sign_in(server.base), fixture, run, scratch)
        for scenario in scenarios:
            missing = missing_routes(scenario, app_paths)
            if missing:
                rows.append(_row(scenario, available=False, note="not available: the app has no " + ", ".join(missing)))
            elif problem := _prepare(ctx, scenario) or _probe(ctx, scenario):
                rows.append(_row(scenario, tool=scenario.tool, flagged=True, note=problem))
            else:
                try:
                    ceiling, m = _measure_pair(ctx, scenario, opt)
                except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
                    rows.append(_row(scenario, tool=scenario.tool, flagged=True, note=f"failed: {exc}"[:600]))
                else:
                    rows.append(
                        _row(
                            scenario,
                            tool=m.tool,
                            rps=m.rps,
                            p50_ms=m.p50_ms,
                            p99_ms=m.p99_ms,
                            ceiling_rps=ceiling.rps,
                            ratio_to_ceiling=ratio(m.rps, ceiling.rps),
                            requests=m.requests,
                            seconds=m.seconds,
                            errors=m.errors + ceiling.errors,
                            flagged=bool(m.errors or ceiling.errors),
                            note=m.note,
                        )
                    )
            log(rows[-1], database, workers)
        peak = server.peak_rss_mib()
    # Other work shares the machine: its load, beside the figures, tells how busy it was.
    return {
        "database": database,
        "workers": workers,
        "peak_rss_mib": round(peak, 1),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "rows": rows,
    }
