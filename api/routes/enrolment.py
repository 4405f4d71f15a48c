"""Enrolment: quotas, nominations and their decisions, the waitlist and the gender balance."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, link_next, set_etag
from api.exports import ExportFormat, export_responses, tabular
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth.policy import NOMINATIONS_DECIDE, NOMINATIONS_READ, NOMINATIONS_WRITE
from domain.auth.principal import Principal
from domain.enrolment import balance, nominations, quotas, substitution
from domain.enrolment.models import Nomination, NominationChange
from domain.enrolment.schemas import (
    BalanceRead,
    Decision,
    DecisionResult,
    HistoryEntry,
    NominationCreate,
    NominationRead,
    QuotaRelease,
    QuotasPut,
    QuotasRead,
    Substitution,
    SubstitutionResult,
    WaitlistOrder,
    Withdrawal,
)
from domain.enrolment.tags import quotas_tag, waitlist_tag
from domain.exports import Column
from domain.pagination import Page

router = APIRouter(tags=["enrolment"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(NOMINATIONS_READ)]
Nominator = Annotated[Principal, holding(NOMINATIONS_WRITE)]
Decider = Annotated[Principal, holding(NOMINATIONS_DECIDE)]

NOMINATION_COLUMNS: list[Column] = [
    ("id", "Nomination id"),
    ("officer_id", "Officer id"),
    ("agency_id", "Agency id"),
    ("role", "Role"),
    ("priority", "Priority"),
    ("status", "Status"),
    ("nominated_by", "Nominated by"),
    ("note", "Note"),
    ("created_at", "Nominated at"),
]


# Quotas


@router.get(
    "/modules/{module_id:uuid}/quotas",
    response_model=QuotasRead,
    operation_id="get_module_quotas",
    summary="Show a module's agency quotas and the general pool",
    description="The ETag stands for the quotas as set (agencies, seats, released): send it in If-Match when setting "
    "or releasing them.",
    responses=problems(404),
)
async def get_module_quotas(module_id: uuid.UUID, response: Response, db: DbSession, principal: Reader) -> QuotasRead:
    found = await quotas.get_quotas(db, principal=principal, module_id=module_id)
    set_etag(response, quotas_tag(found))
    return found


@router.put(
    "/modules/{module_id:uuid}/quotas",
    response_model=QuotasRead,
    operation_id="set_module_quotas",
    summary="Reserve seats per agency",
    description="Replaces the module's quotas. A quota reserves seats for an "
    "agency and its sub-units and caps them, until released or the nomination deadline passes. With If-Match (the "
    "quotas' ETag), quotas changed by someone else since are a 412.",
    responses=problems(404, 412),
)
async def set_module_quotas(
    module_id: uuid.UUID, data: QuotasPut, response: Response, db: DbSession, principal: Decider, version: IfMatch
) -> QuotasRead:
    found = await quotas.put_quotas(db, principal=principal, module_id=module_id, data=data, expected_version=version)
    set_etag(response, quotas_tag(found))
    return found


@router.post(
    "/modules/{module_id:uuid}/quotas/release",
    response_model=QuotasRead,
    operation_id="release_module_quotas",
    summary="Return unclaimed quota seats to the general pool",
    description="With If-Match (the quotas' ETag), quotas changed by someone else since are a 412.",
    responses=problems(404, 412),
)
async def release_module_quotas(
    module_id: uuid.UUID, data: QuotaRelease, response: Response, db: DbSession, principal: Decider, version: IfMatch
) -> QuotasRead:
    found = await quotas.release_quotas(
        db, principal=principal, module_id=module_id, reason=data.reason, expected_version=version
    )
    set_etag(response, quotas_tag(found))
    return found


# Nominations


@router.post(
    "/modules/{module_id:uuid}/nominations",
    response_model=NominationRead,
    status_code=201,
    operation_id="create_nomination",
    summary="Nominate an officer",
    description="Focal points nominate officers of their own agency; coordinators any. "
    "A refused nomination is a 422 naming the rule (module-not-open, deadline-passed, already-nominated, "
    "prerequisite-not-completed, schedule-overlap, identity-fields-missing).",
    responses=problems(404),
)
async def create_nomination(
    module_id: uuid.UUID,
    data: NominationCreate,
    request: Request,
    response: Response,
    db: DbSession,
    principal: Nominator,
) -> NominationRead:
    created = await nominations.create_nomination(db, principal=principal, module_id=module_id, data=data)
    response.headers["Location"] = absolute_url(request, f"/api/v1/nominations/{created.id}")
    return created


@router.get(
    "/modules/{module_id:uuid}/nominations",
    response_model=Page[NominationRead],
    operation_id="list_nominations",
    summary="List a module's nominations",
    description="In the order they were made. Filter by status, role, "
    "officer, or nominating agency (with its sub-units); only nominations of officers within your reach are listed. "
    "A coordinator sees the nominations of their programmes' modules only: another programme's module is a 404. "
    "Also as CSV or XLSX (?format=csv|xlsx or the Accept header): one page per request, like the JSON.",
    responses=problems(404) | export_responses(),
)
async def list_nominations(
    module_id: uuid.UUID,
    request: Request,
    response: Response,
    db: DbSession,
    principal: Reader,
    paging: Paging,
    filters: Annotated[nominations.NominationFilters, Query()],
    format: ExportFormat = None,
) -> dict[str, Any] | Response:
    items, next_cursor = await nominations.list_nominations(
        db, principal=principal, module_id=module_id, filters=filters, limit=paging.limit, cursor=paging.cursor
    )
    link_next(request, response, next_cursor)
    page = {"items": items, "next_cursor": next_cursor}
    exported = tabular(
        request,
        rows=lambda: [NominationRead.model_validate(n).model_dump(mode="json") for n in items],
        columns=NOMINATION_COLUMNS,
        filename=f"nominations-{module_id}",
        default=page,
    )
    if exported is not page and next_cursor:
        exported.headers["Link"] = response.headers["Link"]
    return exported


@router.get(
    "/nominations/{nomination_id:uuid}",
    response_model=NominationRead,
    operation_id="get_nomination",
    summary="Get a nomination",
    description="Of an officer within your reach (for a coordinator, in a module of their programmes); any other is a "
    "404.",
    responses=problems(404),
)
async def get_nomination(nomination_id: uuid.UUID, response: Response, db: DbSession, principal: Reader) -> Nomination:
    nomination = await nominations.get_nomination(db, principal=principal, nomination_id=nomination_id)
    set_etag(response, nomination.version)
    return nomination


@router.get(
    "/nominations/{nomination_id:uuid}/history",
    response_model=list[HistoryEntry],
    operation_id="get_nomination_history",
    summary="Show a nomination's history",
    description="Every status change of the nomination, oldest first: who, when, from, to and why.",
    responses=problems(404),
)
async def get_nomination_history(nomination_id: uuid.UUID, db: DbSession, principal: Reader) -> list[NominationChange]:
    return await nominations.nomination_history(db, principal=principal, nomination_id=nomination_id)


@router.post(
    "/nominations/{nomination_id:uuid}/decision",
    response_model=DecisionResult,
    operation_id="decide_nomination",
    summary="Accept, waitlist or reject a nomination",
    description="Accepting never exceeds the module's capacity nor the agency's quota: beyond them the answer is a "
    "409 naming the limit (capacity-reached, quota-reached), or with on_full=waitlist the nomination queues. "
    "Rejecting an enrolled participant frees the seat: the response lists who was promoted and who was skipped. "
    "With If-Match (the nomination's ETag), a nomination decided or changed by someone else since is a 412.",
    responses=problems(404, 409, 412),
)
async def decide_nomination(
    nomination_id: uuid.UUID, data: Decision, response: Response, db: DbSession, principal: Decider, version: IfMatch
) -> DecisionResult:
    result = await nominations.decide(
        db, principal=principal, nomination_id=nomination_id, data=data, expected_version=version
    )
    set_etag(response, result.nomination.version)
    return result


@router.post(
    "/nominations/{nomination_id:uuid}/withdraw",
    response_model=DecisionResult,
    operation_id="withdraw_nomination",
    summary="Withdraw a nomination",
    description="A freed seat goes to the first eligible waiting nomination, the "
    "same agency's alternate first; the response lists who was promoted and who was skipped.",
    responses=problems(404, 409),
)
async def withdraw_nomination(
    nomination_id: uuid.UUID, data: Withdrawal, db: DbSession, principal: Nominator
) -> DecisionResult:
    return await nominations.withdraw(db, principal=principal, nomination_id=nomination_id, data=data)


@router.post(
    "/nominations/{nomination_id:uuid}/substitute",
    response_model=SubstitutionResult,
    status_code=201,
    operation_id="substitute_nomination",
    summary="Put another officer in a nomination's place",
    description="While the module is open or confirmed and before its first session starts, a submitted, "
    "waitlisted or enrolled nomination is withdrawn and another officer (of your reach) takes its place: the same "
    "role, priority and place in the queue, and an enrolled nomination's seat if capacity and quotas allow it for "
    "the substitute's unit (else a 409 naming the limit, nothing changed). The substitute passes every nomination "
    "rule but the deadline (a 422 naming the rule). With If-Match (the replaced nomination's ETag), a nomination "
    "changed by someone else since is a 412.",
    responses=problems(404, 409, 412),
)
async def substitute_nomination(
    nomination_id: uuid.UUID,
    data: Substitution,
    request: Request,
    response: Response,
    db: DbSession,
    principal: Nominator,
    version: IfMatch,
) -> SubstitutionResult:
    result = await substitution.substitute(
        db, principal=principal, nomination_id=nomination_id, data=data, expected_version=version
    )
    response.headers["Location"] = absolute_url(request, f"/api/v1/nominations/{result.nomination.id}")
    set_etag(response, result.nomination.version)
    return result


# The waitlist and the balance


@router.get(
    "/modules/{module_id:uuid}/waitlist",
    response_model=list[NominationRead],
    operation_id="get_waitlist",
    summary="Show the waitlist in promotion order",
    description="The ETag stands for the waitlist's members in their order: send it in If-Match when reordering.",
    responses=problems(404),
)
async def get_waitlist(module_id: uuid.UUID, response: Response, db: DbSession, principal: Reader) -> list[Nomination]:
    waiting = await quotas.list_waitlist(db, principal=principal, module_id=module_id)
    set_etag(response, waitlist_tag(n.id for n in waiting))
    return waiting


@router.put(
    "/modules/{module_id:uuid}/waitlist",
    response_model=list[NominationRead],
    operation_id="reorder_waitlist",
    summary="Reorder the waitlist",
    description="Send waiting nominations' ids in the order wanted; the others "
    "follow. An id that is not waiting for this module, or is listed twice, is a 422. With If-Match (the waitlist's "
    "ETag), a waitlist changed by someone else since is a 412.",
    responses=problems(404, 412),
)
async def reorder_waitlist(
    module_id: uuid.UUID, data: WaitlistOrder, response: Response, db: DbSession, principal: Decider, version: IfMatch
) -> list[Nomination]:
    waiting = await quotas.reorder_waitlist(
        db, principal=principal, module_id=module_id, nomination_ids=data.nomination_ids, expected_version=version
    )
    set_etag(response, waitlist_tag(n.id for n in waiting))
    return waiting


@router.get(
    "/modules/{module_id:uuid}/balance",
    response_model=BalanceRead,
    operation_id="get_module_balance",
    summary="Show a module's gender balance",
    description="Women and men enrolled and pending; the female share now and if every pending nomination were "
    "accepted, against the target (the module's, else its cycle's). The balance is watched and warned about, never "
    "used to refuse a person.",
    responses=problems(404),
)
async def get_module_balance(module_id: uuid.UUID, db: DbSession, principal: Reader) -> BalanceRead:
    return await balance.get_balance(db, principal=principal, module_id=module_id)
