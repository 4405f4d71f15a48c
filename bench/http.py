"""The HTTP ceiling (issue 2, item 11): requests/s through uvicorn (one worker, 16 connections,
loopback only) for a bare FastAPI route returning constant JSON, then for the product's hottest
reads on the generated database, each as a ratio to the bare route.

The load comes from `wrk` when it is installed (C, one thread, so that it takes as little of the
machine as possible), else from an httpx AsyncClient. Every server is stopped afterwards."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import create_engine

from domain.registry import metadata

ROOT = Path(__file__).resolve().parents[1]
CONNECTIONS = 16

bare_app = FastAPI()


@bare_app.get("/")
async def constant() -> dict[str, str]:
    return {"status": "ok", "service": "tadrib"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(target: str, env: dict[str, str], factory: bool = False):
    """uvicorn with one worker on a free loopback port, in a subprocess of its own."""
    port = _free_port()
    args = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1", "--log-level", "warning", "--no-access-log"] + (["--factory"] if factory else [])
    proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"uvicorn did not start: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wrk(url: str, headers: dict[str, str], seconds: float) -> float:
    args = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    out = subprocess.run(args + [url], capture_output=True, text=True, timeout=seconds + 30).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"errors under load for {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


async def _httpx(url: str, headers: dict[str, str], seconds: float) -> float:
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=10) as client:
        done, stop = 0, time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < stop:
                r = await client.get(url)
                r.raise_for_status()
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
        return done / (time.perf_counter() - started)


def rate(url: str, headers: dict[str, str], seconds: float) -> float:
    """Requests per second after a one-second warm-up; the response is checked first."""
    r = httpx.get(url, headers=headers, timeout=10)
    if r.status_code != 200:
        raise RuntimeError(f"GET {url} answered {r.status_code}: {r.text[:300]}")
    if shutil.which("wrk"):
        _wrk(url, headers, 1)
        return _wrk(url, headers, seconds)
    asyncio.run(_httpx(url, headers, 1))
    return asyncio.run(_httpx(url, headers, seconds))


def admin_token(sync_url: str, key_dir: Path) -> str:
    """Stores an administrator row and issues a token with the app's own key ring."""
    from api.main import create_app
    from domain.settings import Settings

    now = datetime.now(timezone.utc)
    user_id = uuid.uuid4()
    engine = create_engine(sync_url)
    with engine.begin() as conn:
        conn.execute(metadata.tables["users"].insert(), [{
            "id": user_id, "created_at": now, "updated_at": now, "version": 1, "username": f"bench-{user_id.hex[:8]}",
            "password_hash": "!", "role": "admin", "agency_id": None, "trainer_id": None, "disabled": False}])
    engine.dispose()
    app = create_app(Settings(database_url=sync_url, key_dir=key_dir), check_schema=False)
    token, _ = app.state.keyring.issue_access_token(subject=f"user:{user_id}", claims={"role": "admin"})
    return token


def measure_bare(seconds: float = 5.0) -> float:
    with serve("bench.http:bare_app", {}) as base:
        return rate(base + "/", {}, seconds)


def measure_app(database_url: str, sync_url: str, module_id: uuid.UUID, seconds: float = 5.0) -> dict[str, float]:
    key_dir = Path(tempfile.mkdtemp(prefix="tadrib-bench-keys-"))
    try:
        token = admin_token(sync_url, key_dir)
        env = {"DATABASE_URL": database_url, "KEY_DIR": str(key_dir), "ENV": "development"}
        headers = {"Authorization": f"Bearer {token}"}
        results = {}
        with serve("api.main:create_app", env, factory=True) as base:
            results[f"GET /api/v1/modules/{{id}}"] = rate(f"{base}/api/v1/modules/{module_id}", headers, seconds)
            results["GET /api/v1/officers?limit=50"] = rate(f"{base}/api/v1/officers?limit=50", headers, seconds)
        return results
    finally:
        shutil.rmtree(key_dir, ignore_errors=True)
