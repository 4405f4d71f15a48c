"""The audit log: who changed what, and who read officers' data."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, Paging, holding, list_page
from api.problems import problems
from api.routing import CheckedRoute
from domain.accounts import audit_log
from domain.accounts.audit_log import AuditEntryRead, AuditFilters
from domain.auth.policy import AUDIT_READ
from domain.auth.principal import Principal
from domain.pagination import Page

router = APIRouter(tags=["audit"], route_class=CheckedRoute)
Auditor = Annotated[Principal, holding(AUDIT_READ)]


@router.get(
    "/audit",
    response_model=Page[AuditEntryRead],
    operation_id="list_audit",
    summary="Read the audit log",
    description="Every write (actor, time, action, entity, changed fields before and after) and every read of "
    "officers' data by a focal point or trainer (filter, row count), oldest first. Filter by actor, entity, "
    "action, or a time window (`since` inclusive, `until` exclusive).",
    responses=problems(),
)
async def list_audit(
    request: Request,
    response: Response,
    db: DbSession,
    principal: Auditor,
    paging: Paging,
    filters: Annotated[AuditFilters, Query()],
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await audit_log.list_audit(db, principal=principal, filters=filters, limit=paging.limit, cursor=paging.cursor),
    )
