"""Reports: gender balance and cycle results for donors, as JSON, CSV, XLSX or an SVG chart."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, holding
from api.exports import ChartFormat, ExportFormat, export_responses, tabular
from api.problems import problems
from api.routing import CheckedRoute
from domain.auth.policy import REPORTS_READ
from domain.auth.principal import Principal
from domain.reporting import chart, tables
from domain.reporting.cycle_results import cycle_results
from domain.reporting.gender_balance import gender_balance
from domain.reporting.schemas import BalanceFilters, CycleResults, GenderBalanceReport, GroupBy
from domain.schemas import Day, SearchText

router = APIRouter(tags=["reports"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(REPORTS_READ)]

_WHO = (
    "Admins and coordinators get exact figures (a coordinator: their programmes only; naming another programme or its "
    "cycle is a 403); focal points get exact figures for their own agency and its sub-units (another agency is a 403); "
    "observers and machine clients get the same report with every count below the suppression threshold (default 3) "
    "withheld as null, listed in the `suppressed` field beside it, together with any count that would give one away. "
    "No report names a person."
)
_FORMATS = " Also as CSV (UTF-8 with BOM) or XLSX: ?format=csv|xlsx or the Accept header."
From = Annotated[Day | None, Query(alias="from", description="First local date of the period (inclusive)")]
To = Annotated[Day | None, Query(description="Last local date of the period (inclusive)")]


def _threshold(request: Request) -> int:
    return request.app.state.settings.report_suppression_threshold


@router.get(
    "/reports/gender-balance",
    response_model=GenderBalanceReport,
    operation_id="get_gender_balance_report",
    summary="Report gender balance against the targets",
    description="Per group and in total: nominated, enrolled, attended (at least one present or late mark) and "
    "completed, by sex, each as unique persons and as participations; the female share of the enrolled and of "
    "those who completed; the target in force and whether the group is below it. Cancelled modules never count; "
    "with from/to, only modules with a session on those local dates. "
    + _WHO
    + _FORMATS
    + " ?format=svg (or Accept: image/svg+xml) draws the female share per group against the target.",
    responses=problems(404) | export_responses(svg=True),
)
async def get_gender_balance_report(
    request: Request,
    db: DbSession,
    principal: Reader,
    programme_id: uuid.UUID | None = None,
    cycle_id: uuid.UUID | None = None,
    agency_id: Annotated[uuid.UUID | None, Query(description="The nominating agency and its sub-units")] = None,
    discipline: Annotated[SearchText | None, Query()] = None,
    date_from: From = None,
    to: To = None,
    group_by: Annotated[
        GroupBy,
        Query(
            description="module (default), cycle, agency (top-level, or sub-units within "
            "an agency filter) or discipline"
        ),
    ] = GroupBy.module,
    format: ChartFormat = None,
) -> GenderBalanceReport | Response:
    filters = BalanceFilters(
        programme_id=programme_id,
        cycle_id=cycle_id,
        agency_id=agency_id,
        discipline=discipline,
        date_from=date_from,
        date_to=to,
        group_by=group_by,
    )
    report = await gender_balance(db, principal=principal, filters=filters, threshold=_threshold(request))
    return tabular(
        request,
        rows=lambda: tables.balance_rows(report),
        columns=tables.BALANCE_COLUMNS,
        filename=f"gender-balance-by-{group_by.value}",
        default=report,
        svg=lambda: chart.balance_chart(report),
    )


@router.get(
    "/reports/cycles/{cycle_id:uuid}/results",
    response_model=CycleResults,
    operation_id="get_cycle_results_report",
    summary="Report a cycle's results for donors",
    description="Individuals trained (unique persons who completed) and participations by sex and by agency; those "
    "with increased knowledge and those tested, by the cycle's knowledge_definition (by default: a post-test above "
    "the pre-test; the knowledge-gain report adds them by agency); activities delivered by discipline and format; "
    "training days and person-days; the female share against the cycle's target; and a scorecard of nominations, "
    "enrolments, attendance and no-show rates per nominating agency. With from/to, the modules whose last session "
    "falls in the period. " + _WHO + _FORMATS,
    responses=problems(404) | export_responses(),
)
async def get_cycle_results_report(
    request: Request,
    cycle_id: uuid.UUID,
    db: DbSession,
    principal: Reader,
    date_from: From = None,
    to: To = None,
    format: ExportFormat = None,
) -> CycleResults | Response:
    report = await cycle_results(
        db, principal=principal, cycle_id=cycle_id, date_from=date_from, date_to=to, threshold=_threshold(request)
    )
    return tabular(
        request,
        rows=lambda: tables.results_rows(report),
        columns=tables.RESULTS_COLUMNS,
        filename="cycle-results",
        default=report,
    )
