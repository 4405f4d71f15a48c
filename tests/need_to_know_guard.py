"""Watches every statement the app sends in a test: one that reads officers or nominations must
carry a need-to-know condition from domain/access, or say why it needs none (access.internal).
A statement that does neither fails the test that made it send it, naming the statement and
where in the domain it came from."""

from __future__ import annotations

from typing import Any

import greenlet
from sqlalchemy import Table, event
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql import visitors

from domain.access.need_to_know import INTERNAL, NeedToKnow

PERSONAL_TABLES = frozenset({"officers", "nominations"})
GUARDED = "tadrib_guarded"


def _inspect(statement: Any) -> tuple[set[str], bool]:
    """The tables a statement reads, and whether it carries a need-to-know condition (the walk
    stops at the first one: a scoped statement passes whatever else it reads)."""
    tables: set[str] = set()
    for element in visitors.iterate(statement):
        if isinstance(element, NeedToKnow):
            return tables, True
        if isinstance(element, Table):
            tables.add(element.name)
    return tables, False


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
    def __init__(self) -> None:
        self.bypasses: list[str] = []

    def __call__(self, state: ORMExecuteState) -> None:
        if not state.session.info.get(GUARDED) or not state.is_select:
            return
        if state.is_column_load or state.is_relationship_load or state.execution_options.get(INTERNAL):
            return
        tables, scoped = _inspect(state.statement)
        if tables & PERSONAL_TABLES and not scoped:
            self.bypasses.append(f"{_origin()}\n    {str(state.statement)[:300]}")

    def __enter__(self) -> NeedToKnowGuard:
        event.listen(Session, "do_orm_execute", self)
        return self

    def __exit__(self, *_: Any) -> None:
        event.remove(Session, "do_orm_execute", self)
