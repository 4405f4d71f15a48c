"""Administration: the audit log with the API's filters (actor, entity, record, action, a time
window), oldest first and paged like GET /api/v1/audit, through domain/accounts/audit_log.py. A
filter that does not read (a moment typed wrong) is said next to its field, what was typed kept."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.deps import DbSession
from domain import i18n
from domain.accounts import audit_log
from domain.i18n import N_
from web.routes.admin_common import PAGE_SIZE, Admin, invalid_fields, principal, utc_text
from web.templating import render

router = APIRouter(prefix="/admin/audit", include_in_schema=False)
FIELDS = ("actor_name", "entity", "entity_id", "action", "since", "until")
DONE = {"erased": N_("The officer was erased. The audit log keeps the fact, not the erased values.")}


@router.get("")
async def audit(request: Request, db: DbSession, visitor: Admin, cursor: str | None = None) -> Response:
    typed = {name: request.query_params.get(name, "")[:200] for name in FIELDS}
    given: dict[str, Any] = {name: value.strip() for name, value in typed.items() if value.strip()}
    for name in ("since", "until"):
        if name in given:
            given[name] = utc_text(given[name])
    items: list[Any] = []
    next_cursor, errors, status_code = None, {}, 200
    try:
        filters = audit_log.AuditFilters(**given)
    except ValidationError as exc:
        errors, status_code = invalid_fields(visitor.lang, exc), 422
    else:
        items, next_cursor = await audit_log.list_audit(
            db, principal=principal(visitor), filters=filters, limit=PAGE_SIZE, cursor=cursor
        )
    done = request.query_params.get("done")
    query = "&".join(f"{k}={v}" for k, v in typed.items() if v)
    return render(
        request,
        visitor,
        "admin/audit.html",
        status_code=status_code,
        items=items,
        next_cursor=next_cursor,
        typed=typed,
        errors=errors,
        query=query,
        done=i18n.gettext(visitor.lang, DONE[done]) if done in DONE else "",
    )
