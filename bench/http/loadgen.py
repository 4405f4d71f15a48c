"""python -m bench.http.loadgen SPEC.json OUT.json: a Python load generator, in a process of its
own, for what wrk cannot express: operations of dependent requests (nominate, then accept the
nomination the answer names) and uploads. httpx on asyncio, N concurrent clients over keep-alive
connections. It is slower than wrk and shares the 2 cores with the server, so it is compared
with a ceiling measured by this same generator, in the same shape (two requests per operation)."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from bench.http.stats import summarise

Operation = Callable[[httpx.AsyncClient, int], Awaitable[bool | None]]  # True ok, False error, None: nothing left


def ceiling_pair(spec: dict) -> Operation:
    async def op(client: httpx.AsyncClient, _: int) -> bool:
        first = await client.get(spec["url"])
        second = await client.get(spec["url"])
        return first.is_success and second.is_success

    return op


def nominate_accept(spec: dict) -> Operation:
    """The focal point nominates the next fresh officer; an administrator accepts the nomination."""
    officers = spec["officer_ids"]
    focal, admin = (
        {"Authorization": f"Bearer {spec['focal_token']}"},
        {"Authorization": f"Bearer {spec['admin_token']}"},
    )

    async def op(client: httpx.AsyncClient, n: int) -> bool | None:
        if n >= len(officers):
            return None
        nominated = await client.post(
            f"{spec['base']}/api/v1/modules/{spec['module_id']}/nominations",
            json={"officer_id": officers[n]},
            headers=focal,
        )
        if not nominated.is_success:
            _remember(nominated)
            return False
        accepted = await client.post(
            f"{spec['base']}/api/v1/nominations/{nominated.json()['id']}/decision",
            json={"decision": "accept"},
            headers=admin,
        )
        if not accepted.is_success:
            _remember(accepted)
        return accepted.is_success

    return op


def import_plan_apply(spec: dict) -> Operation:
    """Uploads the officers file for a plan (a dry run, keyed by external id from the bench's HR
    source), then applies exactly that plan: its id and plan_hash come from the answer."""
    headers = {"Authorization": f"Bearer {spec['admin_token']}"}
    body = Path(spec["file"]).read_bytes()

    async def op(client: httpx.AsyncClient, _: int) -> bool:
        planned = await client.post(
            f"{spec['base']}/api/v1/officers/imports",
            headers=headers,
            params={"source": spec.get("source", "bench-hr")},
            files={"file": ("officers.csv", body, "text/csv")},
        )
        if not planned.is_success:
            _remember(planned)
            return False
        plan = planned.json()
        applied = await client.post(
            f"{spec['base']}/api/v1/officers/imports/{plan['id']}/apply",
            headers=headers,
            json={"plan_hash": plan["plan_hash"]},
        )
        if not applied.is_success:
            _remember(applied)
        return applied.is_success

    return op


KINDS = {"ceiling_pair": ceiling_pair, "nominate_accept": nominate_accept, "import_plan_apply": import_plan_apply}
FIRST_ERRORS: list[str] = []


def _remember(response: httpx.Response) -> None:
    if len(FIRST_ERRORS) < 3:
        FIRST_ERRORS.append(
            f"{response.request.method} {response.request.url.path} -> {response.status_code}: {response.text[:300]}"
        )


async def _run(
    op: Operation, clients: int, seconds: float, start_at: int, max_ops: int | None, timeout: float
) -> tuple[list[float], int, float, int]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    latencies: list[float] = []
    errors, next_n, ran_out = 0, start_at, False
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors, next_n, ran_out
            while time.perf_counter() < stop and not ran_out:
                if max_ops is not None and len(latencies) + errors >= max_ops:
                    return
                n, next_n = next_n, next_n + 1
                started = time.perf_counter()
                try:
                    ok = await op(client, n)
                except httpx.HTTPError as exc:
                    FIRST_ERRORS.append(repr(exc)) if len(FIRST_ERRORS) < 3 else None
                    ok = False
                if ok is None:
                    ran_out = True
                elif ok:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return latencies, errors, time.perf_counter() - began, next_n


async def main(spec: dict) -> dict:
    op = KINDS[spec["kind"]](spec)
    clients, max_ops, timeout = spec.get("clients", 16), spec.get("max_ops"), spec.get("timeout", 60)
    used = 0
    if spec.get("warmup", 0) > 0:
        _, _, _, used = await _run(op, clients, spec["warmup"], 0, max_ops, timeout)
    FIRST_ERRORS.clear()
    latencies, errors, elapsed, used = await _run(op, clients, spec["seconds"], used, max_ops, timeout)
    note = (
        "ran out of fresh officers before the time was up"
        if spec["kind"] == "nominate_accept" and used > len(spec.get("officer_ids", []))
        else ""
    )
    result = summarise("python-httpx", latencies, elapsed, errors, note).as_dict()
    result["first_errors"] = FIRST_ERRORS[:3]
    return result


if __name__ == "__main__":
    spec = json.loads(Path(sys.argv[1]).read_text())
    try:  # shipped with uvicorn[standard]: a lighter event loop leaves more CPU to the server
        from uvloop import new_event_loop as loop_factory
    except ImportError:
        loop_factory = None
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        Path(sys.argv[2]).write_text(json.dumps(runner.run(main(spec))))
