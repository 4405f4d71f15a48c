"""`python -m api.serve`: the API under uvicorn with this product's settings (make run uses it).

Forwarded headers are believed only from the proxies named in TRUSTED_PROXIES: uvicorn's own
default believes any peer on 127.0.0.1, so a local client could rotate X-Forwarded-For and
escape the per-address sign-in limit. Production runs N worker processes the same way
(`python -m api.serve --workers N`), on PostgreSQL."""

from __future__ import annotations

import argparse
import gc
from typing import Any

import uvicorn
from fastapi import FastAPI

from api.main import create_app
from domain.settings import Settings, get_settings


def proxy_config(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for forwarded headers: off unless proxies are named."""
    trusted = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    if not trusted:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": trusted}


def server_app() -> FastAPI:
    """The app as the server runs it, in each worker process. What start-up built (modules, the
    app, its schemas) lives as long as the process: out of the cyclic collector's sight
    (gc.freeze), so that its full collections, which pause requests, walk only what requests make."""
    app = create_app()
    gc.collect()
    gc.freeze()
    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1, help="processes (PostgreSQL; SQLite serves one process best)")
    args = parser.parse_args(argv)
    uvicorn.run(
        "api.serve:server_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,
        **proxy_config(get_settings()),
    )


if __name__ == "__main__":
    main()
