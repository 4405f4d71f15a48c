"""Idempotency-Key on every POST under /api/v1 and /scim/v2 (draft-ietf-httpapi-idempotency-key-header-07).

A pure ASGI middleware outside the unit of work (api/unit_of_work.py), inside the body limit:
1. it claims the key in a short transaction of its own, committed before the request runs, so
   that a concurrent duplicate sees the claim (409) and a repeat of a finished one its answer;
2. the request's own transaction completes the claim with the answer (a before_commit hook), so
   an answer is stored exactly when the work it reports committed;
3. when the work did not commit (an error answer, a failed commit, a crash), the key is released
   before the answer leaves, so a retry runs afresh: nothing took effect to protect.
The policy for clients is in docs/hr-integration.md ("Retries and Idempotency-Key") and in openapi.json.
Nothing is kept in the process: claims live in the database (domain/idempotency)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import problem_types as P
from api.errors import classify
from api.problems import database_unavailable
from api.unit_of_work import BEFORE_COMMIT, Answer
from domain.auth import service as auth_service
from domain.auth.principal import Principal
from domain.db import utcnow
from domain.errors import Unauthenticated
from domain.idempotency import rules, service
from domain.idempotency.rules import Verdict
from domain.idempotency.service import Claim, ClaimResult, KeyTakenOver, StoredAnswer

log = logging.getLogger("tadrib.idempotency")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
PREFIXES = ("/api/v1/", "/scim/v2/")
EXCLUDED = frozenset({"/api/v1/auth/token"})  # a sign-in hands out credentials; it changes nothing to protect


def applies(method: str, path: str) -> bool:
    """POST only: PUT and DELETE are idempotent by nature, PATCH is guarded by If-Match."""
    return method.upper() == "POST" and path.startswith(PREFIXES) and path not in EXCLUDED


class PageKeys(Protocol):
    """Pages (web/) whose scripts send Idempotency-Key with their POSTs: which paths, and the
    person a request's cookie session names (None: nobody signed in; the page answers that)."""

    def applies(self, path: str) -> bool: ...

    async def principal(self, session: AsyncSession, state: Any, scope: Scope) -> Principal | None: ...


Resolve = Callable[[AsyncSession], Awaitable[Principal | None]]


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp, pages: PageKeys | None = None) -> None:
        self.app = app
        self.pages = pages

    def _principal(self, scope: Scope) -> Resolve | None:
        """How to find who sends the request (the key's scope); None when the policy does not apply."""
        if applies(scope["method"], scope["path"]):
            token = _bearer(scope)
            keyring = scope["app"].state.keyring

            async def by_token(session: AsyncSession) -> Principal | None:
                if token is None:  # the app answers 401 itself; nothing is claimed
                    return None
                try:
                    return await auth_service.principal_from_token(session, keyring=keyring, token=token)
                except Unauthenticated:
                    return None

            return by_token
        pages = self.pages
        if pages is None or scope["method"] != "POST" or not pages.applies(scope["path"]):
            return None

        async def by_cookie(session: AsyncSession) -> Principal | None:
            return await pages.principal(session, scope["app"].state, scope)

        return by_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        resolve = self._principal(scope) if scope["type"] == "http" else None
        raw = _header(scope, b"idempotency-key") if resolve is not None else None
        if raw is None or resolve is None:
            await self.app(scope, receive, send)
            return
        try:
            key = rules.parse_key(raw)
        except rules.InvalidKey as exc:
            await _send(
                send,
                _problem(
                    400,
                    P.IDEMPOTENCY_KEY_INVALID.code,
                    "Invalid Idempotency-Key",
                    f"The {HEADER} header is not valid: {exc}.",
                ),
            )
            return
        messages, failure = await _read_body(receive)
        replaying = _replaying(messages, receive, failure)
        if failure is not None or messages[-1]["type"] != "http.request":  # too large, or the client left
            await self.app(scope, replaying, send)
            return
        fingerprint = rules.fingerprint(
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b""),
            content_type=_header(scope, b"content-type") or "",
            body=b"".join(m.get("body", b"") for m in messages),
        )
        # The replay alone holds the body now, each part until the app has read it: an upload is
        # not kept twice (32 MiB of an import) while the app holds its own copy.
        del messages
        try:
            result = await _claim(scope["app"].state, resolve=resolve, key=key, fingerprint=fingerprint)
        except Exception as exc:
            await _send(send, _failure(exc))
            return
        if result is None:  # no live account behind the token (or cookie): the app answers 401 itself
            await self.app(scope, replaying, send)
        elif result.claim is not None:
            await self._run(scope, replaying, send, result.claim)
        else:
            await _send(send, _refusal(result))

    async def _run(self, scope: Scope, receive: Receive, send: Send, claim: Claim) -> None:
        state = scope["app"].state
        lifetime = timedelta(hours=state.settings.idempotency_key_hours)

        async def record(session: AsyncSession, answer: Answer) -> None:
            withheld = rules.withholds_body(answer.headers)
            await service.record_answer(
                session,
                claim=claim,
                status=answer.status,
                headers=rules.kept_headers(answer.headers),
                body=None if withheld else answer.body,
                now=utcnow(),
                lifetime=lifetime,
            )

        scope.setdefault("state", {}).setdefault(BEFORE_COMMIT, []).append(record)
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        try:
            await self.app(scope, receive, hold)
        except KeyTakenOver:
            log.warning("Idempotency-Key claim %s was taken over; this request's work was rolled back", claim.id)
            await _send(
                send,
                _in_use(
                    "This request held its Idempotency-Key past its lease and a retry took the key over; "
                    "nothing of this request was stored. Retry to get the answer of the one that ran."
                ),
            )
            return
        except BaseException:
            await _release(state, claim)
            raise
        uow = scope["state"].get("uow")
        if uow is None or not uow.committed:
            await _release(state, claim)  # before the answer leaves, so that a retry finds the key free
        for message in held:
            await send(message)


async def _claim(state: Any, *, resolve: Resolve, key: str, fingerprint: str) -> ClaimResult | None:
    settings = state.settings
    async with state.sessions() as session:
        principal = await resolve(session)
        if principal is None:
            return None
        result = await service.claim_key(
            session,
            principal=f"{principal.kind}:{principal.id}",
            key=key,
            fingerprint=fingerprint,
            now=utcnow(),
            lease=timedelta(seconds=settings.idempotency_lease_seconds),
            lifetime=timedelta(hours=settings.idempotency_key_hours),
        )
        await session.commit()
    return result


async def _release(state: Any, claim: Claim) -> None:
    try:
        async with state.sessions() as session:
            await service.release_key(session, claim=claim)
            await session.commit()
    except Exception:  # the lease runs out instead; the key is free again then
        log.exception("could not release Idempotency-Key claim %s", claim.id)


def _refusal(result: ClaimResult) -> Answer:
    if result.verdict is Verdict.replay:
        assert result.answer is not None
        return _replay(result.answer)
    if result.verdict is Verdict.reused:
        return _problem(
            422,
            P.IDEMPOTENCY_KEY_REUSED.code,
            "Idempotency-Key reused",
            f"This {HEADER} was already used for another request (another method, path, query or body). "
            "Send a new key for a new request.",
        )
    return _in_use(
        f"A request with this {HEADER} is still being processed. Retry after Retry-After seconds to get its answer."
    )


def _replay(answer: StoredAnswer) -> Answer:
    if answer.body is None:  # it carried a secret shown once (Cache-Control: no-store)
        location = next(({"Location": v} for n, v in answer.headers if n == "location"), {})
        return _problem(
            409,
            P.IDEMPOTENCY_KEY_ANSWER_NOT_KEPT.code,
            "Answer not kept",
            f"The request with this {HEADER} succeeded ({answer.status}), but its answer carried a secret that is "
            "shown once and was not kept. What it created is at Location, where the answer named it.",
            headers=location,
            first_status=answer.status,
        )
    headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in answer.headers]
    headers += [(b"content-length", str(len(answer.body)).encode()), (REPLAYED_HEADER.lower().encode(), b"true")]
    return Answer({"type": "http.response.start", "status": answer.status, "headers": headers}, answer.body)


def _in_use(detail: str) -> Answer:
    return _problem(
        409,
        P.IDEMPOTENCY_KEY_IN_USE.code,
        "Idempotency-Key in use",
        detail,
        headers={"Retry-After": str(rules.IN_USE_RETRY_AFTER_S)},
    )


def _problem(
    status: int, code: str, title: str, detail: str, headers: dict[str, str] | None = None, **members: Any
) -> Answer:
    return Answer.problem(
        status, {**members, "type": f"/problems/{code}", "title": title, "status": status, "detail": detail}, headers
    )


def _failure(exc: Exception) -> Answer:
    if classify(exc) == "unavailable":
        body, headers = database_unavailable()
        return Answer.problem(503, body, headers)
    log.exception("Idempotency-Key claim failed", exc_info=exc)
    return _problem(
        500, P.INTERNAL_ERROR.code, "Internal Server Error", "An unexpected error occurred; it has been logged."
    )


async def _send(send: Send, answer: Answer) -> None:
    await send(answer.start)
    await send({"type": "http.response.body", "body": answer.body})


def _header(scope: Scope, name: bytes) -> str | None:
    values = [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == name]
    return ", ".join(values) if values else None  # several lines make a list: not a key


def _bearer(scope: Scope) -> str | None:
    scheme, _, token = (_header(scope, b"authorization") or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


async def _read_body(receive: Receive) -> tuple[list[Message], HTTPException | None]:
    """The request's messages up to the end of its body (or the client's leaving). The body limit
    outside raises 413 past its size: that failure is handed on for the app to answer."""
    messages: list[Message] = []
    while True:
        try:
            message = await receive()
        except HTTPException as exc:
            return messages, exc
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages, None


def _replaying(messages: list[Message], receive: Receive, failure: HTTPException | None) -> Receive:
    """A receive that gives the app the messages already read, then what follows."""
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        if failure is not None:
            raise failure
        return await receive()

    return replay
