"""Results for donors: knowledge gain as donors count it, and a cycle's logframe indicators with
their report for a period (JSON, CSV or XLSX), shaped for typing into OPSYS."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, link_next, set_etag
from api.exports import ExportFormat, export_responses, tabular
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth.policy import PLANNING_WRITE, REPORTS_READ
from domain.auth.principal import Principal
from domain.indicators import service, tables
from domain.indicators.report import indicator_report
from domain.indicators.schemas import (
    IndicatorCreate,
    IndicatorRead,
    IndicatorReport,
    IndicatorUpdate,
    IndicatorValueCreate,
    IndicatorValueRead,
)
from domain.models.indicators import Indicator, IndicatorValue
from domain.pagination import Page
from domain.reporting.knowledge import knowledge_gain
from domain.reporting.schemas import KnowledgeGain
from domain.schemas import Day

router = APIRouter(tags=["indicators"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(REPORTS_READ)]
Planner = Annotated[Principal, holding(PLANNING_WRITE)]

_WHO = (
    " Admins and coordinators of the cycle's programme get exact figures (another programme's cycle is a 403); focal "
    "points get exact figures for their own agency and its sub-units; observers and machine clients get every count "
    "below the suppression threshold withheld as null and named in `suppressed`. No report names a person."
)
_FORMATS = " Also as CSV (UTF-8 with BOM) or XLSX: ?format=csv|xlsx or the Accept header."
_WRITERS = " Coordinators of the cycle's programme and administrators; audited."


def _threshold(request: Request) -> int:
    return request.app.state.settings.report_suppression_threshold


@router.get(
    "/reports/cycles/{cycle_id:uuid}/knowledge-gain",
    response_model=KnowledgeGain,
    operation_id="get_knowledge_gain_report",
    summary="Report knowledge gain as donors count it",
    description="Unique individuals trained (who completed a module of the cycle) with increased knowledge, by sex "
    "and by agency, beside the denominator: those tested (having the scores the cycle's knowledge_definition needs: "
    "post_above_pre, both tests; post_at_threshold, a post-test in a module with a knowledge_threshold). A person "
    "counts once, increased if so in any module. With from/to, the modules whose last session falls in the period."
    + _WHO
    + _FORMATS,
    responses=problems(404) | export_responses(),
)
async def get_knowledge_gain_report(
    request: Request,
    cycle_id: uuid.UUID,
    db: DbSession,
    principal: Reader,
    date_from: Annotated[Day | None, Query(alias="from", description="First local date of the period")] = None,
    to: Annotated[Day | None, Query(description="Last local date of the period (inclusive)")] = None,
    format: ExportFormat = None,
) -> KnowledgeGain | Response:
    report = await knowledge_gain(
        db, principal=principal, cycle_id=cycle_id, date_from=date_from, date_to=to, threshold=_threshold(request)
    )
    return tabular(
        request,
        rows=lambda: tables.knowledge_rows(report),
        columns=tables.KNOWLEDGE_COLUMNS,
        filename="knowledge-gain",
        default=report,
    )


@router.get(
    "/cycles/{cycle_id:uuid}/indicator-report",
    response_model=IndicatorReport,
    operation_id="get_indicator_report",
    summary="Report a cycle's logframe indicators for a period",
    description="Per indicator, as OPSYS asks for it: code, title, unit, baseline, target, the current value and, "
    "with a disaggregation by sex, the values for women and men. trained_individuals, women_share and "
    "increased_knowledge are the cycle results' and knowledge-gain report's figures for the same period (a module "
    "counts in the period of its last session); an entered indicator shows the latest value entered for a period "
    "within the one asked for, with its evidence; reaction_mean (0-100 score) and followup_application_rate "
    "(percent) are the cycle's survey results' figures (GET /cycles/{cycle_id}/survey-results)." + _WHO + _FORMATS,
    responses=problems(404) | export_responses(),
)
async def get_indicator_report(
    request: Request,
    cycle_id: uuid.UUID,
    db: DbSession,
    principal: Reader,
    period_start: Annotated[Day | None, Query(description="First local date of the reporting period")] = None,
    period_end: Annotated[Day | None, Query(description="Last local date of the reporting period (inclusive)")] = None,
    format: ExportFormat = None,
) -> IndicatorReport | Response:
    report = await indicator_report(
        db,
        principal=principal,
        cycle_id=cycle_id,
        period_start=period_start,
        period_end=period_end,
        threshold=_threshold(request),
    )
    return tabular(
        request,
        rows=lambda: tables.indicator_rows(report),
        columns=tables.INDICATOR_COLUMNS,
        filename="indicator-report",
        default=report,
    )


@router.get(
    "/cycles/{cycle_id:uuid}/indicators",
    response_model=Page[IndicatorRead],
    operation_id="list_indicators",
    summary="List a cycle's logframe indicators",
    description="In order of their code. For those who read the cycle's reports.",
    responses=problems(404),
)
async def list_indicators(
    cycle_id: uuid.UUID, request: Request, response: Response, db: DbSession, principal: Reader, paging: Paging
) -> dict[str, Any]:
    items, next_cursor = await service.list_indicators(
        db, principal=principal, cycle_id=cycle_id, limit=paging.limit, cursor=paging.cursor
    )
    link_next(request, response, next_cursor)
    return {"items": items, "next_cursor": next_cursor}


@router.post(
    "/cycles/{cycle_id:uuid}/indicators",
    response_model=IndicatorRead,
    status_code=201,
    operation_id="create_indicator",
    summary="Add a logframe indicator to a cycle",
    description="Its code is unique in the cycle (a 409 otherwise)." + _WRITERS,
    responses=problems(404, 409),
)
async def create_indicator(
    cycle_id: uuid.UUID, data: IndicatorCreate, request: Request, response: Response, db: DbSession, principal: Planner
) -> Indicator:
    indicator = await service.create_indicator(db, principal=principal, cycle_id=cycle_id, data=data)
    set_etag(response, indicator.version)
    response.headers["Location"] = absolute_url(request, f"/api/v1/cycles/{cycle_id}/indicators/{indicator.id}")
    return indicator


@router.get(
    "/cycles/{cycle_id:uuid}/indicators/{indicator_id:uuid}",
    response_model=IndicatorRead,
    operation_id="get_indicator",
    summary="Get a logframe indicator",
    responses=problems(404),
)
async def get_indicator(
    cycle_id: uuid.UUID, indicator_id: uuid.UUID, response: Response, db: DbSession, principal: Reader
) -> Indicator:
    indicator = await service.get_indicator(db, principal=principal, cycle_id=cycle_id, indicator_id=indicator_id)
    set_etag(response, indicator.version)
    return indicator


@router.patch(
    "/cycles/{cycle_id:uuid}/indicators/{indicator_id:uuid}",
    response_model=IndicatorRead,
    operation_id="update_indicator",
    summary="Change a logframe indicator",
    description="Send only the fields to change. Once approved, its disaggregation cannot change and the approval "
    "cannot be withdrawn: a 409 whose `field` names it. With If-Match, an indicator changed since is a 412." + _WRITERS,
    responses=problems(404, 409, 412),
)
async def update_indicator(
    cycle_id: uuid.UUID,
    indicator_id: uuid.UUID,
    data: IndicatorUpdate,
    response: Response,
    db: DbSession,
    principal: Planner,
    version: IfMatch,
) -> Indicator:
    indicator = await service.update_indicator(
        db, principal=principal, cycle_id=cycle_id, indicator_id=indicator_id, data=data, expected_version=version
    )
    set_etag(response, indicator.version)
    return indicator


@router.delete(
    "/cycles/{cycle_id:uuid}/indicators/{indicator_id:uuid}",
    status_code=204,
    operation_id="delete_indicator",
    summary="Delete a logframe indicator",
    description="With its entered values. An approved indicator stays (a 409)." + _WRITERS,
    responses=problems(404, 409, 412),
)
async def delete_indicator(
    cycle_id: uuid.UUID, indicator_id: uuid.UUID, db: DbSession, principal: Planner, version: IfMatch
) -> Response:
    await service.delete_indicator(
        db, principal=principal, cycle_id=cycle_id, indicator_id=indicator_id, expected_version=version
    )
    return Response(status_code=204)


@router.get(
    "/cycles/{cycle_id:uuid}/indicators/{indicator_id:uuid}/values",
    response_model=Page[IndicatorValueRead],
    operation_id="list_indicator_values",
    summary="List the values entered for an indicator",
    description="In order of their period's start.",
    responses=problems(404),
)
async def list_indicator_values(
    cycle_id: uuid.UUID,
    indicator_id: uuid.UUID,
    request: Request,
    response: Response,
    db: DbSession,
    principal: Reader,
    paging: Paging,
) -> dict[str, Any]:
    items, next_cursor = await service.list_values(
        db, principal=principal, cycle_id=cycle_id, indicator_id=indicator_id, limit=paging.limit, cursor=paging.cursor
    )
    link_next(request, response, next_cursor)
    return {"items": items, "next_cursor": next_cursor}


@router.post(
    "/cycles/{cycle_id:uuid}/indicators/{indicator_id:uuid}/values",
    response_model=IndicatorValueRead,
    status_code=201,
    operation_id="create_indicator_value",
    summary="Enter an indicator's value for a reporting period, with its evidence",
    description="Only for an indicator whose source is entered (a computed one is a 409 naming `source`); one value "
    "per indicator and period (a 409 otherwise)." + _WRITERS,
    responses=problems(404, 409),
)
async def create_indicator_value(
    cycle_id: uuid.UUID,
    indicator_id: uuid.UUID,
    data: IndicatorValueCreate,
    db: DbSession,
    principal: Planner,
) -> IndicatorValue:
    return await service.create_value(db, principal=principal, cycle_id=cycle_id, indicator_id=indicator_id, data=data)


@router.delete(
    "/cycles/{cycle_id:uuid}/indicators/{indicator_id:uuid}/values/{value_id:uuid}",
    status_code=204,
    operation_id="delete_indicator_value",
    summary="Delete a value entered for an indicator",
    description=_WRITERS.strip(),
    responses=problems(404),
)
async def delete_indicator_value(
    cycle_id: uuid.UUID, indicator_id: uuid.UUID, value_id: uuid.UUID, db: DbSession, principal: Planner
) -> Response:
    await service.delete_value(db, principal=principal, cycle_id=cycle_id, indicator_id=indicator_id, value_id=value_id)
    return Response(status_code=204)
