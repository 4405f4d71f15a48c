"""One transaction per request, committed before the answer leaves.

The middleware gives each HTTP request a lazy unit of work (request.state.uow). The route's
services use its session and only flush; when the app has produced its answer, the unit of work
commits (a 2xx or 3xx answer, or an error that must keep what it wrote, such as a counted failed
sign-in) or rolls back (any other error), and only then is the answer sent. So a client never
sees a 2xx for a write that is not stored, and a commit that fails becomes the answer (503 when
the database is unavailable, 409 when it refuses the change), never a silent loss.

Hooks registered with `before_commit` run in the transaction with the answer in hand: the
Idempotency-Key store keeps the first answer atomically with the work it reports. A middleware
outside this one cannot reach the unit of work in time, so it leaves its hooks in the scope's
state under BEFORE_COMMIT, and reads `committed` afterwards."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import classify
from api.problems import database_unavailable, problem_body, unique_conflict
from domain.db import AFTER_READS, Base

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BEFORE_COMMIT = "before_commit"  # scope["state"] key: hooks of outer middleware for the request's unit of work


class SessionFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> AsyncSession: ...


class Answer:
    """The app's answer as captured: status, headers and the whole body."""

    def __init__(self, start: Message, body: bytes):
        self.start = start
        self.body = body

    @property
    def status(self) -> int:
        return int(self.start["status"])

    @property
    def headers(self) -> list[tuple[bytes, bytes]]:
        return list(self.start.get("headers", []))

    @classmethod
    def problem(cls, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Answer:
        raw, media = problem_body(body)
        head = [(b"content-type", media.encode()), (b"content-length", str(len(raw)).encode())]
        head += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        return cls({"type": "http.response.start", "status": status, "headers": head}, raw)


Hook = Callable[[AsyncSession, Answer], Awaitable[None]]


class UnitOfWork:
    def __init__(self, sessions: SessionFactory, *, read_only: bool):
        self._sessions = sessions
        self.read_only = read_only
        self._session: AsyncSession | None = None
        self.keep_changes = False
        self.before_commit: list[Hook] = []
        self.committed = False  # True once the request's writes (and the hooks' writes) are stored

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            self._session = self._sessions(read_only=self.read_only)
        return self._session

    async def finish(self, answer: Answer) -> None:
        session = self._session
        if session is None and not self.before_commit:
            return
        session = self.session
        try:
            if answer.status >= 400 and not self.keep_changes:
                await session.rollback()
                return
            later: list[Base] = session.info.pop(AFTER_READS, [])
            if self.read_only:
                await session.commit()  # ends the read; nothing of it is written
                if later or self.before_commit:
                    await self._write_apart(later, answer)
                self.committed = True
                return
            session.add_all(later)
            for hook in self.before_commit:
                await hook(session, answer)
            await session.commit()
            self.committed = True
        finally:
            await session.close()

    async def _write_apart(self, objects: list[Base], answer: Answer) -> None:
        async with self._sessions(read_only=False) as writer:
            writer.add_all(objects)
            for hook in self.before_commit:
                await hook(writer, answer)
            await writer.commit()

    async def abort(self) -> None:
        if self._session is not None:
            try:
                await self._session.rollback()
            finally:
                await self._session.close()


class TransactionMiddleware:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        uow = UnitOfWork(scope["app"].state.sessions, read_only=scope["method"] in READ_METHODS)
        state = scope.setdefault("state", {})
        uow.before_commit.extend(state.pop(BEFORE_COMMIT, ()))
        state["uow"] = uow
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            else:
                await send(message)

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await uow.abort()
            raise
        assert start is not None, "the app answered nothing"
        answer = Answer(start, b"".join(chunks))
        try:
            await uow.finish(answer)
        except Exception as exc:  # the commit itself failed: that is the answer now
            answer = _commit_failure(exc)
        await send(answer.start)
        await send({"type": "http.response.body", "body": answer.body})


def _commit_failure(exc: Exception) -> Answer:
    kind = classify(exc)
    if kind == "unavailable":
        body, headers = database_unavailable()
        return Answer.problem(503, body, headers)
    if kind == "conflict":
        return Answer.problem(409, unique_conflict())
    raise exc
