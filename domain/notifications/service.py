"""The messages as people see them: the log per person, module and cycle (by the need-to-know of
the person each message is to or about), one message as it was sent, a resend, the counts per
kind and status (`message_counts`: the coordinator's dashboard), and the kinds a cycle turned off."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import messages as access
from domain.access.need_to_know import logs_reads
from domain.access.plans import authorize_programme
from domain.audit.service import record_change, record_read
from domain.auth.policy import MESSAGES_READ, MESSAGES_SEND, PLANNING_READ, PLANNING_WRITE, authorize
from domain.auth.principal import Principal
from domain.crud import get_or_404
from domain.db import utcnow
from domain.errors import Conflict, NotFound
from domain.i18n import gettext, translatable
from domain.ids import uuid7
from domain.models.auth import User
from domain.models.cycles import Cycle
from domain.models.notifications import CycleMessageKindOff, Message, MessageStatus
from domain.models.officers import Officer
from domain.notifications.kinds import KINDS, SURVEY_LINK
from domain.notifications.schemas import MessageCount, MessageCounts, MessageFilters, MessageKindRead
from domain.pagination import Paged, decode_cursor, encode_cursor

ENTITY = "message"


def _filtered(principal: Principal, filters: MessageFilters) -> Any:
    stmt = select(Message).where(access.messages(principal))
    for field in ("officer_id", "user_id", "module_id", "cycle_id", "kind", "status"):
        value = getattr(filters, field)
        if value is not None:
            stmt = stmt.where(getattr(Message, field) == value)
    return stmt


async def list_messages(
    session: AsyncSession, *, principal: Principal, filters: MessageFilters, limit: int, cursor: str | None
) -> Paged[Message]:
    """Newest first."""
    authorize(principal, MESSAGES_READ)
    order = (Message.created_at, Message.id)
    stmt = _filtered(principal, filters)
    if cursor:
        stmt = stmt.where(tuple_(*order) < tuple_(*decode_cursor(cursor, order)))
    rows = list(await session.scalars(stmt.order_by(Message.created_at.desc(), Message.id.desc()).limit(limit + 1)))
    next_cursor = encode_cursor([rows[limit - 1].created_at, rows[limit - 1].id]) if len(rows) > limit else None
    items = rows[:limit]
    if logs_reads(principal):
        record_read(
            session,
            principal=principal,
            entity=ENTITY,
            filters=filters.model_dump(mode="json") | {"cursor": cursor},
            row_count=len(items),
        )
    return items, next_cursor


async def _visible(session: AsyncSession, principal: Principal, message_id: uuid.UUID) -> Message:
    """A message the principal may see; any other is a 404, like one that does not exist."""
    message = await session.scalar(select(Message).where(Message.id == message_id, access.messages(principal)))
    if message is None:
        raise NotFound(
            translatable("No message with id {id}.", id=message_id),
            entity="messages",
            id=str(message_id),
        )
    return message


async def get_message(session: AsyncSession, *, principal: Principal, message_id: uuid.UUID) -> Message:
    authorize(principal, MESSAGES_READ)
    message = await _visible(session, principal, message_id)
    if logs_reads(principal):
        record_read(session, principal=principal, entity=ENTITY, filters={"id": str(message_id)}, row_count=1)
    return message


async def _address_now(session: AsyncSession, message: Message) -> str | None:
    if message.audience == "officer" and message.officer_id:
        email: str | None = await session.scalar(select(Officer.email).where(access.recipients([message.officer_id])))
        return email
    if message.user_id:
        return await session.scalar(select(User.email).where(User.id == message.user_id, User.disabled.is_(False)))
    return None


async def resend_message(session: AsyncSession, *, principal: Principal, message_id: uuid.UUID) -> Message:
    """A new message with the same text and invitations as the one chosen (as it was rendered
    then), to the address the person's record holds now, with a Message-ID of its own: a resend
    is a second message on purpose, not a retry."""
    authorize(principal, MESSAGES_SEND)
    original = await _visible(session, principal, message_id)
    if original.module_id is not None:
        await authorize_programme(session, principal, module_id=original.module_id)
    if original.kind == SURVEY_LINK:
        # The link was erased once sent (only its hash is kept): a new one is issued by the survey.
        raise Conflict(
            translatable("A survey link cannot be sent again: issue a new link from the survey."),
            code="survey-link-not-resent",
            title="Survey link not resent",
        )
    address = await _address_now(session, original)
    now = utcnow()
    copy = Message(
        id=uuid7(),
        cause_key=f"resend:{original.id}:{uuid.uuid4()}",
        kind=original.kind,
        audience=original.audience,
        officer_id=original.officer_id,
        user_id=original.user_id,
        cycle_id=original.cycle_id,
        module_id=original.module_id,
        session_id=original.session_id,
        language=original.language,
        to_address=address,
        subject=original.subject,
        body=original.body,
        ics=original.ics if address else None,
        ics_method=original.ics_method if address else None,
        status=MessageStatus.pending if address else MessageStatus.unaddressed,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        resent_from_id=original.id,
    )
    session.add(copy)
    await session.flush()
    record_change(
        session,
        principal=principal,
        action="resent",
        entity=ENTITY,
        entity_id=copy.id,
        changes={"resent_from_id": (None, original.id), "kind": (None, original.kind)},
    )
    return copy


async def message_counts(
    session: AsyncSession,
    *,
    principal: Principal,
    cycle_id: uuid.UUID | None = None,
    module_id: uuid.UUID | None = None,
) -> MessageCounts:
    """How many messages of each kind are in each status (the coordinator's dashboard), of
    those the principal may see."""
    authorize(principal, MESSAGES_READ)
    stmt = select(Message.kind, Message.status, func.count()).where(access.messages(principal))
    if cycle_id is not None:
        stmt = stmt.where(Message.cycle_id == cycle_id)
    if module_id is not None:
        stmt = stmt.where(Message.module_id == module_id)
    rows = await session.execute(stmt.group_by(Message.kind, Message.status).order_by(Message.kind, Message.status))
    counts = [MessageCount(kind=kind, status=status, count=n) for kind, status, n in rows]
    return MessageCounts(counts=counts, total=sum(c.count for c in counts))


async def list_kinds(
    session: AsyncSession, *, principal: Principal, cycle_id: uuid.UUID, language: str = "en"
) -> list[MessageKindRead]:
    authorize(principal, PLANNING_READ)
    await get_or_404(session, Cycle, cycle_id)
    off = set(await session.scalars(select(CycleMessageKindOff.kind).where(CycleMessageKindOff.cycle_id == cycle_id)))
    return [
        MessageKindRead(kind=kind, description=gettext(language, text), enabled=kind not in off)
        for kind, text in KINDS.items()
    ]


async def set_kind_enabled(
    session: AsyncSession, *, principal: Principal, cycle_id: uuid.UUID, kind: str, enabled: bool, language: str = "en"
) -> MessageKindRead:
    """Turn a kind of message off (or on again) for a cycle: coordinators of its programme."""
    authorize(principal, PLANNING_WRITE)
    await get_or_404(session, Cycle, cycle_id)
    await authorize_programme(session, principal, cycle_id=cycle_id)
    if kind not in KINDS:
        raise NotFound(translatable("No kind of message {kind!r}.", kind=kind), entity="message_kind", id=kind)
    is_off = await session.get(CycleMessageKindOff, (cycle_id, kind))
    if enabled and is_off is not None:
        await session.execute(
            delete(CycleMessageKindOff).where(
                CycleMessageKindOff.cycle_id == cycle_id, CycleMessageKindOff.kind == kind
            )
        )
    elif not enabled and is_off is None:
        session.add(CycleMessageKindOff(cycle_id=cycle_id, kind=kind, turned_off_by=principal.name))
    if enabled != (is_off is None):
        await session.flush()
        record_change(
            session,
            principal=principal,
            action="message-kind-enabled" if enabled else "message-kind-disabled",
            entity="cycle",
            entity_id=cycle_id,
            changes={f"message_kind:{kind}": (is_off is None, enabled)},
        )
    return MessageKindRead(kind=kind, description=gettext(language, KINDS[kind]), enabled=enabled)
