"""A sync scim2-client engine for scim2-tester over the suite's async ASGI client: each request
runs on the test's event loop while the blocking checks run in a thread (asyncio.to_thread)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from scim2_client import BaseSyncSCIMClient


class LoopBridgeSCIMClient(BaseSyncSCIMClient):
    def __init__(self, client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.client, self.loop = client, loop

    def _stays_under_base_url(self, endpoint: str) -> bool:
        base = self.client.base_url
        try:
            url = self.client.build_request("GET", endpoint).url
        except httpx.InvalidURL:
            return False
        same_origin = (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)
        return same_origin and url.raw_path.startswith(base.raw_path)

    def _parse_json(self, response: Any) -> Any:
        return response.json()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return asyncio.run_coroutine_threadsafe(self.client.request(method, url, **kwargs), self.loop).result(
            timeout=60
        )
