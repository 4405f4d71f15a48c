"""The calendar invitations a message carries (RFC 5546 over e-mail), one iCalendar object per
session, built with domain/calendar/ics.py:

- UID: stable per session and person, "<session id>-<person id>@tadrib": each person's calendar
  holds their own copy, which an update (REQUEST) or a cancellation (CANCEL) finds again;
- SEQUENCE: the session's stored sequence (invitation_sequences), raised once by every change that
  is sent (a move, a cancellation), so it only grows, whatever the clock says;
- times in the cycle's zone with its VTIMEZONE (Asia/Baghdad)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar.ics import UID_DOMAIN, FeedEvent, Party, invitation
from domain.db import utcnow
from domain.models.notifications import InvitationSequence
from domain.notifications.facts import ModuleFacts, SessionFacts

SEPARATOR = "\r\n"  # between the iCalendar objects of one message, as stored (each becomes an attachment)


def uid(session_id: uuid.UUID, person_id: uuid.UUID) -> str:
    return f"{session_id}-{person_id}@{UID_DOMAIN}"


async def current(session: AsyncSession, session_id: uuid.UUID) -> int:
    """The session's sequence now (0 for a session never changed since its first invitation)."""
    value = await session.scalar(select(InvitationSequence.sequence).where(InvitationSequence.session_id == session_id))
    if value is None:
        session.add(InvitationSequence(session_id=session_id, sequence=0))
        await session.flush()
        return 0
    return value


async def raise_sequence(session: AsyncSession, session_id: uuid.UUID) -> int:
    """One more change of the session that calendars hold: its sequence rises by one."""
    value = await session.scalar(select(InvitationSequence.sequence).where(InvitationSequence.session_id == session_id))
    if value is None:
        session.add(InvitationSequence(session_id=session_id, sequence=1))
        await session.flush()
        return 1
    await session.execute(
        update(InvitationSequence)
        .where(InvitationSequence.session_id == session_id)
        .values(sequence=InvitationSequence.sequence + 1, updated_at=utcnow())
    )
    return value + 1


def calendar_objects(
    method: str,
    module: ModuleFacts,
    sessions: list[tuple[SessionFacts, int]],
    *,
    person_id: uuid.UUID,
    attendee: Party,
    organizer: Party,
    stamp: datetime,
) -> str:
    """The iCalendar objects of one message: one per (session, sequence)."""
    objects = []
    for s, sequence in sessions:
        event = FeedEvent(
            uid=uid(s.id, person_id),
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            time_zone=module.zone,
            summary=f"{module.code}: {s.title}",
            description=f"{module.code} {module.title}\n{module.cycle_title}",
            location=s.venue,
            sequence=sequence,
            last_modified=stamp,
            status="CANCELLED" if method == "CANCEL" else "CONFIRMED",
        )
        objects.append(invitation(method, event, organizer=organizer, attendee=attendee, stamp=stamp).decode())
    return SEPARATOR.join(objects)


def split(stored: str) -> list[str]:
    """The iCalendar objects of a stored message, one per attachment."""
    parts = stored.split("END:VCALENDAR")
    return [p.strip() + "\r\nEND:VCALENDAR\r\n" for p in parts if p.strip()]
