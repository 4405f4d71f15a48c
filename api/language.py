"""Problem titles in the reader's language (RFC 9457 §3.1.3: a title may change only for
localisation; clients act on `type`, which never changes).

One outermost middleware rewrites the `title` of every problem+json answer, whoever produced it
(error handlers, the body limit, Idempotency-Key, the unit of work), in the request's language:
the signed-in person's saved preference, else Accept-Language, else English; and answers with
Content-Language and Vary: Accept-Language. Details that domain errors carry as translatable text
are rendered by the error handler (api/errors.py) in the same language; the details api/ writes
itself (API_DETAILS) are rendered here."""

from __future__ import annotations

import json
import re
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

# Details that api/ writes into problems itself (its error handlers, the body limit, Idempotency-Key,
# the unit of work), as English text: this middleware knows them by their msgid, reads the
# parameters back out of the English ("{limit}" of "larger than 1048576 bytes") and renders the
# reader's language. Domain errors' details arrive rendered already (api/errors.py).
API_DETAILS = (
    # api/errors.py
    N_("Check these fields: {names}."),
    N_("Nothing at {path}: check the path (the ids in paths are UUIDs)."),
    N_("A value was refused by the database: check text for control characters and numbers for range."),
    N_("Someone else changed this record at the same time; read it again."),
    N_("An unexpected error occurred; it has been logged."),
    # api/problems.py
    N_("The database is unavailable; nothing was changed. Retry after the time in Retry-After."),
    N_("The change collides with an existing record."),
    # api/middleware.py
    N_("The request body is larger than {limit} bytes."),
    # api/idempotency.py
    N_("The Idempotency-Key header is not valid: {reason}."),
    N_(
        "This request held its Idempotency-Key past its lease and a retry took the key over; nothing of this "
        "request was stored. Retry to get the answer of the one that ran."
    ),
    N_(
        "This Idempotency-Key was already used for another request (another method, path, query or body). "
        "Send a new key for a new request."
    ),
    N_(
        "A request with this Idempotency-Key is still being processed. Retry after Retry-After seconds to get its "
        "answer."
    ),
    N_(
        "The request with this Idempotency-Key succeeded ({status}), but its answer carried a secret that is shown "
        "once and was not kept. What it created is at Location, where the answer named it."
    ),
)


def _pattern(msgid: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", msgid)  # literal, name, literal, name, ..., literal
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)), re.DOTALL)


_DETAILS = [(_pattern(msgid), msgid) for msgid in API_DETAILS]


def detail_in(tag: str, detail: str) -> str:
    """An API-made English detail in the reader's language; any other detail as it is."""
    if tag == i18n.DEFAULT:
        return detail
    for pattern, msgid in _DETAILS:
        found = pattern.fullmatch(detail)
        if found:
            return i18n.gettext(tag, msgid).format(**found.groupdict())
    return detail


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
        if isinstance(problem.get("detail"), str):
            problem["detail"] = detail_in(tag, problem["detail"])
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
