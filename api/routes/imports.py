"""Bulk imports, planned then applied: officers from an HR file, nominees for a module. The
upload routes take a larger body than the rest of the API (settings.max_import_bytes)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, Security
from pydantic import ValidationError

from api.deps import DbSession, get_principal, holding
from api.exports import ExportFormat, export_responses, tabular
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth.policy import IMPORTS_WRITE, NOMINATIONS_WRITE
from domain.auth.principal import Principal
from domain.errors import InvalidInput
from domain.i18n import translatable
from domain.imports import apply as officer_apply
from domain.imports import nominations, officers
from domain.imports.limits import ParseLimits
from domain.imports.schemas import ApplyRequest, ImportRead, NominationImportOptions, OfficerImportOptions
from domain.imports.service import REPORT_COLUMNS, get_import, report_rows, with_rows
from domain.models.imports import ImportKind

router = APIRouter(tags=["imports"], route_class=CheckedRoute)
Importer = Annotated[Principal, holding(IMPORTS_WRITE)]
# A list of nominees is a batch of nominations: it needs both permissions.
NomineeImporter = Annotated[Principal, Security(get_principal, scopes=[IMPORTS_WRITE, NOMINATIONS_WRITE])]
UPLOAD_MEDIA = (
    "multipart/form-data",
    "text/csv",
    "application/json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "CSV (UTF-8, header row) or XLSX"}
                    },
                }
            },
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}
            },
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["rows"],
                    "properties": {
                        "rows": {
                            "type": "array",
                            "maxItems": 20000,
                            "items": {
                                "type": "object",
                                "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
                            },
                        }
                    },
                }
            },
        },
    }
}


async def parse_limits(request: Request) -> ParseLimits:
    return ParseLimits.of(request.app.state.settings)


ReadingLimits = Annotated[ParseLimits, Depends(parse_limits)]
# What the plan routes answer beyond the usual: each limit on reading a file names its setting.
UPLOAD_PROBLEMS: dict[int | str, dict[str, Any]] = {
    413: {
        "description": "The upload is larger than MAX_IMPORT_BYTES, or reading it would pass a limit: rows "
        "(import_max_rows), rows read with blank ones (import_max_rows_read), cells in a row or a sheet's declared "
        "width (import_max_columns), a cell's length (import_max_cell_chars), an XLSX archive's parts, expanded sizes "
        "and ratio, the time or the memory to read it. The problem's `limit` names the setting.",
    },
    422: {"description": "Invalid options, or a file that cannot be read as rows (the body says why)"},
}


async def upload(request: Request) -> tuple[bytes, str | None, str | None]:
    """The file of an upload: a multipart `file` field, or the body itself (CSV, XLSX or JSON rows)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form()
        file = form.get("file")
        if file is None or isinstance(file, str):
            raise InvalidInput(
                translatable("Send the file in a multipart field named `file`."),
                errors=[{"field": "file", "message": "missing"}],
            )
        return await file.read(), file.filename, file.content_type
    if media not in UPLOAD_MEDIA:
        raise InvalidInput(
            translatable("Send CSV, XLSX or JSON rows ({names}).", names=", ".join(UPLOAD_MEDIA)),
            errors=[{"field": "file", "message": f"unsupported media type {media or 'none'}"}],
        )
    return await request.body(), None, media


def merged(responses: dict[int | str, dict[str, Any]], extra: dict[int | str, dict[str, Any]]) -> dict[int | str, Any]:
    return {status: {**entry, **extra.get(status, {})} for status, entry in responses.items()}


def _options(model: type, **given: Any) -> Any:
    try:
        return model(**{k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        raise InvalidInput(
            translatable("Check the import options."),
            errors=[
                {"field": ".".join(str(p) for p in e["loc"]) or "options", "message": e["msg"]} for e in exc.errors()
            ],
        ) from None


async def officer_options(
    key: Annotated[
        Literal["external_id", "national_id"] | None,
        Query(description="external_id (default, with source) or national_id"),
    ] = None,
    source: Annotated[
        str | None,
        Query(
            pattern=r"^[a-z0-9][a-z0-9._-]{0,59}$", description="The system the external ids come from, e.g. mission-hr"
        ),
    ] = None,
    empty_cells: Annotated[Literal["keep", "clear"] | None, Query(description="keep (default) or clear")] = None,
    complete_for_agency_id: Annotated[
        uuid.UUID | None, Query(description="The file is complete for this agency")
    ] = None,
    deactivation_threshold: Annotated[float | None, Query(ge=0, le=1, description="The brake (default 0.10)")] = None,
    force: Annotated[bool | None, Query(description="Plan deactivations above the threshold")] = None,
    duplicates: Annotated[
        Literal["skip", "create"] | None,
        Query(description="skip (default) or create a row that looks like a stored officer"),
    ] = None,
) -> OfficerImportOptions:
    return _options(
        OfficerImportOptions,
        key=key,
        source=source,
        empty_cells=empty_cells,
        complete_for_agency_id=complete_for_agency_id,
        deactivation_threshold=deactivation_threshold,
        force=force,
        duplicates=duplicates,
    )


@router.post(
    "/officers/imports",
    response_model=ImportRead,
    status_code=201,
    operation_id="plan_officer_import",
    summary="Plan an officers import (writes no officer)",
    openapi_extra=UPLOAD_BODY,
    responses=merged(problems(400), UPLOAD_PROBLEMS),
    description="Records the import and returns its plan: for every row its line (header = line 1), the action "
    "(create, update with each changed field before and after, unchanged, error with a problem naming the column and "
    "the rule, possible_duplicate with the candidates), officers of a complete_for_agency_id agency missing from the "
    "file (deactivate), and the counts. Nothing is written to officers until POST .../apply with the plan_hash. Up to "
    '20,000 rows; CSV (UTF-8) or XLSX with a header row, or JSON {"rows": [...]}. Columns: external_id or national_id '
    "(the key), full_name_ar, name_latin, sex, agency_id or agency_code, rank, job_title, email, phone, national_id, "
    "date_of_birth, place_of_birth. A plan deactivating more than the threshold of the agency's officers is a 422 "
    "(deactivation-brake) unless forced.",
)
async def plan_officer_import(
    request: Request,
    response: Response,
    db: DbSession,
    principal: Importer,
    options: Annotated[OfficerImportOptions, Depends(officer_options)],
    limits: ReadingLimits,
) -> Any:
    content, filename, media = await upload(request)
    imported, rows = await officers.plan_officer_import(
        db, principal=principal, content=content, filename=filename, content_type=media, options=options, limits=limits
    )
    response.headers["Location"] = absolute_url(request, f"/api/v1/officers/imports/{imported.id}")
    return with_rows(imported, rows)


@router.get(
    "/officers/imports/{import_id:uuid}",
    response_model=ImportRead,
    operation_id="get_officer_import",
    summary="An officers import: its plan and its result",
    responses=problems(404) | export_responses(),
    description="With format=csv or xlsx (or Accept), the per-row report as a file.",
)
async def get_officer_import(
    import_id: uuid.UUID, request: Request, db: DbSession, principal: Importer, format: ExportFormat = None
) -> Any:
    read = await get_import(db, principal=principal, import_id=import_id, kind=ImportKind.officers)
    return tabular(
        request, rows=lambda: report_rows(read), columns=REPORT_COLUMNS, filename=f"import-{import_id}", default=read
    )


@router.post(
    "/officers/imports/{import_id:uuid}/apply",
    response_model=ImportRead,
    operation_id="apply_officer_import",
    summary="Apply exactly the reviewed plan, in one transaction",
    responses=problems(400, 404, 409),
    description="Writes the plan's creates, updates and deactivations. 409 if plan_hash is not the plan's, if the "
    "import is not planned, or if any planned row changed since planning (the rows are named); then nothing is "
    "written. The answer is the import with its result; its rows are in GET.",
)
async def apply_officer_import(import_id: uuid.UUID, data: ApplyRequest, db: DbSession, principal: Importer) -> Any:
    return await officer_apply.apply_officer_import(
        db, principal=principal, import_id=import_id, plan_hash=data.plan_hash
    )


@router.post(
    "/officers/imports/{import_id:uuid}/undo",
    response_model=ImportRead,
    operation_id="undo_officer_import",
    summary="Undo an applied import",
    responses=problems(404, 409),
    description="Restores the earlier values of the officers it updated, reactivates those it deactivated and removes "
    "those it created, provided nothing touched those records since; otherwise 409 naming them, and nothing is undone.",
)
async def undo_officer_import(import_id: uuid.UUID, db: DbSession, principal: Importer) -> Any:
    return await officer_apply.undo_officer_import(db, principal=principal, import_id=import_id)


async def nomination_options(
    key: Annotated[
        Literal["officer_id", "external_id", "national_id"] | None,
        Query(description="officer_id (default), external_id (with source) or national_id"),
    ] = None,
    source: Annotated[
        str | None, Query(pattern=r"^[a-z0-9][a-z0-9._-]{0,59}$", description="With key=external_id")
    ] = None,
) -> NominationImportOptions:
    return _options(NominationImportOptions, key=key, source=source)


@router.post(
    "/modules/{module_id:uuid}/nominations/imports",
    response_model=ImportRead,
    status_code=201,
    operation_id="plan_nomination_import",
    summary="Plan a list of nominees (writes no nomination)",
    openapi_extra=UPLOAD_BODY,
    responses=merged(problems(400, 404), UPLOAD_PROBLEMS),
    description="Each row names an officer (column officer_id, external_id or national_id per `key`) and may give role "
    "(participant or alternate), priority and note. Every row goes through the nomination rules; a refused row is an "
    "error naming each rule (module-not-open, already-nominated, prerequisite-not-completed, officer-deactivated...).",
)
async def plan_nomination_import(
    module_id: uuid.UUID,
    request: Request,
    response: Response,
    db: DbSession,
    principal: NomineeImporter,
    options: Annotated[NominationImportOptions, Depends(nomination_options)],
    limits: ReadingLimits,
) -> Any:
    content, filename, media = await upload(request)
    imported, rows = await nominations.plan_nomination_import(
        db,
        principal=principal,
        module_id=module_id,
        content=content,
        filename=filename,
        content_type=media,
        options=options,
        limits=limits,
    )
    response.headers["Location"] = absolute_url(
        request, f"/api/v1/modules/{module_id}/nominations/imports/{imported.id}"
    )
    return with_rows(imported, rows)


@router.get(
    "/modules/{module_id:uuid}/nominations/imports/{import_id:uuid}",
    response_model=ImportRead,
    operation_id="get_nomination_import",
    summary="A nominees import: its plan and its result",
    responses=problems(404) | export_responses(),
)
async def get_nomination_import(
    module_id: uuid.UUID,
    import_id: uuid.UUID,
    request: Request,
    db: DbSession,
    principal: NomineeImporter,
    format: ExportFormat = None,
) -> Any:
    read = await get_import(
        db, principal=principal, import_id=import_id, kind=ImportKind.nominations, module_id=module_id
    )
    return tabular(
        request, rows=lambda: report_rows(read), columns=REPORT_COLUMNS, filename=f"import-{import_id}", default=read
    )


@router.post(
    "/modules/{module_id:uuid}/nominations/imports/{import_id:uuid}/apply",
    response_model=ImportRead,
    operation_id="apply_nomination_import",
    summary="Nominate the planned nominees, in one transaction",
    responses=problems(400, 404, 409),
    description="409 if plan_hash is not the plan's, or if a row is now refused (its rules named) or its officer "
    "changed since planning; then nothing is written.",
)
async def apply_nomination_import(
    module_id: uuid.UUID, import_id: uuid.UUID, data: ApplyRequest, db: DbSession, principal: NomineeImporter
) -> Any:
    return await nominations.apply_nomination_import(
        db, principal=principal, module_id=module_id, import_id=import_id, plan_hash=data.plan_hash
    )


@router.post(
    "/modules/{module_id:uuid}/nominations/imports/{import_id:uuid}/undo",
    response_model=ImportRead,
    operation_id="undo_nomination_import",
    summary="Undo an applied list of nominees",
    responses=problems(404, 409),
    description="Withdraws the nominations the list made (reason: nominee list import undone), provided none changed "
    "since (decided, withdrawn, edited); otherwise 409 naming them, and nothing is undone. A seat a withdrawal frees "
    "goes to the next in line, as for any withdrawal.",
)
async def undo_nomination_import(
    module_id: uuid.UUID, import_id: uuid.UUID, db: DbSession, principal: NomineeImporter
) -> Any:
    return await nominations.undo_nomination_import(db, principal=principal, module_id=module_id, import_id=import_id)
