"""What the figures were measured on: the machine, the versions, how busy it was."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from importlib.metadata import version
from pathlib import Path


def _first(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _git_commit() -> str | None:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=Path(__file__).parent
    )
    return done.stdout.strip() or None


def describe(pg_version: str | None) -> dict:
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return {
        "cores": os.cpu_count(),
        "cpu": _first("/proc/cpuinfo", "model name"),
        "memory": _first("/proc/meminfo", "MemTotal"),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg_version,
        "uvicorn": version("uvicorn"),
        "fastapi": version("fastapi"),
        "sqlalchemy": version("sqlalchemy"),
        "wrk": (wrk.stdout + wrk.stderr).split("[", 1)[0].strip() or None,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "code": _git_commit(),
    }
