"""The walkthroughs of README.md and docs/: the ```sh walkthrough blocks, run as a reader would.

A page's walkthrough blocks run in order in one bash process (what one block sets, the next one
uses), against a served API: the address `http://127.0.0.1:8000` is replaced by the server's.
Each command (a line, with its continuation lines: a trailing backslash, an open quote) must
succeed (exit status 0; the pages use `curl -sf` or `--fail-with-body`, so that an HTTP error is a
failure), unless the comment line right above it says `# refused: NNN ...`: then it must fail,
and what it printed must be a problem document of that status (or, for a page, shown with
`curl -i`, a response of that status). bash runs with `set -u` and
`pipefail`: a variable never set, or a failure inside a pipeline, counts as the command failing.

`python -m tests.walkthroughs http://127.0.0.1:8000 README.md docs/attendance.md` runs pages
against a server of one's own (the demo data as seeded) and reports as the test does."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_URL = "http://127.0.0.1:8000"
FENCE = re.compile(r"^```sh walkthrough\s*$")
REFUSED = re.compile(r"^#\s*refused:\s*(\d{3})\b")


@dataclass
class Command:
    page: str
    line: int  # 1-based, in the page
    text: str
    refused: int | None  # the status the text says it is refused with, or None: it succeeds


def pages() -> list[Path]:
    """README.md, then every page of docs/ that has a walkthrough, in name order."""
    found = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return [p for p in found if any(FENCE.match(line) for line in p.read_text().splitlines())]


def _complete(text: str) -> bool:
    """Whether bash would read `text` as a whole command (no trailing backslash, no open quote)."""
    if text.endswith("\\"):
        return False
    try:
        shlex.split(text, comments=True)
    except ValueError:  # an open quote: the command goes on on the next line
        return False
    return True


def commands(page: Path) -> list[Command]:
    lines = page.read_text().splitlines()
    found: list[Command] = []
    inside = False
    pending: list[str] = []
    start = 0
    refused: int | None = None
    for number, line in enumerate(lines, start=1):
        if not inside:
            inside = bool(FENCE.match(line))
            continue
        if not pending and line.startswith("```"):
            inside = False
            refused = None
            continue
        if not pending:
            stripped = line.strip()
            if not stripped:
                refused = None
                continue
            if stripped.startswith("#"):
                match = REFUSED.match(stripped)
                refused = int(match.group(1)) if match else refused
                continue
            start = number
        pending.append(line)
        text = "\n".join(pending)
        if _complete(text):
            found.append(Command(page.relative_to(ROOT).as_posix(), start, text, refused))
            pending, refused = [], None
    assert not pending, f"{page}: an unfinished command at line {start}"
    return found


@dataclass
class Outcome:
    command: Command
    status: int | None  # the exit status, None: never reached (an earlier command ended bash)
    output: str

    def problem(self) -> str | None:
        """Why this outcome is not what the page says, or None."""
        c = self.command
        where = f"{c.page}:{c.line}: {c.text.splitlines()[0][:100]}"
        if self.status is None:
            return f"{where}\n  never ran: bash stopped before it (a variable never set?)"
        if c.refused is None:
            if self.status != 0:
                return f"{where}\n  failed with exit status {self.status}:\n{self.output[-1500:]}"
            return None
        if self.status == 0:
            return f"{where}\n  succeeded, but the page says it is refused with {c.refused}:\n{self.output[-800:]}"
        if not _is_problem(self.output, c.refused):
            return f"{where}\n  should print a problem document of status {c.refused}:\n{self.output[-800:]}"
        return None


def _is_problem(output: str, status: int) -> bool:
    """A problem document of `status`, or (a page: curl -i) a response whose status line is `status`."""
    if re.match(rf"HTTP/[\d.]+ {status}\b", output):
        return True
    start = output.find("{")
    if start < 0:
        return False
    try:
        body, _ = json.JSONDecoder().raw_decode(output[start:])
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("status") == status and "type" in body


def run_page(page: Path, base_url: str, *, timeout: float = 120) -> list[Outcome]:
    """Run a page's walkthrough commands in one bash, in a scratch directory; one outcome each."""
    found = commands(page)
    with tempfile.TemporaryDirectory(prefix="tadrib-walk-") as tmp:
        work = Path(tmp)
        script = ["set -uo pipefail"]
        for i, c in enumerate(found):
            text = c.text.replace(DEMO_URL, base_url)
            script += ["{", text, f'}} >"{work}/{i}.out" 2>&1 </dev/null', f'echo "{i} $?" >>"{work}/status"']
        (work / "walk.sh").write_text("\n".join(script) + "\n")
        subprocess.run(["bash", str(work / "walk.sh")], cwd=work, timeout=timeout, check=False, capture_output=True)
        statuses = {}
        if (work / "status").exists():
            for row in (work / "status").read_text().split("\n"):
                if row:
                    i, rc = row.split()
                    statuses[int(i)] = int(rc)
        return [
            Outcome(
                c,
                statuses.get(i),
                (work / f"{i}.out").read_text(errors="replace") if (work / f"{i}.out").exists() else "",
            )
            for i, c in enumerate(found)
        ]


def main(argv: list[str]) -> int:
    base_url, *names = argv
    failures = 0
    for page in [ROOT / n for n in names] or pages():
        outcomes = run_page(page, base_url.rstrip("/"))
        problems = [p for o in outcomes if (p := o.problem())]
        failures += len(problems)
        print(f"{page.relative_to(ROOT)}: {len(outcomes)} commands, {len(problems)} not as the page says")
        for p in problems:
            print(p)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
