"""Pure helpers of the HTTP bench: percentiles, wrk's output, /proc status, ratios.
Kept free of I/O so that tests/unit/test_bench_http_stats.py can check them in milliseconds."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass


@dataclass
class Measurement:
    """One load run against one URL (or one two-request operation)."""

    tool: str
    seconds: float
    requests: int  # operations completed (a nominate-then-accept pair counts once)
    rps: float
    p50_ms: float | None
    p99_ms: float | None
    errors: int = 0  # non-2xx answers plus socket errors and timeouts
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(tool: str, latencies_s: list[float], seconds: float, errors: int, note: str = "") -> Measurement:
    """Rate and latency percentiles from per-operation latencies (seconds) over a run of `seconds`."""
    done = len(latencies_s)
    p50, p99 = percentile(latencies_s, 50), percentile(latencies_s, 99)
    return Measurement(
        tool,
        round(seconds, 3),
        done,
        done / seconds if seconds > 0 else 0.0,
        None if p50 is None else p50 * 1000,
        None if p99 is None else p99 * 1000,
        errors,
        note,
    )


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def parse_wrk(output: str) -> Measurement:
    """wrk 4 output run with --latency: requests/s, the 50% and 99% lines, and every error it counts
    (non-2xx-or-3xx answers, socket connect/read/write errors, timeouts)."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", output)
    if not rps or not total:
        raise ValueError(f"not wrk output:\n{output[-1500:]}")
    pct = {int(p): _ms(v, u) for p, v, u in re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)}
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non2xx:
        errors += int(non2xx.group(1))
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return Measurement(
        "wrk",
        _ms(total.group(2), total.group(3)) / 1000,
        int(total.group(1)),
        float(rps.group(1)),
        pct.get(50),
        pct.get(99),
        errors,
    )


def vm_hwm_kib(status_text: str) -> int:
    """The peak resident set size (VmHWM) from the text of /proc/<pid>/status, in KiB; 0 if absent."""
    found = re.search(r"^VmHWM:\s+(\d+)\s+kB", status_text, re.M)
    return int(found.group(1)) if found else 0


def parent_pid(stat_text: str) -> int:
    """The parent pid from the text of /proc/<pid>/stat (the command may hold spaces and brackets)."""
    return int(stat_text.rsplit(")", 1)[1].split()[1])


def ratio(value: float | None, ceiling: float | None) -> float | None:
    return value / ceiling if value is not None and ceiling else None
