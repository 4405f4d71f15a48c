"""`python -m api.serve`: the API under uvicorn with this product's settings (make run uses it).

Forwarded headers are believed only from the proxies named in TRUSTED_PROXIES: uvicorn's own
default believes any peer on 127.0.0.1, so a local client could rotate X-Forwarded-For and
escape the per-address sign-in limit. Production runs N worker processes the same way
(`python -m api.serve --workers N`), on PostgreSQL."""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn

from domain.settings import Settings, get_settings


def proxy_config(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for forwarded headers: off unless proxies are named."""
    trusted = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    if not trusted:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": trusted}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1, help="processes (PostgreSQL; SQLite serves one process best)")
    args = parser.parse_args(argv)
    uvicorn.run("api.main:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                access_log=False, **proxy_config(get_settings()))


if __name__ == "__main__":
    main()
