"""Erasure of an officer, the imports' part: registered with the officers' redactors (domain/registry.py
imports this module wherever the models are)."""

import uuid

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models.imports import ImportRow
from domain.officers.erasure import REDACTORS


async def redact_import_rows(session: AsyncSession, officer_id: uuid.UUID) -> None:
    """Erasure: the person's planned rows keep their line and action, not their values."""
    await session.execute(
        update(ImportRow)
        .where(ImportRow.target_id == officer_id)
        .values(values=None, changes=None, key=None, candidates=None)
    )


REDACTORS.append(redact_import_rows)
