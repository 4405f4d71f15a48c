"""Watches every statement the app (and the webhook worker) sends in a test: one that reads a table
holding an officer's data must carry a need-to-know condition from domain/access, or say why it
needs none (access.internal). A statement that does neither fails the test that made it send it,
naming the statement and where in the domain it came from.

Which tables: officers, and every table whose foreign keys lead to them (derived from the models'
metadata, so that a new one is watched from the start), with the additions and exceptions named
below. Where the condition counts: in the statement's WHERE, HAVING or a JOIN's ON (or in those of
a subquery there); a condition selected as a column proves nothing, since the rows it fails come
back all the same. A statement that reads such tables only through subqueries in its FROM (a
union, a derived table) is scoped when each of them is.

A statement marked internal() returns nothing of a person to the caller: it may select an
officer's id, agency and sex (for counts), never their names, identity or contact fields."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import greenlet
from sqlalchemy import MetaData, Table, event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.selectable import CompoundSelect, Join, Select

import domain.registry  # noqa: F401  (every model mapped)
from domain.access.need_to_know import INTERNAL, NeedToKnow
from domain.db import Base

# Tables that hold an officer's data with no foreign key to them.
ALSO_WATCHED = {
    "import_rows": "the planned rows of an import carry the values its file gave for officers (names, national ids)",
}
# Tables that hold something of officers and are not watched, and why.
NOT_WATCHED = {
    "outbox_events": "ids and the names of changed fields, never a person's values; the change feed and the webhook "
    "worker show an event only to whom feed.visible lets see it",
    "audit_log": "read with audit:read (administrators, who reach every officer), or as one module's trail by those "
    "who plan it, kept to the records of it they may see (domain/module_desk/trail.py); erasure redacts a person's "
    "values from it",
    "idempotency_keys": "a stored answer is replayed only to the principal whose request it answered",
    "scheduled_reminders": "a reminder's target is a module or a session, never a person",
    "calendar_feeds": "a secret feed's target (an officer's id, among others) is listed only to the account that "
    "made the feed, and the feed is served as that account may read it now",
}
GUARDED = "tadrib_guarded"
# What an internal() statement may select of an officer: who (an id), where (the agency), and the
# sex that counts by sex need. Anything else of theirs goes through a need-to-know condition.
INTERNAL_MAY_SELECT = frozenset({"id", "agency_id", "sex"})


def watched_tables(metadata: MetaData) -> frozenset[str]:
    """officers and every table with a foreign key to a watched table, transitively, plus ALSO_WATCHED."""
    found = {"officers"}
    grew = True
    while grew:
        grew = False
        for table in metadata.sorted_tables:
            if table.name not in found and any(fk.column.table.name in found for fk in table.foreign_keys):
                found.add(table.name)
                grew = True
    return frozenset(found | ALSO_WATCHED.keys())


WATCHED = watched_tables(Base.metadata)
_SELECTS = (Select, CompoundSelect)


def _walk(element: ClauseElement, *, into_selects: bool = False) -> Iterator[ClauseElement]:
    """The element and what it contains, stopping at nested selects (yielded, not entered)."""
    stack = [element]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, _SELECTS) and current is not element and not into_selects:
            continue
        stack.extend(current.get_children())


def _conditions(select: Select[Any]) -> Iterator[ClauseElement]:
    """WHERE, HAVING and the ON of every join, ORM joins (.join(target, onclause)) included."""
    yield from select._where_criteria
    yield from select._having_criteria
    for _target, onclause, _left, _flags in select._setup_joins:
        if isinstance(onclause, ClauseElement):
            yield onclause
    for from_ in select._from_obj:
        for element in _walk(from_):
            if isinstance(element, Join) and element.onclause is not None:
                yield element.onclause


def _condition_holds_need_to_know(condition: ClauseElement) -> bool:
    for element in _walk(condition):
        if isinstance(element, NeedToKnow):
            return True
        if isinstance(element, Select) and any(_condition_holds_need_to_know(c) for c in _conditions(element)):
            return True  # a subquery of the condition (IN, EXISTS) scoped in its own WHERE
    return False


def _reads(element: ClauseElement) -> set[str]:
    """The watched tables a statement reads anywhere (subqueries included)."""
    return {e.name for e in _walk(element, into_selects=True) if isinstance(e, Table)} & WATCHED


def scoped(statement: ClauseElement) -> bool:
    """Whether a select carries a need-to-know condition where it counts (see the module)."""
    if isinstance(statement, CompoundSelect):
        return all(scoped(s) for s in statement.selects)
    if not isinstance(statement, Select):
        return False
    if any(_condition_holds_need_to_know(c) for c in _conditions(statement)):
        return True
    direct, nested = set(), []
    for element in _walk(statement):
        if isinstance(element, Table):
            direct.add(element.name)
        elif isinstance(element, _SELECTS) and element is not statement:
            nested.append(element)
    return not direct & WATCHED and all(scoped(n) for n in nested if _reads(n))


def bypass(statement: ClauseElement) -> bool:
    """A statement that reads a watched table without a need-to-know condition where it counts."""
    return bool(_reads(statement)) and not scoped(statement)


def personal_in_internal(statement: ClauseElement) -> list[str]:
    """The officers' columns an internal() statement selects beyond INTERNAL_MAY_SELECT."""
    columns = getattr(statement, "selected_columns", ())
    return sorted(
        {
            c.name
            for c in columns
            if isinstance(getattr(c, "table", None), Table)
            and c.table.name == "officers"
            and c.name not in INTERNAL_MAY_SELECT
        }
    )


def _origin() -> str:
    """The domain functions that sent the statement. Under SQLAlchemy's asyncio API the statement
    runs in a greenlet; the service's frames are on the greenlet that awaits it."""
    frame = getattr(greenlet.getcurrent().parent, "gr_frame", None)
    found = []
    while frame is not None and len(found) < 3:
        if "/domain/" in frame.f_code.co_filename:
            found.append(f"{frame.f_code.co_filename.split('/domain/')[-1]}:{frame.f_lineno} {frame.f_code.co_name}")
        frame = frame.f_back
    return " <- ".join(found) or "(outside the domain)"


class NeedToKnowGuard:
    """Listens to every ORM session while entered; checks those marked GUARDED (the app's sessions
    in tests), or every session with `everywhere=True` (the webhook worker's, made by the worker)."""

    def __init__(self, *, everywhere: bool = False) -> None:
        self.bypasses: list[str] = []
        self.everywhere = everywhere

    def __call__(self, state: ORMExecuteState) -> None:
        if not (self.everywhere or state.session.info.get(GUARDED)) or not state.is_select:
            return
        if state.is_column_load or state.is_relationship_load:
            return
        if state.execution_options.get(INTERNAL):
            personal = personal_in_internal(state.statement)
            if personal:
                self.bypasses.append(f"{_origin()}\n    internal() selects officers' {', '.join(personal)}")
            return
        if bypass(state.statement):
            self.bypasses.append(f"{_origin()}\n    {str(state.statement)[:300]}")

    def __enter__(self) -> NeedToKnowGuard:
        event.listen(Session, "do_orm_execute", self)
        return self

    def __exit__(self, *_: Any) -> None:
        event.remove(Session, "do_orm_execute", self)
