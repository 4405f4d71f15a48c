"""Refuses oversized request bodies with 413 problem+json, whether announced by Content-Length
or streamed in chunks, before the body is parsed. Uploads of bulk imports (POST .../imports,
up to 20,000 rows) have a larger limit of their own (settings.max_import_bytes)."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import problem_types as P
from api.problems import PROBLEM_MEDIA_TYPE


def is_import_upload(scope: Scope) -> bool:
    return scope.get("method") == "POST" and str(scope.get("path", "")).rstrip("/").endswith("/imports")


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, import_max_bytes: int | None = None):
        self.app = app
        self.default_max_bytes = max_bytes
        self.import_max_bytes = import_max_bytes or max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.import_max_bytes if is_import_upload(scope) else self.default_max_bytes
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # Raised inside the route's body read: the app's handler renders it as a problem.
                    raise HTTPException(413, f"The request body is larger than {limit} bytes.")
            return message

        await self.app(scope, counting_receive, send)

    async def _refuse(self, send: Send, limit: int) -> None:
        body = json.dumps(
            {
                "type": P.CONTENT_TOO_LARGE.uri,
                "title": "Content Too Large",
                "status": 413,
                "detail": f"The request body is larger than {limit} bytes.",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
