from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, Paging, link_next, require
from api.problems import problems
from domain.accounts.audit_log import AuditEntryRead, AuditFilters, list_audit
from domain.auth.policy import AUDIT_READ
from domain.pagination import Page

router = APIRouter()


@router.get("/audit", response_model=Page[AuditEntryRead], operation_id="list_audit", summary="Read the audit log",
            description="Every write (actor, time, action, entity, changed fields before and after) and every read of "
            "officers' data by a focal point or trainer (filter, row count), oldest first.", responses=problems())
async def audit(request: Request, response: Response, db: DbSession, principal: require(AUDIT_READ), paging: Paging,
                filters: Annotated[AuditFilters, Query()]):
    items, next_cursor = await list_audit(db, principal=principal, filters=filters, limit=paging.limit, cursor=paging.cursor)
    link_next(request, response, next_cursor)
    return {"items": items, "next_cursor": next_cursor}
