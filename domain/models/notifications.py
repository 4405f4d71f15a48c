"""What the notifications keep: each message as it was rendered when it was decided, the
invitation sequence of each session, the reminders still to evaluate, and the kinds a cycle
turned off."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, utcnow
from domain.enums import enum_column
from domain.ids import uuid7


class MessageStatus(StrEnum):
    pending = "pending"  # waiting for its (next) attempt; without SMTP_URL it stays here, shown in the outbox
    sending = "sending"  # claimed by a worker until lease_until (a takeover sends it again, same Message-ID)
    sent = "sent"  # the SMTP server accepted it
    failed = "failed"  # refused for good (5xx), or every retry failed: last_error says why
    unaddressed = "unaddressed"  # the person has no e-mail address: kept, never sent
    cancelled = "cancelled"  # not sent: the person's address changed or was removed before it went


class Message(Base):
    """One message to one person, stored as rendered when it was decided (a later template never
    rewrites what someone received). `cause_key` names the cause, the recipient and the kind:
    one cause never yields two messages. Holds personal data (an address, a rendered body naming
    the person): every read carries a need-to-know condition (domain/access/messages.py)."""

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_due", "status", "next_attempt_at"),
        Index("ix_messages_module_kind", "module_id", "kind"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    cause_key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    # officer, copy (to a focal point, about an officer), focal_point, trainer.
    audience: Mapped[str] = mapped_column(String(20))
    # The officer the message is to or about (deleted with them); the account it is to, if any.
    officer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cycle_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"))
    session_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # no key: a cancelled session is deleted
    language: Mapped[str] = mapped_column(String(35))
    to_address: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)  # the invitation (RFC 5546), as attached
    ics_method: Mapped[str | None] = mapped_column(String(10))  # REQUEST or CANCEL
    # Other officers the body names (a trainer's roster, a focal point's list): "\n<id>\n<id>\n".
    mentions: Mapped[str | None] = mapped_column(Text)
    status: Mapped[MessageStatus] = mapped_column(enum_column(MessageStatus, "message_status"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column()
    claim: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # which worker's claim may record the outcome
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    resent_from_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # A secret the body names as {link} (a survey link), sealed with SECRET_KEY so that a database
    # read alone yields no link; opened when the mail is made, erased once it is sent or dropped.
    sealed: Mapped[str | None] = mapped_column(Text)


class InvitationSequence(Base):
    """The iTIP SEQUENCE of a session's invitations: raised by every change that is sent (a move,
    a cancellation), stored so that it only ever grows, whatever the clock says."""

    __tablename__ = "invitation_sequences"

    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReminderKind(StrEnum):
    deadline_7 = "deadline_7"  # 7 days before the nomination deadline, to the focal points with a quota
    deadline_2 = "deadline_2"
    seats_released = "seats_released"  # at the deadline
    session_day_before = "session_day_before"  # to the participants, a day before the session
    roster_day_before = "roster_day_before"  # the roster to the session's trainers, a day before


class ScheduledReminder(Base):
    """A reminder to evaluate when due (the worker): kept in the database so that it survives
    restarts; evaluated once (done_at), against the state of then (a module cancelled meanwhile
    sends nothing)."""

    __tablename__ = "scheduled_reminders"
    __table_args__ = (UniqueConstraint("kind", "target_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    kind: Mapped[ReminderKind] = mapped_column(enum_column(ReminderKind, "reminder_kind"))
    # The module (deadline reminders) or the session (the day before).
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    module_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime] = mapped_column(index=True)
    done_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(200))


class CycleMessageKindOff(Base):
    """A kind of message a coordinator turned off for a cycle: nothing of it is decided there."""

    __tablename__ = "cycle_message_kinds_off"

    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    turned_off_at: Mapped[datetime] = mapped_column(default=utcnow)
    turned_off_by: Mapped[str] = mapped_column(String(200))
