"""Messages (e-mail notifications): the log, one message as sent, a resend, counts, and the kinds
a cycle turned off."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from api.deps import DbSession, Paging, holding, list_page
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth.policy import MESSAGES_READ, MESSAGES_SEND, PLANNING_READ, PLANNING_WRITE
from domain.auth.principal import Principal
from domain.i18n import negotiate
from domain.models.notifications import Message
from domain.notifications import service
from domain.notifications.schemas import (
    MessageCounts,
    MessageDetail,
    MessageFilters,
    MessageKindRead,
    MessageKindUpdate,
    MessageRead,
)
from domain.pagination import Page

router = APIRouter(tags=["messages"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(MESSAGES_READ)]
Sender = Annotated[Principal, holding(MESSAGES_SEND)]
Planner = Annotated[Principal, holding(PLANNING_READ)]
PlanWriter = Annotated[Principal, holding(PLANNING_WRITE)]


def _language(request: Request, principal: Principal) -> str:
    return negotiate(principal.language, request.headers.get("accept-language"))


@router.get(
    "/messages",
    response_model=Page[MessageRead],
    operation_id="list_messages",
    summary="List messages (the outbox and its log)",
    description="Newest first. Per person (officer_id: to or about the officer; user_id: to an account), module, "
    "cycle, kind or status: who, what kind, which language, status, attempts and the last error. Only messages to "
    "or about people within your reach (a coordinator: of the programmes they plan).",
    responses=problems(422),
)
async def list_messages(
    request: Request,
    response: Response,
    db: DbSession,
    principal: Reader,
    paging: Paging,
    filters: Annotated[MessageFilters, Query()],
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await service.list_messages(db, principal=principal, filters=filters, limit=paging.limit, cursor=paging.cursor),
    )


@router.get(
    "/messages/counts",
    response_model=MessageCounts,
    operation_id="count_messages",
    summary="Count messages per kind and status",
    description="Of the messages you may see, for a cycle or a module (the coordinator's dashboard).",
    responses=problems(422),
)
async def count_messages(
    db: DbSession,
    principal: Reader,
    cycle_id: Annotated[uuid.UUID | None, Query()] = None,
    module_id: Annotated[uuid.UUID | None, Query()] = None,
) -> MessageCounts:
    return await service.message_counts(db, principal=principal, cycle_id=cycle_id, module_id=module_id)


@router.get(
    "/messages/{message_id:uuid}",
    response_model=MessageDetail,
    operation_id="get_message",
    summary="Get a message as it was sent",
    description="Its text as rendered when it was decided, in the recipient's language, and its invitations.",
    responses=problems(404),
)
async def get_message(message_id: uuid.UUID, db: DbSession, principal: Reader) -> Message:
    return await service.get_message(db, principal=principal, message_id=message_id)


@router.post(
    "/messages/{message_id:uuid}/resend",
    response_model=MessageRead,
    status_code=201,
    operation_id="resend_message",
    summary="Resend a message",
    description="A new message with the same text and invitations, to the address the person's record holds now "
    "(none: it is kept unsent), with a Message-ID of its own.",
    responses=problems(404),
)
async def resend_message(
    message_id: uuid.UUID, request: Request, response: Response, db: DbSession, principal: Sender
) -> Message:
    copy = await service.resend_message(db, principal=principal, message_id=message_id)
    response.headers["Location"] = absolute_url(request, f"/api/v1/messages/{copy.id}")
    return copy


@router.get(
    "/cycles/{cycle_id:uuid}/message-kinds",
    response_model=list[MessageKindRead],
    operation_id="list_message_kinds",
    summary="The kinds of message, and which are on in a cycle",
    responses=problems(404),
)
async def list_message_kinds(
    cycle_id: uuid.UUID, request: Request, db: DbSession, principal: Planner
) -> list[MessageKindRead]:
    return await service.list_kinds(db, principal=principal, cycle_id=cycle_id, language=_language(request, principal))


@router.put(
    "/cycles/{cycle_id:uuid}/message-kinds/{kind}",
    response_model=MessageKindRead,
    operation_id="set_message_kind",
    summary="Turn a kind of message off (or on) for a cycle",
    description="Off: no message of that kind is decided in the cycle's modules until it is turned on again "
    "(messages already decided are kept). Coordinators of the cycle's programme.",
    responses=problems(404, 422),
)
async def set_message_kind(
    cycle_id: uuid.UUID,
    kind: Annotated[str, Path(min_length=1, max_length=40)],
    data: MessageKindUpdate,
    request: Request,
    db: DbSession,
    principal: PlanWriter,
) -> MessageKindRead:
    return await service.set_kind_enabled(
        db,
        principal=principal,
        cycle_id=cycle_id,
        kind=kind,
        enabled=data.enabled,
        language=_language(request, principal),
    )
