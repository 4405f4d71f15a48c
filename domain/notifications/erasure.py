"""Erasure of an officer (domain/officers/erasure.py) reaches their messages: those to them and the
copies about them are deleted; a message that named them among others (a trainer's roster, a
focal point's list) keeps its subject and delivery record, its text replaced by a note."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models.notifications import Message
from domain.officers.erasure import REDACTORS

REMOVED = "(This message's text was removed: it named a person who has since been erased.)\n"


async def erase_messages(session: AsyncSession, officer_id: uuid.UUID) -> None:
    await session.execute(delete(Message).where(Message.officer_id == officer_id))
    await session.execute(
        update(Message)
        .where(Message.mentions.contains(f"\n{officer_id}\n", autoescape=True))
        .values(body=REMOVED, mentions=None)
        .execution_options(synchronize_session=False)
    )


REDACTORS.append(erase_messages)
