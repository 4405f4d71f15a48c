"""Webhook subscriptions, their delivery log, redelivery and replay."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, list_page, set_etag
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth.policy import WEBHOOKS_MANAGE
from domain.auth.principal import Principal
from domain.models.webhooks import WebhookSubscription
from domain.pagination import Page
from domain.settings import IPNetwork
from domain.webhooks import service
from domain.webhooks.schemas import (
    DeliveryRead,
    Queued,
    Redelivery,
    Replay,
    SecretRotated,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookUpdate,
)

router = APIRouter(tags=["webhooks"], route_class=CheckedRoute)
Manager = Annotated[Principal, holding(WEBHOOKS_MANAGE)]

DELIVERY_DOC = (
    "Deliveries follow the Standard Webhooks spec: a POST with `webhook-id` (the event's id, the same on every retry), "
    "`webhook-timestamp` and `webhook-signature` (`v1,<base64 HMAC-SHA256>` of `id.timestamp.body` with the secret's "
    "bytes after `whsec_`; during a rotation one signature per valid secret). At least once: retried with jitter after "
    "about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h; a 2xx within 15 s is a success, a 3xx a failure "
    "(redirects are not followed), Retry-After is honoured, 410 disables the endpoint, and an endpoint failing for 5 "
    "days is disabled (its reason is shown here; its events are kept, and re-enabling it delivers them). A "
    "subscription receives only what its owner may read on `GET /events`."
)


def _allowed_networks(request: Request) -> tuple[IPNetwork, ...]:
    return request.app.state.settings.webhook_networks


@router.get(
    "/webhooks",
    response_model=Page[WebhookRead],
    operation_id="list_webhooks",
    summary="List webhook subscriptions",
    description="Administrators see every subscription, a machine client its own.",
    responses=problems(),
)
async def list_webhooks(
    request: Request, response: Response, db: DbSession, principal: Manager, paging: Paging
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await service.list_webhooks(db, principal=principal, limit=paging.limit, cursor=paging.cursor),
    )


@router.post(
    "/webhooks",
    response_model=WebhookCreated,
    status_code=201,
    operation_id="create_webhook",
    summary="Subscribe an endpoint to events",
    description="The `whsec_` secret is in this answer only. The URL's host is resolved and every address must be "
    "public (an IPv4 address inside a 6to4, Teredo or NAT64 one too), else 422: loopback, private, shared, "
    "link-local and cloud metadata addresses are refused, unless the server opens a network for internal "
    "receivers (`WEBHOOK_ALLOWED_NETWORKS`; never link-local or metadata addresses). Each delivery checks again and "
    "connects to the address it checked. It receives the events that follow its creation. " + DELIVERY_DOC,
    responses=problems(),
)
async def create_webhook(
    data: WebhookCreate, request: Request, response: Response, db: DbSession, principal: Manager
) -> WebhookCreated:
    subscription, secret = await service.create_webhook(
        db, principal=principal, data=data, allowed_networks=_allowed_networks(request)
    )
    response.headers["Cache-Control"] = "no-store"  # the secret: no cache, nor the Idempotency-Key store, keeps it
    response.headers["Location"] = absolute_url(request, f"/api/v1/webhooks/{subscription.id}")
    set_etag(response, subscription.version)
    return WebhookCreated(**WebhookRead.model_validate(subscription).model_dump(), secret=secret)


@router.get(
    "/webhooks/{webhook_id:uuid}",
    response_model=WebhookRead,
    operation_id="get_webhook",
    summary="Get a webhook subscription",
    description="Its status, and why it was disabled if it was.",
    responses=problems(404),
)
async def get_webhook(
    webhook_id: uuid.UUID, response: Response, db: DbSession, principal: Manager
) -> WebhookSubscription:
    subscription = await service.get_webhook(db, principal=principal, webhook_id=webhook_id)
    set_etag(response, subscription.version)
    return subscription


@router.patch(
    "/webhooks/{webhook_id:uuid}",
    response_model=WebhookRead,
    operation_id="update_webhook",
    summary="Change or re-enable a webhook subscription",
    description="Send only the fields to change. `enabled: true` re-enables a disabled endpoint and queues every event "
    "it has not received; `enabled: false` pauses it (its events are kept). With If-Match, a stale ETag is a 412.",
    responses=problems(404, 412),
)
async def update_webhook(
    webhook_id: uuid.UUID,
    data: WebhookUpdate,
    request: Request,
    response: Response,
    db: DbSession,
    principal: Manager,
    version: IfMatch,
) -> WebhookSubscription:
    subscription = await service.update_webhook(
        db,
        principal=principal,
        webhook_id=webhook_id,
        data=data,
        expected_version=version,
        allowed_networks=_allowed_networks(request),
    )
    set_etag(response, subscription.version)
    return subscription


@router.delete(
    "/webhooks/{webhook_id:uuid}",
    status_code=204,
    operation_id="delete_webhook",
    summary="Delete a webhook subscription",
    description="Its queue and delivery log go with it.",
    responses=problems(404, 412),
)
async def delete_webhook(webhook_id: uuid.UUID, db: DbSession, principal: Manager, version: IfMatch) -> Response:
    await service.delete_webhook(db, principal=principal, webhook_id=webhook_id, expected_version=version)
    return Response(status_code=204)


@router.post(
    "/webhooks/{webhook_id:uuid}/secret",
    response_model=SecretRotated,
    operation_id="rotate_webhook_secret",
    summary="Rotate a webhook's secret",
    description="A new secret, shown once. The previous one stays valid for 24 hours "
    "(`WEBHOOK_SECRET_OVERLAP_HOURS`): meanwhile every delivery carries a signature with each.",
    responses=problems(404),
)
async def rotate_webhook_secret(
    webhook_id: uuid.UUID, request: Request, response: Response, db: DbSession, principal: Manager
) -> SecretRotated:
    secret, until = await service.rotate_secret(
        db,
        principal=principal,
        webhook_id=webhook_id,
        overlap_hours=request.app.state.settings.webhook_secret_overlap_hours,
    )
    response.headers["Cache-Control"] = "no-store"
    return SecretRotated(secret=secret, previous_secret_until=until)


@router.get(
    "/webhooks/{webhook_id:uuid}/deliveries",
    response_model=Page[DeliveryRead],
    operation_id="list_webhook_deliveries",
    summary="The delivery log of a subscription",
    description="Each delivery (one event) with every attempt: time, HTTP status, duration, or why it failed in "
    "a word (timeout, connect-failed...). Nothing of the answer's body is kept or shown.",
    responses=problems(404),
)
async def list_webhook_deliveries(
    webhook_id: uuid.UUID, request: Request, response: Response, db: DbSession, principal: Manager, paging: Paging
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await service.list_deliveries(
            db, principal=principal, webhook_id=webhook_id, limit=paging.limit, cursor=paging.cursor
        ),
    )


@router.post(
    "/webhooks/{webhook_id:uuid}/redeliveries",
    response_model=Queued,
    status_code=202,
    operation_id="redeliver_webhook_event",
    summary="Deliver one event again",
    description="Queues the event now, with the same webhook-id as before. An event the subscription may not "
    "receive, or no longer kept, is a 404.",
    responses=problems(404),
)
async def redeliver_webhook_event(webhook_id: uuid.UUID, data: Redelivery, db: DbSession, principal: Manager) -> Queued:
    return Queued(
        queued=await service.redeliver(db, principal=principal, webhook_id=webhook_id, event_id=data.event_id)
    )


@router.post(
    "/webhooks/{webhook_id:uuid}/replays",
    response_model=Queued,
    status_code=202,
    operation_id="replay_webhook_events",
    summary="Deliver a time range of events again",
    description="Queues every event of [since, until) of the subscription's types that its owner may read (at most "
    "10,000 a request: replay narrower ranges for more).",
    responses=problems(404),
)
async def replay_webhook_events(webhook_id: uuid.UUID, data: Replay, db: DbSession, principal: Manager) -> Queued:
    return Queued(queued=await service.replay(db, principal=principal, webhook_id=webhook_id, data=data))
