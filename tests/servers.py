"""A real uvicorn server on a free loopback port, in a thread, for the tests that need real
connections and real concurrency (on a scratch database of their own, committed data)."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from domain.auth.principal import Role
from domain.auth.service import user_token
from domain.db import sync_url
from domain.models.auth import User

# One TLS context for every client the tests open: httpx builds a new one per client otherwise
# (loading the CA bundle, ~30 ms of CPU each), though these clients speak plain HTTP on loopback.
TLS = httpx.create_ssl_context()


def http_client(base_url: str = "", **options: object) -> httpx.Client:
    """A real HTTP client for a test server (see TLS)."""
    return httpx.Client(base_url=base_url, verify=TLS, **options)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: FastAPI, **config: object) -> Iterator[str]:
    """Serve `app` until the block ends; yields its base URL. Stops within a bounded time."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **config))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def account(url: str, app: FastAPI, role: Role, **binding: object) -> tuple[uuid.UUID, dict[str, str]]:
    """A committed account of `role` (bound as given) and the Authorization header of a token for it."""
    engine = create_engine(sync_url(url))
    with Session(engine, expire_on_commit=False) as s:
        user = User(
            username=f"{role.value}-{uuid.uuid4().hex[:8]}", password_hash="!", role=role, disabled=False, **binding
        )
        user.programmes = []
        s.add(user)
        s.commit()
    engine.dispose()
    token, _ = user_token(app.state.keyring, user)
    return user.id, {"Authorization": f"Bearer {token}"}
