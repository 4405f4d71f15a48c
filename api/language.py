"""Problem titles in the reader's language (RFC 9457 §3.1.3: a title may change only for
localisation; clients act on `type`, which never changes).

One outermost middleware rewrites the `title` of every problem+json answer, whoever produced it
(error handlers, the body limit, Idempotency-Key, the unit of work), in the request's language:
the signed-in person's saved preference, else Accept-Language, else English; and answers with
Content-Language and Vary: Accept-Language. Details that domain errors carry as translatable text
are rendered by the error handler (api/errors.py) in the same language."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_MEDIA_TYPE
from domain import i18n
from domain.i18n import N_

# Titles made outside domain/errors.py and api/errors.py's keyword arguments, so that the
# catalogue holds them (pybabel extract reads these markers): HTTP reason phrases the API answers,
# and the titles of api/idempotency.py's answers.
HTTP_TITLES = (
    N_("Bad Request"),
    N_("Unauthorized"),
    N_("Forbidden"),
    N_("Not Found"),
    N_("Method Not Allowed"),
    N_("Not Acceptable"),
    N_("Conflict"),
    N_("Gone"),
    N_("Content Too Large"),
    N_("Request Entity Too Large"),
    N_("Unsupported Media Type"),
    N_("Unprocessable Content"),
    N_("Unprocessable Entity"),
    N_("Too Many Requests"),
    N_("Internal Server Error"),
    N_("Service Unavailable"),
    # api/idempotency.py
    N_("Invalid Idempotency-Key"),
    N_("Idempotency-Key reused"),
    N_("Idempotency-Key in use"),
    N_("Answer not kept"),
)


def scope_language(scope: Scope) -> str:
    principal = scope.get("state", {}).get("principal")
    headers = dict(scope.get("headers", []))
    accept = headers.get(b"accept-language", b"").decode("latin-1")
    return i18n.negotiate(getattr(principal, "language", None), accept)


def request_language(request: Request) -> str:
    return scope_language(request.scope)


class ProblemLanguage:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def localizing(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and _is_problem(message):
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            head, body = _localized(start, b"".join(chunks), scope_language(scope))
            await send(head)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, localizing)


def _is_problem(start: Message) -> bool:
    return any(
        name.lower() == b"content-type" and value.decode("latin-1").startswith(PROBLEM_MEDIA_TYPE)
        for name, value in start.get("headers", [])
    )


def _localized(start: Message, body: bytes, tag: str) -> tuple[Message, bytes]:
    try:
        problem: Any = json.loads(body)
    except ValueError:
        return start, body
    if isinstance(problem, dict) and isinstance(problem.get("title"), str):
        problem["title"] = i18n.gettext(tag, problem["title"])
        body = json.dumps(problem, ensure_ascii=False, separators=(",", ":")).encode()
    kept = [
        (k, v)
        for k, v in start.get("headers", [])
        if k.lower() not in (b"content-length", b"content-language", b"vary")
    ]
    vary = [v for k, v in start.get("headers", []) if k.lower() == b"vary"]
    if b"accept-language" not in b",".join(vary).lower():
        vary.append(b"Accept-Language")
    kept += [
        (b"content-length", str(len(body)).encode()),
        (b"content-language", tag.encode()),
        (b"vary", b", ".join(vary)),
    ]
    return {**start, "headers": kept}, body
