"""Keyset pagination with opaque cursors. A page costs one query whatever its position."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeAlias, TypeVar

from pydantic import BaseModel
from sqlalchemy import Row, Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import InvalidInput
from domain.i18n import translatable

T = TypeVar("T")


# What a service's list returns: one page of records and the cursor of the next page, if any.
Paged: TypeAlias = tuple[list[T], str | None]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(values: Sequence[Any]) -> str:
    def plain(v: Any) -> Any:
        if isinstance(v, (uuid.UUID, datetime, date)):
            return str(v) if isinstance(v, uuid.UUID) else v.isoformat()
        return v

    raw = json.dumps([plain(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, columns: Sequence[Any]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(columns):
            raise ValueError("shape")
        return [_typed(col, v) for col, v in zip(columns, values)]
    except Exception:  # whatever a crafted cursor holds, it is the client's mistake, never a 500
        raise InvalidInput(
            translatable("The cursor is not one this API issued."),
            errors=[{"field": "cursor", "message": "malformed or foreign cursor"}],
        ) from None


def _typed(column: Any, value: Any) -> Any:
    python_type = column.type.python_type
    if value is None:
        raise ValueError("null")
    if python_type is uuid.UUID:
        if not isinstance(value, str):
            raise ValueError("not an id")
        return uuid.UUID(value)
    if python_type is datetime:
        if not isinstance(value, str):
            raise ValueError("not a time")
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("naive")
        return parsed
    if python_type is date:
        if not isinstance(value, str):
            raise ValueError("not a date")
        return date.fromisoformat(value)
    if not isinstance(value, python_type) or (isinstance(value, str) and "\x00" in value):
        raise ValueError("type")
    return value


async def paginate(
    session: AsyncSession,
    stmt: Select[T],
    *,
    order: Sequence[Any],
    limit: int,
    cursor: str | None,
) -> Paged[T]:
    """`order` lists non-null columns ending with a unique one (the id), all ascending."""
    if cursor:
        stmt = stmt.where(tuple_(*order) > tuple_(*decode_cursor(cursor, order)))
    rows = (await session.scalars(stmt.order_by(*order).limit(limit + 1))).unique().all()
    if len(rows) <= limit:
        return list(rows), None
    last = rows[limit - 1]
    return list(rows[:limit]), encode_cursor([getattr(last, col.key) for col in order])


async def paginate_rows(
    session: AsyncSession,
    stmt: Select[*tuple[Any, ...]],
    *,
    order: Sequence[Any],
    limit: int,
    cursor: str | None,
) -> Paged[Row[*tuple[Any, ...]]]:
    """paginate() for a Core select of columns: rows for reads that change nothing, without the
    ORM's per-object work (identity map, instance state); the cursor is the same."""
    if cursor:
        stmt = stmt.where(tuple_(*order) > tuple_(*decode_cursor(cursor, order)))
    rows = (await (await session.connection()).execute(stmt.order_by(*order).limit(limit + 1))).all()
    if len(rows) <= limit:
        return list(rows), None
    last = rows[limit - 1]
    return list(rows[:limit]), encode_cursor([getattr(last, col.key) for col in order])
