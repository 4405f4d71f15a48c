"""The agency hierarchy as a materialised path ("/<root id>/<child id>/.../"): a unit and all its
sub-units share the unit's path as a prefix, so a whole subtree is one indexed prefix match."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, ScalarSelect, SQLColumnExpression, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models.agencies import Agency

# Matches no path: every path starts with "/" (and PostgreSQL text cannot hold NUL).
NOWHERE = "!"


def in_subtree(path: SQLColumnExpression[str], prefix: str | ScalarSelect[str]) -> ColumnElement[bool]:
    """`path` lies in the subtree whose root has the path `prefix` (a string or a subquery)."""
    if isinstance(prefix, str):
        return path.startswith(prefix, autoescape=True)
    # A prefix known only to the database: compare the leading characters, no LIKE to escape.
    return func.substr(path, 1, func.length(prefix)) == prefix


async def subtree_path(session: AsyncSession, agency_id: uuid.UUID) -> str:
    """The path prefix shared by an agency and all its sub-units; NOWHERE for an unknown agency."""
    return await session.scalar(select(Agency.path).where(Agency.id == agency_id)) or NOWHERE
