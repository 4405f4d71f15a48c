"""The results as a terminal table and as docs/benchmarks.md's Markdown table."""

from __future__ import annotations

COLUMNS = [
    "route",
    "as",
    "database",
    "workers",
    "tool",
    "req/s",
    "p50 ms",
    "p99 ms",
    "ceiling req/s",
    "x ceiling",
    "errors",
]


def _num(v, spec: str) -> str:
    return "-" if v is None else format(v, spec)


def cells(run: dict, row: dict) -> list[str]:
    if not row["available"]:
        return [row["route"], row["as"], run["database"], str(run["workers"]), "-", "not available", "", "", "", "", ""]
    if row["rps"] is None:
        return [
            row["route"],
            row["as"],
            run["database"],
            str(run["workers"]),
            row["tool"] or "-",
            "FAILED",
            "",
            "",
            "",
            "",
            "",
        ]
    errors = f"{row['errors']:,}" + (" (flagged)" if row["flagged"] else "")
    return [
        row["route"],
        row["as"],
        run["database"],
        str(run["workers"]),
        row["tool"],
        _num(row["rps"], ",.0f" if row["rps"] >= 10 else ".2f"),
        _num(row["p50_ms"], ".1f"),
        _num(row["p99_ms"], ".1f"),
        _num(row["ceiling_rps"], ",.0f"),
        _num(row["ratio_to_ceiling"], ".3f"),
        errors,
    ]


def text(runs: list[dict]) -> str:
    body = [cells(run, row) for run in runs for row in run["rows"]]
    widths = [max(len(c), *(len(r[i]) for r in body)) if body else len(c) for i, c in enumerate(COLUMNS)]
    right = {
        i for i, c in enumerate(COLUMNS) if c in ("req/s", "p50 ms", "p99 ms", "ceiling req/s", "x ceiling", "errors")
    }
    fmt = lambda r: "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    lines = [fmt(COLUMNS)] + [fmt(r) for r in body]
    lines += [
        f"peak RSS, {run['database']}, {run['workers']} worker(s): {run['peak_rss_mib']:,.0f} MiB"
        f" (load average afterwards: {', '.join(map(str, run.get('load_average_after', [])))})"
        for run in runs
    ]
    return "\n".join(lines)


def markdown(runs: list[dict]) -> str:
    head = (
        "| "
        + " | ".join(COLUMNS)
        + " |\n|"
        + "|".join("---:" if i >= 5 else "---" for i in range(len(COLUMNS)))
        + "|\n"
    )
    rows = "".join(
        "| " + " | ".join(c.replace("|", "\\|") for c in cells(run, row)) + " |\n"
        for run in runs
        for row in run["rows"]
    )
    peaks = "".join(
        f"| server peak RSS | | {run['database']} | {run['workers']} | /proc VmHWM | {run['peak_rss_mib']:,.0f} MiB"
        " | | | | | |\n"
        for run in runs
    )
    return head + rows + peaks
