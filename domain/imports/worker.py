"""python -m domain.imports.worker FORMAT LIMITS: parses the import file read from stdin and writes
the outcome to stdout as JSON, in a process of its own (domain/imports/reading.py starts it).

The process bounds itself before it reads a byte: its address space (a MemoryError becomes a
refusal naming the limit), its CPU time (a backstop to the server's clock, should the server go
away), and its priority (a parse never outbids the server's requests for a core).

The outcome is {"rows": [[line, keys, values], ...], "keys": [[column, ...], ...]}, each row's
columns given once per distinct set, or {"refused": "invalid" | "too-large", "message": ...,
"limit": ...}. JSON rather than pickle: the server never unpickles what a parser of hostile
files wrote."""

from __future__ import annotations

import contextlib
import json
import math
import os
import resource
import sys
import warnings
from typing import Any

from domain.imports.limits import FileTooLarge, ImportFileError, ParseLimits
from domain.imports.parsing import RawRow, parse

NICENESS = 10


def bound(limits: ParseLimits) -> None:
    cpu = max(1, math.ceil(limits.seconds))  # import_parse_seconds of CPU: SIGXCPU, then the hard limit kills
    # Linux keeps both; a system that refuses one (macOS an address-space limit) keeps the deadline.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    os.nice(NICENESS)


def encode(rows: list[RawRow]) -> dict[str, Any]:
    keysets: dict[tuple[str, ...], int] = {}
    encoded = []
    for row in rows:
        keys = tuple(row.cells)
        encoded.append([row.line, keysets.setdefault(keys, len(keysets)), list(row.cells.values())])
    return {"rows": encoded, "keys": [list(keys) for keys in keysets]}


def decode(outcome: dict[str, Any]) -> list[RawRow]:
    keysets = outcome["keys"]
    return [RawRow(line, dict(zip(keysets[keys], values))) for line, keys, values in outcome["rows"]]


def memory_refusal(limits: ParseLimits) -> dict[str, Any]:
    message = f"Reading the file needs more than {limits.memory_bytes} bytes of memory; split it."
    return {"refused": "too-large", "message": message, "limit": ParseLimits.SETTINGS["memory_bytes"]}


def outcome(content: bytes, file_format: str, limits: ParseLimits) -> bytes:
    try:
        result = encode(parse(content, file_format, limits))
    except FileTooLarge as exc:
        result = {"refused": "too-large", "message": str(exc), "limit": exc.limit}
    except ImportFileError as exc:
        result = {"refused": "invalid", "message": str(exc)}
    except MemoryError:
        result = memory_refusal(limits)
    try:  # a JSON row's text may hold a lone surrogate: passed on as json.loads reads it back
        return json.dumps(result, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except MemoryError:
        del result
        return json.dumps(memory_refusal(limits)).encode()


def main() -> None:
    file_format, given = sys.argv[1], json.loads(sys.argv[2])
    limits = ParseLimits(**given)
    bound(limits)
    warnings.simplefilter("ignore")  # openpyxl's remarks on styles and extensions are no concern of ours
    content = sys.stdin.buffer.read()
    answer = outcome(content, file_format, limits)
    del content
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
