"""The outbox (administrators and coordinators): the messages decided, newest first, with their
delivery; one message shown as it was sent (headers, text, invitations) with a resend; and, per
cycle, the kinds of message with a switch to turn one off. Without SMTP_URL nothing is sent and
this is where a newcomer sees what would have been. The services are the API's
(domain/notifications/service.py), with the same need-to-know; any other role gets a missing page."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import DbSession
from domain.auth.principal import Role
from domain.cycles.service import CycleFilters, list_cycles
from domain.errors import NotFound
from domain.models.notifications import MessageStatus
from domain.notifications import invitations, service, smtp
from domain.notifications.config import sender
from domain.notifications.schemas import MessageFilters
from web.templating import finish, render
from web.visitor import CheckedPerson, SignedInVisitor, Visitor

router = APIRouter(prefix="/admin/outbox", include_in_schema=False)
PAGE_SIZE = 50
ROLES = frozenset({Role.admin, Role.coordinator})


def _person(visitor: Visitor) -> Any:
    person = visitor.person
    if person is None or person.role not in ROLES:
        raise NotFound("No such page.")  # another role's screen answers like a missing page
    return person


@router.get("")
async def outbox(
    request: Request,
    db: DbSession,
    visitor: SignedInVisitor,
    status: MessageStatus | None = None,
    kind: str | None = None,
    cursor: str | None = None,
) -> Response:
    person = _person(visitor)
    filters = MessageFilters(status=status, kind=kind)
    items, next_cursor = await service.list_messages(
        db, principal=person, filters=filters, limit=PAGE_SIZE, cursor=cursor
    )
    cycles, _ = await list_cycles(db, principal=person, filters=CycleFilters(), limit=50, cursor=None)
    return render(
        request,
        visitor,
        "admin/outbox.html",
        items=items,
        next_cursor=next_cursor,
        status=status.value if status else "",
        kind=kind or "",
        statuses=[s.value for s in MessageStatus],
        cycles=cycles,
        sending=bool(request.app.state.settings.smtp_url),
    )


@router.get("/{message_id:uuid}")
async def message_page(request: Request, db: DbSession, visitor: SignedInVisitor, message_id: uuid.UUID) -> Response:
    person = _person(visitor)
    message = await service.get_message(db, principal=person, message_id=message_id)
    name, address = sender()
    headers = {
        "From": f"{name} <{address}>",
        "To": message.to_address or "—",
        "Subject": message.subject,
        "Message-ID": smtp.message_id(message, address.rpartition("@")[2] or "tadrib.invalid"),
        "Content-Language": message.language,
    }
    return render(
        request,
        visitor,
        "admin/outbox_message.html",
        message=message,
        mail_headers=headers,
        calendars=invitations.split(message.ics) if message.ics else [],
        text_dir="rtl" if message.language == "ar" else "ltr",
    )


@router.post("/{message_id:uuid}/resend")
async def resend(request: Request, db: DbSession, visitor: CheckedPerson, message_id: uuid.UUID) -> Response:
    copy = await service.resend_message(db, principal=_person(visitor), message_id=message_id)
    response = RedirectResponse(f"/admin/outbox/{copy.id}", status_code=303)
    finish(request, visitor, response)
    return response


@router.get("/cycles/{cycle_id:uuid}")
async def kinds_page(request: Request, db: DbSession, visitor: SignedInVisitor, cycle_id: uuid.UUID) -> Response:
    person = _person(visitor)
    kinds = await service.list_kinds(db, principal=person, cycle_id=cycle_id, language=visitor.lang)
    counts = await service.message_counts(db, principal=person, cycle_id=cycle_id)
    return render(request, visitor, "admin/outbox_kinds.html", cycle_id=cycle_id, kinds=kinds, counts=counts)


@router.post("/cycles/{cycle_id:uuid}/kinds/{kind}")
async def set_kind(
    request: Request,
    db: DbSession,
    visitor: CheckedPerson,
    cycle_id: uuid.UUID,
    kind: str,
    enabled: Annotated[bool, Form()],
) -> Response:
    await service.set_kind_enabled(
        db, principal=_person(visitor), cycle_id=cycle_id, kind=kind, enabled=enabled, language=visitor.lang
    )
    response = RedirectResponse(f"/admin/outbox/cycles/{cycle_id}", status_code=303)
    finish(request, visitor, response)
    return response
