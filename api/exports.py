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

import mimeparse
from fastapi import Query, Request, Response

from domain.errors import InvalidInput
from domain.exports import Column, to_csv, to_xlsx
from domain.i18n import translatable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
SVG = "image/svg+xml"
JSON = "application/json"
MEDIA = {"csv": CSV, "xlsx": XLSX, "svg": SVG, "json": JSON}
_BY_MEDIA = {media: fmt for fmt, media in MEDIA.items()}

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
    content: dict[str, Any] = {
        CSV: {"schema": {"type": "string"}},
        XLSX: {"schema": {"type": "string", "format": "binary"}},
    }
    if svg:
        content[SVG] = {"schema": {"type": "string"}}
    return {
        200: {"content": content, "description": "JSON, or the same as CSV / XLSX" + (" / an SVG chart" if svg else "")}
    }


def preferred(accept: str, offered: Sequence[str]) -> str:
    """The offered format the Accept header ranks highest (q-values, then the most specific
    range, as python-mimeparse reads it); JSON when it names none of them or ties."""
    # best_match breaks ties in favour of the later type, so JSON (the default) goes last.
    supported = [MEDIA[f] for f in offered if f != "json"] + [JSON]
    accept = accept.lower()  # media types are case-insensitive; mimeparse compares them as given
    try:
        best = mimeparse.best_match(supported, accept)
    except ValueError:  # a range that is no media type ("foo"): skip it, as a client's typo
        best = mimeparse.best_match(supported, ",".join(r for r in accept.split(",") if _parses(r)))
    return _BY_MEDIA.get(best, "json")


def _parses(media_range: str) -> bool:
    try:
        mimeparse.parse_media_range(media_range)
    except ValueError:
        return False
    return True


def negotiate(request: Request, offered: Sequence[str]) -> str:
    asked = request.query_params.get("format")
    if asked is not None:
        if asked not in offered:
            raise InvalidInput(
                translatable("format={asked} is not offered here.", asked=asked),
                errors=[{"field": "format", "message": f"one of {', '.join(offered)}"}],
            )
        return asked
    return preferred(request.headers.get("accept", ""), offered)


def tabular(
    request: Request,
    *,
    rows: Rows,
    columns: Sequence[Column],
    filename: str,
    default: Any,
    svg: Callable[[], str] | None = None,
) -> Any:
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-.") or "export"
    offered = ("json", "csv", "xlsx", "svg") if svg is not None else ("json", "csv", "xlsx")
    fmt = negotiate(request, offered)
    if fmt == "json":
        return default
    if fmt == "svg" and svg is not None:  # offered only with a chart
        return Response(
            svg().encode("utf-8"),
            media_type=SVG,
            headers={"Content-Disposition": f'inline; filename="{filename}.svg"', "Vary": "Accept"},
        )
    data = rows() if callable(rows) else rows
    body = to_csv(data, columns) if fmt == "csv" else to_xlsx(data, columns, sheet=filename)
    media = f"{CSV}; charset=utf-8; header=present" if fmt == "csv" else XLSX
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"', "Vary": "Accept"},
    )
