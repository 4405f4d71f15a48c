"""python -m bench.http.writes_load SPEC.json OUT.json: the writes bench's load, in a process of its
own (httpx on uvloop). Two shapes:
- closed: N clients, each sends its next operation when the last one answered (N=1: the cost of
  the request itself; N=16: what the server sustains, latencies then include the queue);
- open: operations start at a fixed rate whatever the answers, each timed from the moment it was
  scheduled to start, so a late start (a queue anywhere, the client's own included) is counted
  in its latency and never hidden (no coordinated omission).
Operations: "pair" (the focal point nominates the next fresh officer, an administrator accepts)
and "marks" (a PUT of 30 marks, "present" and "late" in turn over 32 sessions, so that each PUT
corrects 30 marks)."""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from bench.http.stats import percentile

Operation = Callable[[httpx.AsyncClient, int], Awaitable[bool]]


class RanOut(Exception):
    """No fresh officer left to nominate."""


def pair(spec: dict) -> Operation:
    officers, base, module = spec["officer_ids"], spec["base"], spec["module_id"]
    focal = {"Authorization": f"Bearer {spec['focal_token']}"}
    admin = {"Authorization": f"Bearer {spec['admin_token']}"}

    async def op(client: httpx.AsyncClient, n: int) -> bool:
        if n >= len(officers):
            raise RanOut
        nominated = await client.post(
            f"{base}/api/v1/modules/{module}/nominations", json={"officer_id": officers[n]}, headers=focal
        )
        if not nominated.is_success:
            return _failed(nominated)
        accepted = await client.post(
            f"{base}/api/v1/nominations/{nominated.json()['id']}/decision", json={"decision": "accept"}, headers=admin
        )
        return accepted.is_success or _failed(accepted)

    return op


def marks(spec: dict) -> Operation:
    sessions, base = spec["session_ids"], spec["base"]
    headers = {"Authorization": f"Bearer {spec['admin_token']}"}
    bodies = {
        status: {"marks": [{"officer_id": o, "status": status} for o in spec["attendee_ids"]]}
        for status in ("present", "late")
    }

    async def op(client: httpx.AsyncClient, n: int) -> bool:
        status = ("present", "late")[(n // len(sessions)) % 2]  # primed "late": the first round changes all
        r = await client.put(
            f"{base}/api/v1/sessions/{sessions[n % len(sessions)]}/attendance", json=bodies[status], headers=headers
        )
        return r.is_success or _failed(r)

    return op


ERRORS: list[str] = []


def _failed(r: httpx.Response) -> bool:
    if len(ERRORS) < 3:
        ERRORS.append(f"{r.request.method} {r.request.url.path} -> {r.status_code}: {r.text[:200]}")
    return False


def _summary(latencies: list[float], errors: int, seconds: float, **extra: object) -> dict:
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    return {
        "ops": len(latencies),
        "errors": errors,
        "seconds": round(seconds, 3),
        "ops_per_s": round(len(latencies) / seconds, 2) if seconds else 0.0,
        "p50_ms": None if p50 is None else round(p50 * 1000, 2),
        "p99_ms": None if p99 is None else round(p99 * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 2) if latencies else None,
        **extra,
    }


async def closed(op: Operation, counter: itertools.count, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                started = time.perf_counter()
                try:
                    ok = await op(client, next(counter))
                except RanOut:
                    return
                except httpx.HTTPError as exc:
                    ERRORS.append(repr(exc)) if len(ERRORS) < 3 else None
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return _summary(latencies, errors, time.perf_counter() - began, clients=clients)


async def open_loop(op: Operation, counter: itertools.count, rate: float, seconds: float, connections: int) -> dict:
    latencies: list[float] = []
    errors, late_starts = 0, 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        t0 = time.perf_counter() + 0.05
        total = int(rate * seconds)

        async def one(i: int) -> None:
            nonlocal errors, late_starts
            scheduled = t0 + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -0.001:
                late_starts += 1  # the client itself was behind: still timed from `scheduled`
            try:
                ok = await op(client, next(counter))
            except RanOut:
                return
            except httpx.HTTPError as exc:
                ERRORS.append(repr(exc)) if len(ERRORS) < 3 else None
                ok = False
            if ok:
                latencies.append(time.perf_counter() - scheduled)
            else:
                errors += 1

        await asyncio.gather(*(one(i) for i in range(total)))
        return _summary(
            latencies, errors, time.perf_counter() - t0, rate=rate, scheduled=total, late_starts=late_starts
        )


async def main(spec: dict) -> dict:
    op = {"pair": pair, "marks": marks}[spec["op"]](spec)
    counter = itertools.count(spec.get("start", 0))
    if spec.get("warmup"):
        await closed(op, counter, 1, spec["warmup"])
    ERRORS.clear()
    if spec["shape"] == "open":
        result = await open_loop(op, counter, spec["rate"], spec["seconds"], spec.get("connections", 64))
    else:
        result = await closed(op, counter, spec["clients"], spec["seconds"])
    return result | {"next": next(counter), "first_errors": ERRORS[:3]}


if __name__ == "__main__":
    spec = json.loads(Path(sys.argv[1]).read_text())
    try:
        from uvloop import new_event_loop as loop_factory
    except ImportError:
        loop_factory = None
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        Path(sys.argv[2]).write_text(json.dumps(runner.run(main(spec))))
