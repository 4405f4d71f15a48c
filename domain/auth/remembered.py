"""The principal behind a token, remembered for a moment between requests.

Reading the account on every request (a disabled account, a changed password or role must stop
the next request) was most of the cost of a request that reads little else: a session, a
connection, BEGIN, the statement, COMMIT, about 0.2 ms of CPU on SQLite against 0.05 ms for
everything else of `/me`. Here the principal is kept after it is read, and read again:

- after PRINCIPAL_RECHECK_SECONDS (default 1 s; 0 reads the account on every request, as before),
  and never past the token's own expiry;
- at once, in this process, after any write to an account's rows (users, api_clients,
  user_programmes) through any of this process's connections: every remembered principal is
  forgotten when the write is sent, and again when its connection goes back to the pool, after
  the commit (a principal read while such a write was under way was read at an older epoch, and is
  not kept). A change made through this API (disabling an account, a password, a role, a client's
  secret or scopes) therefore applies to the very next request it serves.

A page's signed-in person (the session behind its cookie, web/visitor.py) is remembered the same
way, also forgotten when any page session is written (ended, purged, its last use recorded), and
never past the session's idle or absolute expiry.

What it leaves: a change written by another process (a second API process on the same PostgreSQL,
`python -m api.manage`) applies there within PRINCIPAL_RECHECK_SECONDS."""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

from domain.auth.principal import Principal

T = TypeVar("T")
ACCOUNT_TABLES = frozenset({"users", "api_clients", "user_programmes"})
# And page sessions: ended (signed out, by a new password, purged) or used (a touch, at most once a
# minute per session: web/visitor.py does not remember a session due for one).
WATCHED_TABLES = ACCOUNT_TABLES | {"web_sessions"}
_CHANGED = "tadrib_accounts_changed"  # a pooled connection's info: it wrote an account's rows
# The table a data-changing statement writes to (SQLite and PostgreSQL as SQLAlchemy renders them,
# and the hand-written SQL of seeds and commands).
_WRITES_TO = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)

# Process-wide: a principal remembered by any app of this process is forgotten when any engine of
# it writes an account. A lost increment between threads still leaves the value changed.
_epoch = 0


def epoch() -> int:
    return _epoch


def accounts_changed() -> None:
    global _epoch
    _epoch += 1


def watch_accounts(engine: Engine) -> None:
    """Forget every remembered principal when this engine writes an account's rows: when the
    statement is sent (the requests that follow in this process, tests' transactions included) and
    when its connection is checked in (after the commit is visible: a principal read in between,
    from the rows before the commit, is then forgotten too)."""
    if event.contains(engine, "after_cursor_execute", _after_statement):
        return
    event.listen(engine, "after_cursor_execute", _after_statement)
    event.listen(engine, "checkin", _on_checkin)


def _after_statement(conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:
    found = _WRITES_TO.match(statement)
    if found is None:
        return
    if found.group(1).lower() in WATCHED_TABLES:
        conn.info[_CHANGED] = True
        accounts_changed()


def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
    if record.info.pop(_CHANGED, False):
        accounts_changed()


class Remembered(Generic[T]):
    """What a credential opens, by the credential: a principal by its access token (the token's
    claims were verified when it was first read: its scope and credentials version are part of
    the key), a page's signed-in person by the hash of its session cookie. Bounded: the oldest
    goes first."""

    def __init__(self, seconds: float, maxsize: int = 4096):
        self.seconds = seconds
        self.maxsize = maxsize
        self._kept: OrderedDict[str, tuple[T, int, float]] = OrderedDict()

    def get(self, token: str) -> T | None:
        kept = self._kept.get(token) if self.seconds > 0 else None
        if kept is None:
            return None
        principal, at_epoch, until = kept
        if at_epoch != _epoch or until <= time.time():
            self._kept.pop(token, None)
            return None
        return principal

    async def get_or_read(
        self, token: str, read: Callable[[], Awaitable[T | None]], until: Callable[[T], float | None]
    ) -> T | None:
        """The one remembered for `token`, else what `read()` finds, kept until `until(found)` (a
        time; None: not kept). The epoch is taken before the read, so that a write under way
        meanwhile leaves what was read forgotten."""
        kept = self.get(token)
        if kept is not None:
            return kept
        read_at = _epoch
        found = await read()
        if found is not None and (expires := until(found)) is not None:
            self.put(token, found, read_at_epoch=read_at, token_expires=expires)
        return found

    def put(self, token: str, principal: T, *, read_at_epoch: int, token_expires: float) -> None:
        """Keep `principal`, read from the account after `read_at_epoch` was taken (so that a write
        under way meanwhile leaves it forgotten), until the recheck or the credential's expiry."""
        if self.seconds <= 0 or read_at_epoch != _epoch:
            return
        self._kept[token] = (principal, read_at_epoch, min(time.time() + self.seconds, token_expires))
        while len(self._kept) > self.maxsize:
            try:
                self._kept.popitem(last=False)
            except KeyError:  # another thread (a test server) emptied it meanwhile
                break

    def __len__(self) -> int:
        return len(self._kept)


RememberedPrincipals = Remembered[Principal]
