"""Donor results: GET /results (the gender balance, with the API's filters and its female-share
chart) and GET /results/cycle (a cycle's results), each with CSV and XLSX files headed in the
person's language. The same services as GET /api/v1/reports/...: what an observer reads here is
what the API gives an observer, aggregates with small counts withheld (and shown as withheld, with
the reason). The home page of observers; coordinators and administrators reach it from the
navigation. Anyone else (focal points, trainers) gets the missing page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.deps import DbSession
from domain import errors as e
from domain import i18n
from domain.auth.principal import Role
from domain.exports import Column, to_csv, to_xlsx
from domain.reporting import chart, tables
from domain.reporting.choices import report_choices
from domain.reporting.cycle_results import cycle_results
from domain.reporting.gender_balance import gender_balance
from domain.reporting.schemas import BalanceFilters, CycleResults, GenderBalanceReport, GroupBy
from web.routes.desk_common import percent, person
from web.templating import finish, render
from web.visitor import SignedInVisitor, Visitor

router = APIRouter(prefix="/results", include_in_schema=False)
Param = Annotated[str, Query(max_length=100)]
From = Annotated[str, Query(alias="from", max_length=20)]
READERS = frozenset({Role.admin, Role.coordinator, Role.observer})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def results_reader(visitor: SignedInVisitor) -> Visitor:
    if visitor.person is None or visitor.person.role not in READERS:
        raise e.NotFound("No such page.")  # another role's page answers like a missing one
    return visitor


Reader = Annotated[Visitor, Depends(results_reader)]


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class BalanceQuery:
    programme: str
    cycle: str
    agency: str
    discipline: str
    date_from: str
    to: str
    group_by: str

    def filters(self) -> BalanceFilters:
        return BalanceFilters(
            programme_id=_uuid(self.programme),
            cycle_id=_uuid(self.cycle),
            agency_id=_uuid(self.agency),
            discipline=self.discipline.strip() or None,
            date_from=_day(self.date_from),
            date_to=_day(self.to),
            group_by=GroupBy(self.group_by) if self.group_by in {g.value for g in GroupBy} else GroupBy.module,
        )

    def query(self) -> str:
        f = self.filters()
        params = {
            "programme": f.programme_id,
            "cycle": f.cycle_id,
            "agency": f.agency_id,
            "discipline": f.discipline,
            "from": f.date_from,
            "to": f.date_to,
            "group_by": f.group_by.value,
        }
        return urlencode({k: str(v) for k, v in params.items() if v})


def balance_query(
    programme: Param = "",
    cycle: Param = "",
    agency: Param = "",
    discipline: Param = "",
    date_from: From = "",
    to: Param = "",
    group_by: Param = "",
) -> BalanceQuery:
    return BalanceQuery(programme, cycle, agency, discipline, date_from, to, group_by)


Balance = Annotated[BalanceQuery, Depends(balance_query)]


def _threshold(request: Request) -> int:
    return int(request.app.state.settings.report_suppression_threshold)


async def _or_missing(call: Any) -> Any:
    """A report: a programme, cycle or agency that is not the person's to see is a missing page."""
    try:
        return await call
    except (e.NotFound, e.Forbidden):
        raise e.NotFound("No such page.") from None


def _file(
    request: Request, visitor: Visitor, rows: list[dict[str, Any]], columns: list[Column], name: str, fmt: str
) -> Response:
    body = to_csv(rows, columns) if fmt == "csv" else to_xlsx(rows, columns, sheet=name)
    media = "text/csv; charset=utf-8; header=present" if fmt == "csv" else XLSX
    response = Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})
    finish(request, visitor, response)
    return response


async def _balance_report(request: Request, db: Any, visitor: Visitor, q: BalanceQuery) -> GenderBalanceReport:
    return await _or_missing(
        gender_balance(db, principal=person(visitor), filters=q.filters(), threshold=_threshold(request))
    )


@router.get("")
async def balance_page(request: Request, db: DbSession, visitor: Reader, q: Balance) -> Response:
    choices = await report_choices(db, principal=person(visitor))
    report, problem, status = None, None, 200
    try:
        report = await _balance_report(request, db, visitor, q)
    except e.InvalidInput:
        problem, status = i18n.gettext(visitor.lang, i18n.N_("The period ends before it starts.")), 422
    return render(
        request,
        visitor,
        "results/balance.html",
        status_code=status,
        report=report,
        problem=problem,
        f=q.filters(),
        query=q.query(),
        choices=choices,
        pct=percent(visitor),
    )


@router.get("/gender-balance.{fmt}")
async def balance_file(request: Request, db: DbSession, visitor: Reader, q: Balance, fmt: str) -> Response:
    if fmt not in {"csv", "xlsx", "svg"}:
        raise e.NotFound("No such page.")
    try:
        report = await _balance_report(request, db, visitor, q)
    except e.InvalidInput:
        raise e.NotFound("No such page.") from None
    name = f"gender-balance-by-{report.group_by.value}"
    if fmt == "svg":
        response = Response(
            chart.balance_chart(report, lang=visitor.lang).encode("utf-8"),
            media_type="image/svg+xml",
            headers={"Content-Disposition": f'inline; filename="{name}.svg"'},
        )
        finish(request, visitor, response)
        return response
    rows = tables.balance_rows(report, visitor.lang)
    return _file(request, visitor, rows, tables.balance_columns(visitor.lang), name, fmt)


async def _cycle_report(
    request: Request, db: Any, visitor: Visitor, cycle_id: uuid.UUID, date_from: date | None, to: date | None
) -> CycleResults:
    return await _or_missing(
        cycle_results(
            db,
            principal=person(visitor),
            cycle_id=cycle_id,
            date_from=date_from,
            date_to=to,
            threshold=_threshold(request),
        )
    )


@router.get("/cycle")
async def cycle_page(
    request: Request, db: DbSession, visitor: Reader, cycle: Param = "", date_from: From = "", to: Param = ""
) -> Response:
    choices = await report_choices(db, principal=person(visitor))
    cycle_id, first, last = _uuid(cycle), _day(date_from), _day(to)
    report, problem, status = None, None, 200
    if cycle_id is not None:
        try:
            report = await _cycle_report(request, db, visitor, cycle_id, first, last)
        except e.InvalidInput:
            problem, status = i18n.gettext(visitor.lang, i18n.N_("The period ends before it starts.")), 422
    params = {"cycle": cycle_id, "from": first, "to": last}
    return render(
        request,
        visitor,
        "results/cycle.html",
        status_code=status,
        report=report,
        problem=problem,
        cycle_id=cycle_id,
        date_from=first,
        date_to=last,
        query=urlencode({k: str(v) for k, v in params.items() if v}),
        choices=choices,
        pct=percent(visitor),
    )


@router.get("/cycle.{fmt}")
async def cycle_file(
    request: Request,
    db: DbSession,
    visitor: Reader,
    fmt: str,
    cycle: Param = "",
    date_from: From = "",
    to: Param = "",
) -> Response:
    cycle_id = _uuid(cycle)
    if fmt not in {"csv", "xlsx"} or cycle_id is None:
        raise e.NotFound("No such page.")
    try:
        report = await _cycle_report(request, db, visitor, cycle_id, _day(date_from), _day(to))
    except e.InvalidInput:
        raise e.NotFound("No such page.") from None
    rows = tables.results_rows(report, visitor.lang)
    return _file(request, visitor, rows, tables.results_columns(visitor.lang), "cycle-results", fmt)
