"""One way to answer a list or a report as JSON, CSV, XLSX or (for charts) SVG.

The format comes from ?format=json|csv|xlsx|svg, else from the Accept header (text/csv, the
XLSX media type, image/svg+xml; anything else is JSON). To offer it on a route:

    @router.get(..., response_model=RosterRead, responses=problems(404) | export_responses())
    async def get_roster(request: Request, ..., format: ExportFormat = None):
        roster = await service.get_roster(...)
        return tabular(request, rows=lambda: [...one dict per line...], columns=[("name", "Name"), ...],
                       filename="roster", default=roster)

`default` is what the route returns for JSON (validated by its response_model as usual); `rows`
(a list, or a callable so that JSON never pays for flattening) and `columns` ((key, header) or
(key, header, "percent")) make the CSV and XLSX; `svg`, a callable returning SVG text, enables
?format=svg. Files come as attachments named `filename`.<ext>; every answer varies on Accept."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response

from domain.errors import InvalidInput
from domain.exports import Column, to_csv, to_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
SVG = "image/svg+xml"
JSON = "application/json"
MEDIA = {"csv": CSV, "xlsx": XLSX, "svg": SVG, "json": JSON}
_BY_MEDIA = {CSV: "csv", XLSX: "xlsx", SVG: "svg", JSON: "json", "application/*": "json", "*/*": "json",
             "application/problem+json": "json"}

ExportFormat = Annotated[
    Literal["json", "csv", "xlsx"] | None,
    Query(description="json (default), csv (UTF-8 with BOM) or xlsx; the Accept header works too"),
]
ChartFormat = Annotated[
    Literal["json", "csv", "xlsx", "svg"] | None,
    Query(description="json (default), csv (UTF-8 with BOM), xlsx, or svg (a chart); the Accept header works too"),
]

Rows = Iterable[Mapping[str, Any]] | Callable[[], Iterable[Mapping[str, Any]]]


def export_responses(*, svg: bool = False) -> dict[int | str, dict[str, Any]]:
    """The extra media types of a 200 answer, for the route's `responses=`."""
    content: dict[str, Any] = {CSV: {"schema": {"type": "string"}}, XLSX: {"schema": {"type": "string", "format": "binary"}}}
    if svg:
        content[SVG] = {"schema": {"type": "string"}}
    return {200: {"content": content, "description": "JSON, or the same as CSV / XLSX" + (" / an SVG chart" if svg else "")}}


def _accepted(accept: str) -> list[str]:
    """Media types in order of preference (q-values, then order of appearance)."""
    ranked = []
    for i, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranked.append((-q, i, media.lower()))
    return [m for _, _, m in sorted(ranked)]


def negotiate(request: Request, offered: Sequence[str]) -> str:
    asked = request.query_params.get("format")
    if asked is not None:
        if asked not in offered:
            raise InvalidInput(f"format={asked} is not offered here.",
                               errors=[{"field": "format", "message": f"one of {', '.join(offered)}"}])
        return asked
    for media in _accepted(request.headers.get("accept", "")):
        fmt = _BY_MEDIA.get(media)
        if fmt in offered:
            return fmt
    return "json"


def tabular(request: Request, *, rows: Rows, columns: Sequence[Column], filename: str, default: Any,
            svg: Callable[[], str] | None = None) -> Any:
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-.") or "export"
    offered = ("json", "csv", "xlsx", "svg") if svg is not None else ("json", "csv", "xlsx")
    fmt = negotiate(request, offered)
    if fmt == "json":
        return default
    if fmt == "svg":
        return Response(svg().encode("utf-8"), media_type=SVG,
                        headers={"Content-Disposition": f'inline; filename="{filename}.svg"', "Vary": "Accept"})
    data = rows() if callable(rows) else rows
    body = to_csv(data, columns) if fmt == "csv" else to_xlsx(data, columns, sheet=filename)
    media = f"{CSV}; charset=utf-8; header=present" if fmt == "csv" else XLSX
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"', "Vary": "Accept"})
