"""An uploaded import file read into rows away from the server's event loop.

Each file is parsed by a fresh interpreter (python -m domain.imports.worker) that bounds its own
memory, CPU time (import_parse_seconds) and priority. The limit is CPU time, not the clock: on a busy
machine a small file waits for a core, and that wait is no fault of the file's; a parse that stalls
is still stopped by a wall-clock backstop (WALL_FACTOR times the limit, plus WALL_SLACK seconds).
A process rather than a thread, by measurement (issue 17; 2 busy cores): a thread can be neither stopped at a deadline
nor kept within a memory budget, and openpyxl builds a row's cells, or all the shared strings,
whole before anything can count them: a 10 MiB XLSX of one 2,000,000-cell row took a server
parsing in a thread from 44 MB to 1.1 GB, where the worker was refused at its 1 GiB and the server
stayed at 45 MB. A thread also holds the interpreter lock for the server: while a 20,000-row XLSX
was parsed, the event loop's median lag was 6.9 ms in a thread (its p99 73 ms) and 0.2 ms with
the worker. The worker costs about 0.1 s to start (the interpreter and openpyxl). No more than
import_parse_concurrency files are parsed at once per server process; the others wait their turn.

Every refusal is a domain error naming what is wrong: InvalidInput (422) when the file cannot be
read as rows, TooLarge (413) when reading it would pass a limit, with the setting named."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
import weakref
from pathlib import Path
from typing import Any

from domain.errors import InvalidInput, TooLarge
from domain.i18n import message_of
from domain.imports.limits import FileTooLarge, ImportFileError, ParseLimits
from domain.imports.parsing import RawRow, detect_format
from domain.imports.worker import decode

WALL_FACTOR, WALL_SLACK = 3, 10.0

log = logging.getLogger("tadrib.imports")
ROOT = Path(__file__).resolve().parents[2]  # where the worker's package is found
CHUNK = 1 << 16
# The worker's answer: the rows' text (at most text_chars characters, 3 bytes each in UTF-8) and
# the JSON around each cell; anything longer is not a worker's answer.
ANSWER_BYTES_PER_CHAR = 3
ANSWER_OVERHEAD_BYTES = 64 << 20

_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def _slot(limits: ParseLimits) -> asyncio.Semaphore:
    """The parses one event loop may run at once (a semaphore belongs to one loop)."""
    loop = asyncio.get_running_loop()
    if loop not in _slots:
        _slots[loop] = asyncio.Semaphore(limits.concurrency)
    return _slots[loop]


async def _feed(stdin: asyncio.StreamWriter, content: bytes) -> None:
    """The upload into the worker chunk by chunk: the pipe's buffer never holds a copy of all of it."""
    view = memoryview(content)
    try:
        for start in range(0, len(view), CHUNK):
            stdin.write(view[start : start + CHUNK])
            await stdin.drain()
        stdin.close()
    except ConnectionError:  # the worker stopped early (a broken pipe): its exit says why
        pass


async def _answer(process: asyncio.subprocess.Process, cap: int) -> bytearray | None:
    """What the worker writes until it ends; None, and the worker killed, past `cap` bytes."""
    assert process.stdout
    answer = bytearray()
    while chunk := await process.stdout.read(CHUNK):
        answer += chunk
        if len(answer) > cap:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            return None
    return answer  # json.loads reads a bytearray as it is: no copy


async def _tail(stream: asyncio.StreamReader, keep: int = 4096) -> bytes:
    """The last `keep` bytes of what the worker complains (a traceback), for the log."""
    tail = b""
    while chunk := await stream.read(CHUNK):
        tail = (tail + chunk)[-keep:]
    return tail


async def _run_worker(content: bytes, file_format: str, limits: ParseLimits) -> tuple[int, bytearray, bytes]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "domain.imports.worker",
        file_format,
        json.dumps(limits.as_json()),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={"PYTHONPATH": str(ROOT)},  # none of the server's settings or secrets
    )
    assert process.stdin and process.stderr
    cap = limits.text_chars * ANSWER_BYTES_PER_CHAR + ANSWER_OVERHEAD_BYTES
    try:
        async with asyncio.timeout(wall_clock_backstop(limits)):
            _, answer, errors = await asyncio.gather(
                _feed(process.stdin, content), _answer(process, cap), _tail(process.stderr)
            )
            if answer is None:
                raise limits.too_large("text_chars", "The rows read from the file hold too much text; split it.")
            return await process.wait(), answer, errors
    except TimeoutError:
        raise limits.too_large(
            "seconds",
            f"Reading the file did not finish within {wall_clock_backstop(limits):g} s; split it or save it as CSV.",
        ) from None
    finally:
        if process.returncode is None:  # past the deadline, or the request went away
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


def wall_clock_backstop(limits: ParseLimits) -> float:
    """How long the server waits for a parse at most, whatever the machine's load."""
    return limits.seconds * WALL_FACTOR + WALL_SLACK


def _outcome(returncode: int, answer: bytearray, errors: bytes, limits: ParseLimits) -> list[RawRow]:
    if returncode == -signal.SIGXCPU:
        raise limits.too_large(
            "seconds", f"Reading the file took more than {limits.seconds:g} s of CPU; split it or save it as CSV."
        )
    if returncode < 0:  # killed: out of memory in C code that could not raise MemoryError
        raise limits.too_large(
            "memory_bytes", f"Reading the file needs more than {limits.memory_bytes} bytes of memory; split it."
        )
    try:
        outcome: Any = json.loads(answer) if returncode == 0 else {}
    except ValueError:
        outcome = {}
    outcome = outcome if isinstance(outcome, dict) else {}
    if "rows" in outcome:
        return decode(outcome)
    if outcome.get("refused") == "too-large":
        raise FileTooLarge(outcome["message"], outcome["limit"])
    if outcome.get("refused") == "invalid":
        raise ImportFileError(outcome["message"])
    # The exception's name only: its message may quote the file, officers' data.
    failure = errors.strip().splitlines()[-1:] or [b"no output"]
    log.error("the import parser failed (exit %s): %s", returncode, failure[0].split(b":")[0].decode(errors="replace"))
    raise ImportFileError("The file cannot be read.")


async def parse_isolated(content: bytes, file_format: str, limits: ParseLimits) -> list[RawRow]:
    async with _slot(limits):
        returncode, answer, errors = await _run_worker(content, file_format, limits)
    # Decoding 20,000 rows takes 0.1 s: in a thread, the loop keeps answering meanwhile.
    return await asyncio.to_thread(_outcome, returncode, answer, errors, limits)


async def read_file(
    content: bytes, filename: str | None, content_type: str | None, limits: ParseLimits | None = None
) -> tuple[str, list[Any]]:
    """The file's format and its rows (RawRow); a 422 or a 413 problem naming what is wrong."""
    file_format = detect_format(filename, content_type, content)
    try:
        return file_format, await parse_isolated(content, file_format, limits or ParseLimits.default())
    except FileTooLarge as exc:
        raise TooLarge(message_of(exc), errors=[{"field": "file", "message": str(exc)}], limit=exc.limit) from None
    except ImportFileError as exc:
        raise InvalidInput(message_of(exc), errors=[{"field": "file", "message": str(exc)}]) from None
