"""Load from wrk (C, one thread, so that it takes as little of the 2 cores as it can), with a Lua
script for the method, headers and body, or for bodies that change from request to request."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from bench.http.stats import Measurement, parse_wrk


def _lua(value: str) -> str:
    # A JSON string literal is a Lua one as long as no \u escape is left in it (LuaJIT lacks them).
    return json.dumps(value, ensure_ascii=False)


def static_script(method: str = "GET", headers: dict[str, str] | None = None, body: str | None = None) -> str:
    lines = [f"wrk.method = {_lua(method)}"]
    lines += [f"wrk.headers[{_lua(k)}] = {_lua(v)}" for k, v in (headers or {}).items()]
    if body is not None:
        lines.append(f"wrk.body = {_lua(body)}")
    return "\n".join(lines) + "\n"


def rotating_script(method: str, headers: dict[str, str], requests: list[tuple[str, str]]) -> str:
    """Sends requests[0], requests[1], ... in turn (path, body), round and round. wrk runs one Lua
    state per thread and we use one thread, so the counter is shared by every connection."""
    items = ",\n".join(f"  {{{_lua(path)}, {_lua(body)}}}" for path, body in requests)
    return (
        static_script(method, headers)
        + f"""local items = {{
{items}
}}
local n = 0
request = function()
  n = n + 1
  local item = items[(n - 1) % #items + 1]
  return wrk.format(nil, item[1], nil, item[2])
end
"""
    )


def run(url: str, script: str, *, connections: int, seconds: float) -> Measurement:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
        path = Path(f.name)
    try:
        args = [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            str(path),
            url,
        ]
        done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60)
        if done.returncode != 0:
            raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-1000:]}")
        return parse_wrk(done.stdout)
    finally:
        path.unlink(missing_ok=True)
