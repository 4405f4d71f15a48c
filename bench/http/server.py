"""The API under test: uvicorn on a free loopback port, N worker processes, the ceiling route on.

The command is the production one from docs/operations.md (`python -m api.serve --workers N`, uvicorn
underneath), whose access logs are off, so that the figures measure the app, not the log writer."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.http.stats import parent_pid, vm_hwm_kib

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def command(port: int, workers: int) -> list[str]:
    # The production command (docs/operations.md, "Serving with N workers"); it keeps access logs off.
    return [sys.executable, "-m", "api.serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]


def _descendants(root: int) -> list[int]:
    """root and every process below it (uvicorn's supervisor spawns its workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                children.setdefault(parent_pid((entry / "stat").read_text()), []).append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue  # the process ended while we looked
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def peak_rss_mib(root: int) -> float:
    """The sum of the peak RSS (VmHWM) of the server and its workers: an upper bound of the peak of
    the sum, exact with one worker (uvicorn then runs in a single process)."""
    total = 0
    for pid in _descendants(root):
        try:
            total += vm_hwm_kib(Path(f"/proc/{pid}/status").read_text())
        except OSError:
            continue
    return total / 1024


class Server:
    def __init__(self, proc: subprocess.Popen, base: str, workers: int):
        self.proc, self.base, self.workers = proc, base, workers

    def peak_rss_mib(self) -> float:
        return peak_rss_mib(self.proc.pid)


@contextmanager
def serve(env: dict[str, str], workers: int, log: Path, timeout: float = 60) -> Iterator[Server]:
    """Starts the server, waits until every worker answers /healthz, and stops it (the whole
    process group) on the way out, whatever happened."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(log, "ab") as err:
        proc = subprocess.Popen(
            command(port, workers),
            cwd=ROOT,
            env={**os.environ, **env, "BENCH_CEILING": "true"},
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200 and _workers_up(proc.pid, workers):
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start; see {log}:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        time.sleep(1 if workers > 1 else 0)  # the last worker's listening socket may lag its process
        yield Server(proc, base, workers)
    finally:
        _stop(proc)


def _workers_up(pid: int, workers: int) -> bool:
    # With --workers 1 uvicorn serves in its own process; above, a supervisor plus one process each
    # (multiprocessing may add a helper, hence >=).
    return workers == 1 or len(_descendants(pid)) >= workers + 1


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    try:  # workers left behind by a supervisor that died first
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
