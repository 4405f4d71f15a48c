"""A focal point's (or coordinator's) list of nominees for a module, planned then applied: each
row goes through the normal nomination rules, and a refusal names its rules per row."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.audit.service import record_change
from domain.auth.policy import IMPORTS_WRITE, NOMINATIONS_WRITE, authorize
from domain.auth.principal import Principal
from domain.catalogue.module_service import lock_module
from domain.crud import get_or_404
from domain.db import utcnow
from domain.enrolment import nominations
from domain.enrolment.schemas import NominationCreate, Withdrawal
from domain.errors import Conflict, RuleViolation
from domain.i18n import translatable
from domain.imports.limits import ParseLimits
from domain.imports.officers import counts_of
from domain.imports.reading import read_file
from domain.imports.rules import plan_hash, problem
from domain.imports.schemas import NominationImportOptions
from domain.imports.store import load_import, rows_seen, save_plan, versions
from domain.models.catalogue import Module
from domain.models.enrolment import Nomination
from domain.models.imports import Import, ImportKind, ImportRow, ImportStatus, RowAction
from domain.models.officers import Officer, OfficerExternalId
from domain.outbox.service import emit

A = RowAction
NOMINEE_COLUMNS = ("role", "priority", "note")


async def _officers(
    session: AsyncSession, principal: Principal, options: NominationImportOptions, keys: list[str]
) -> dict[str, list[Officer]]:
    visible = need_to_know.officers(principal)
    if options.key == "officer_id":
        ids = []
        for k in keys:
            try:
                ids.append(uuid.UUID(k))
            except ValueError:
                continue
        by_id = {o.id: o for o in await session.scalars(select(Officer).where(Officer.id.in_(ids), visible))}
        return {k: [by_id[uuid.UUID(k)]] if _is_uuid(k) and uuid.UUID(k) in by_id else [] for k in keys}
    stmt: Any
    if options.key == "external_id":
        stmt = (
            select(OfficerExternalId.external_id, Officer)
            .join(OfficerExternalId)
            .where(OfficerExternalId.source == options.source, OfficerExternalId.external_id.in_(keys), visible)
        )
    else:
        stmt = select(Officer.national_id, Officer).where(Officer.national_id.in_(keys), visible)
    grouped: dict[str, list[Officer]] = {}
    for key, officer in await session.execute(stmt):
        grouped.setdefault(key, []).append(officer)
    return grouped


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _nominee(cells: dict[str, str | None], officer_id: uuid.UUID) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    given = {"officer_id": officer_id} | {c: cells[c] for c in NOMINEE_COLUMNS if cells.get(c) is not None}
    try:
        return NominationCreate.model_validate(given).model_dump(mode="json", exclude={"late_reason"}), []
    except ValidationError as exc:
        return None, [
            problem(str(e["loc"][0]) if e.get("loc") else "?", "invalid-value", e["msg"]) for e in exc.errors()
        ]


async def plan_nomination_import(
    session: AsyncSession,
    *,
    principal: Principal,
    module_id: uuid.UUID,
    content: bytes,
    filename: str | None,
    content_type: str | None,
    options: NominationImportOptions,
    limits: ParseLimits | None = None,
) -> tuple[Import, list[dict[str, Any]]]:
    authorize(principal, IMPORTS_WRITE)
    authorize(principal, NOMINATIONS_WRITE)
    module = await get_or_404(session, Module, module_id)
    file_format, raws = await read_file(content, filename, content_type, limits)
    keys = sorted({r.cells[options.key] for r in raws if r.cells.get(options.key)})
    found = await _officers(session, principal, options, keys)
    rows: list[dict[str, Any]] = []
    seen: dict[uuid.UUID, int] = {}
    for raw in raws:
        key = raw.cells.get(options.key)
        base = {
            "line": raw.line,
            "key": key,
            "target_id": None,
            "planned_version": None,
            "values": None,
            "changes": None,
            "problems": None,
            "candidates": None,
        }
        holders = found.get(key or "", [])
        problems: list[dict[str, str]] = []
        if key is None:
            problems.append(problem(options.key, "key-missing", f"every row needs its {options.key}"))
        elif len(holders) != 1:
            why = "names no officer you can nominate" if not holders else f"{len(holders)} officers carry it"
            problems.append(problem(options.key, "unknown-officer" if not holders else "key-ambiguous", why))
        elif holders[0].id in seen:
            problems.append(
                problem(options.key, "already-in-file", f"line {seen[holders[0].id]} names the same officer")
            )
        values = None
        if not problems:
            officer = holders[0]
            seen[officer.id] = raw.line
            values, problems = _nominee(raw.cells, officer.id)
            if not problems:
                refused = await nominations.refusals(session, principal=principal, module=module, officer=officer)
                problems = [problem("officer", r.rule, r.message) for r in refused]
            base |= {"target_id": officer.id, "planned_version": officer.version}
        if problems:
            rows.append(base | {"action": A.error, "problems": problems})
        else:
            rows.append(base | {"action": A.create, "values": values})
    settings = options.model_dump(mode="json") | {"module_id": str(module_id)}
    imported = Import(
        kind=ImportKind.nominations,
        status=ImportStatus.planned,
        module_id=module_id,
        created_by_id=principal.id,
        created_by_name=principal.name,
        filename=filename,
        file_format=file_format,
        options=settings,
        plan_hash=plan_hash(settings, rows),
        counts=counts_of(rows),
    )
    await save_plan(session, principal=principal, imported=imported, rows=rows)
    return imported, rows


async def apply_nomination_import(
    session: AsyncSession, *, principal: Principal, module_id: uuid.UUID, import_id: uuid.UUID, plan_hash: str
) -> Import:
    authorize(principal, IMPORTS_WRITE)
    imported = await load_import(
        session, principal=principal, import_id=import_id, kind=ImportKind.nominations, module_id=module_id
    )
    if imported.status is not ImportStatus.planned:
        raise Conflict(
            translatable("The import is {status}; only a planned import is applied.", status=imported.status.value),
            code="import-not-planned",
        )
    if plan_hash != imported.plan_hash:
        raise Conflict(
            translatable("plan_hash is not this import's plan: review the plan you apply."), code="plan-hash-mismatch"
        )
    await lock_module(session, module_id)
    rows = list(
        await session.scalars(
            select(ImportRow)
            .where(ImportRow.import_id == imported.id, ImportRow.action == A.create, rows_seen(principal))
            .order_by(ImportRow.line)
        )
    )
    current = await versions(session, principal=principal, ids=[r.target_id for r in rows if r.target_id], lock=True)
    stale = [
        {"line": r.line, "officer_id": str(r.target_id), "rule": "officer-changed"}
        for r in rows
        if r.target_id is None or current.get(r.target_id) != r.planned_version
    ]
    refused: list[dict[str, Any]] = list(stale)
    created: list[dict[str, Any]] = []  # what undo needs: each nomination as this import left it
    if not stale:
        for row in rows:
            try:
                made = await nominations.create_nomination(
                    session, principal=principal, module_id=module_id, data=NominationCreate(**(row.values or {}))
                )
                created.append({"line": row.line, "nomination_id": str(made.id), "version": made.version})
            except RuleViolation as exc:
                rules = [v["rule"] for v in exc.extra.get("violations", [])] or [exc.code]
                refused += [{"line": row.line, "officer_id": str(row.target_id), "rule": rule} for rule in rules]
    if refused:
        raise Conflict(
            translatable(
                "{count} planned row(s) would now be refused or changed since planning; nothing was "
                "written. Plan the list again.",
                count=len({r["line"] for r in refused}),
            ),
            code="plan-outdated",
            title="The plan is out of date",
            rows=refused,
        )
    imported.status, imported.applied_at, imported.applied_by_name = ImportStatus.applied, utcnow(), principal.name
    imported.result = {"written": {"nominations": len(rows)}, "created": created}
    record_change(
        session,
        principal=principal,
        action="applied",
        entity="import",
        entity_id=imported.id,
        changes={"written": (None, imported.result["written"])},
    )
    emit(
        session,
        "import.applied",
        resource_id=imported.id,
        data={"kind": "nominations", "counts": imported.result["written"]},
    )
    await session.flush()
    return imported


UNDO_REASON = "nominee list import undone"


async def undo_nomination_import(
    session: AsyncSession, *, principal: Principal, module_id: uuid.UUID, import_id: uuid.UUID
) -> Import:
    """Withdraw the nominations an applied list made, provided none changed since (decided,
    withdrawn, edited): otherwise 409 naming them, and nothing is undone. Each withdrawal is the
    normal one: a seat it frees goes to the next in line, as the answer of a withdrawal would say."""
    authorize(principal, IMPORTS_WRITE)
    imported = await load_import(
        session, principal=principal, import_id=import_id, kind=ImportKind.nominations, module_id=module_id
    )
    if imported.status is not ImportStatus.applied:
        raise Conflict(
            translatable("The import is {status}; only an applied import is undone.", status=imported.status.value),
            code="import-not-applied",
        )
    await lock_module(session, module_id)
    created = (imported.result or {}).get("created", [])
    ids = [uuid.UUID(c["nomination_id"]) for c in created]
    stmt = select(Nomination.id, Nomination.version).where(Nomination.id.in_(ids), need_to_know.nominations(principal))
    current = {row[0]: row[1] for row in await session.execute(stmt)} if ids else {}
    touched = [
        {"line": c["line"], "nomination_id": c["nomination_id"]}
        for c in created
        if current.get(uuid.UUID(c["nomination_id"])) != c["version"]
    ]
    if touched:
        raise Conflict(
            translatable("{count} nomination(s) changed since this import; nothing was undone.", count=len(touched)),
            code="touched-since",
            title="Records changed since the import",
            rows=touched,
        )
    for nomination_id in ids:
        await nominations.withdraw(
            session, principal=principal, nomination_id=nomination_id, data=Withdrawal(reason=UNDO_REASON)
        )
    now = utcnow()
    imported.status, imported.undone_at = ImportStatus.undone, now
    imported.result = (imported.result or {}) | {"undone": {"withdrawn": len(ids)}}
    record_change(session, principal=principal, action="undone", entity="import", entity_id=imported.id)
    emit(
        session,
        "import.undone",
        resource_id=imported.id,
        data={"kind": "nominations", "counts": imported.result["undone"]},
    )
    await session.flush()
    return imported
