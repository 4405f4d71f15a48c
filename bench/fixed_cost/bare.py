"""The bare FastAPI app the ceilings are measured against: one constant JSON route, nothing else.
Served by `python -m bench.fixed_cost.bare --port N` (uvicorn, one worker, access log off, as
api.serve runs Tadrib), so that it is measured in a process of its own."""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI


def bare_app() -> FastAPI:
    app = FastAPI()

    @app.get("/bench/ceiling")
    async def ceiling() -> dict[str, str]:
        return {"status": "ok", "service": "tadrib"}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run("bench.fixed_cost.bare:bare_app", factory=True, host="127.0.0.1", port=args.port, access_log=False)


if __name__ == "__main__":
    main()
