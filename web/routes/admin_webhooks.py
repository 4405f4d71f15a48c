"""Administration: webhook subscriptions (every owner's, as GET /api/v1/webhooks gives an
administrator), one subscription with its delivery log paged like the API, and its actions:
redeliver one event, replay a time range, enable a disabled endpoint again (which queues what it
missed). The dashboard's "endpoint failing or disabled" item links here. Each action is one call of
domain/webhooks/service.py, as the API's routes make it."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.deps import DbSession
from domain import errors as e
from domain import i18n
from domain.i18n import N_
from domain.webhooks import service
from domain.webhooks.schemas import Redelivery, Replay, WebhookUpdate
from web.routes.admin_common import (
    PAGE_SIZE,
    Admin,
    CheckedAdmin,
    invalid_fields,
    page_id,
    principal,
    redirect,
    utc_text,
)
from web.templating import render
from web.visitor import Visitor

router = APIRouter(prefix="/admin/webhooks", include_in_schema=False)
Text = Annotated[str, Form(max_length=100)]
DONE = {
    "queued": N_("Queued for delivery: %(n)s."),
    "enabled": N_("The endpoint is enabled again; what it missed is queued."),
}
STALE = N_("Someone changed this subscription since you opened the page: nothing was changed. Here it is now.")


@router.get("")
async def webhooks(request: Request, db: DbSession, visitor: Admin, cursor: str | None = None) -> Response:
    items, next_cursor = await service.list_webhooks(db, principal=principal(visitor), limit=PAGE_SIZE, cursor=cursor)
    return render(request, visitor, "admin/webhooks.html", items=items, next_cursor=next_cursor)


def _notice(lang: str, done: str | None, queued: str | None) -> str:
    if done not in DONE:
        return ""
    return i18n.gettext(lang, DONE[done]) % {"n": int(queued) if queued and queued.isdigit() else 0}


async def _webhook(
    request: Request, db: Any, visitor: Visitor, webhook_id: uuid.UUID, *, status_code: int = 200, **page: Any
) -> Response:
    person = principal(visitor)
    cursor = request.query_params.get("cursor")
    subscription = await service.get_webhook(db, principal=person, webhook_id=webhook_id)
    deliveries, next_cursor = await service.list_deliveries(
        db, principal=person, webhook_id=webhook_id, limit=PAGE_SIZE, cursor=cursor
    )
    query = request.query_params
    return render(
        request,
        visitor,
        "admin/webhook.html",
        status_code=status_code,
        hook=subscription,
        deliveries=deliveries,
        next_cursor=next_cursor,
        errors=page.pop("errors", {}),
        typed=page.pop("typed", {}),
        notice=page.pop("notice", "") or _notice(visitor.lang, query.get("done"), query.get("queued")),
        refused=page.pop("refused", False),
    )


@router.get("/{webhook_id}")
async def webhook(request: Request, db: DbSession, visitor: Admin, webhook_id: str) -> Response:
    return await _webhook(request, db, visitor, page_id(webhook_id))


@router.post("/{webhook_id}/redeliver")
async def redeliver(
    request: Request, db: DbSession, visitor: CheckedAdmin, webhook_id: str, event_id: Text = ""
) -> Response:
    found = page_id(webhook_id)
    try:
        data = Redelivery.model_validate({"event_id": event_id.strip()})
        queued = await service.redeliver(db, principal=principal(visitor), webhook_id=found, event_id=data.event_id)
    except (ValidationError, e.InvalidInput) as exc:
        errors = invalid_fields(visitor.lang, exc)
        return await _webhook(request, db, visitor, found, status_code=422, errors=errors, typed={"event_id": event_id})
    return redirect(request, visitor, f"/admin/webhooks/{found}?done=queued&queued={queued}")


@router.post("/{webhook_id}/replay")
async def replay(
    request: Request, db: DbSession, visitor: CheckedAdmin, webhook_id: str, since: Text = "", until: Text = ""
) -> Response:
    found = page_id(webhook_id)
    typed = {"since": since, "until": until}
    try:
        data = Replay.model_validate({"since": utc_text(since), "until": utc_text(until)})
        queued = await service.replay(db, principal=principal(visitor), webhook_id=found, data=data)
    except (ValidationError, e.InvalidInput) as exc:
        errors = invalid_fields(visitor.lang, exc, whole="until")  # until before since: said at until
        return await _webhook(request, db, visitor, found, status_code=422, errors=errors, typed=typed)
    return redirect(request, visitor, f"/admin/webhooks/{found}?done=queued&queued={queued}")


@router.post("/{webhook_id}/enabled")
async def enable(
    request: Request, db: DbSession, visitor: CheckedAdmin, webhook_id: str, version: Text = ""
) -> Response:
    found = page_id(webhook_id)
    try:
        await service.update_webhook(
            db,
            principal=principal(visitor),
            webhook_id=found,
            data=WebhookUpdate(enabled=True),
            expected_version=int(version) if version.isdigit() else None,
            allowed_networks=request.app.state.settings.webhook_networks,
        )
    except e.PreconditionFailed:
        notice = i18n.gettext(visitor.lang, STALE)
        return await _webhook(request, db, visitor, found, status_code=412, notice=notice, refused=True)
    return redirect(request, visitor, f"/admin/webhooks/{found}?done=enabled")
