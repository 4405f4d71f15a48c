"""Planning an officers import: what each row would do, against the officers as they stand, and
not a single officer written. The plan is stored with its rows and a hash of both."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.agencies.tree import in_subtree
from domain.audit.service import plain
from domain.auth.policy import IMPORTS_WRITE, authorize
from domain.auth.principal import Principal
from domain.collector import paused_during
from domain.db import among
from domain.errors import InvalidInput, RuleViolation
from domain.i18n import translatable
from domain.ids import uuid7
from domain.imports.limits import ParseLimits
from domain.imports.reading import read_file
from domain.imports.rules import (
    COMPARED,
    AgencyIndex,
    RowReading,
    brake,
    diff,
    for_create,
    plan_hash,
    problem,
    read_row,
)
from domain.imports.schemas import OfficerImportOptions
from domain.imports.store import chunks, save_plan
from domain.models.agencies import Agency
from domain.models.imports import Import, ImportKind, ImportStatus, RowAction
from domain.models.officers import Officer, OfficerExternalId
from domain.officers.duplicates import keys_taken_on_move
from domain.officers.names import arabic_key

A = RowAction


@dataclass
class Stored:
    id: uuid.UUID
    version: int
    values: dict[str, Any]


async def agency_index(session: AsyncSession, principal: Principal) -> AgencyIndex:
    rows = (
        await session.execute(
            select(Agency.id, Agency.acronym).where(need_to_know.agency_in_reach(principal, Agency.id))
        )
    ).all()
    codes: dict[str, list[uuid.UUID]] = {}
    for agency_id, acronym in rows:
        if acronym:
            codes.setdefault(acronym.lower(), []).append(agency_id)
    bound = principal.agency_id if need_to_know.bound_to_agency(principal) else None
    return AgencyIndex(ids={r[0] for r in rows}, codes=codes, default=bound)


async def _stored_by_key(
    session: AsyncSession, principal: Principal, options: OfficerImportOptions, keys: list[str]
) -> dict[str, list[Stored]]:
    """The officers within the principal's reach that carry each key: one held only outside it is
    as if nobody held it (see Officer), whichever the key."""
    columns = [getattr(Officer, f) for f in COMPARED]
    found: dict[str, list[Stored]] = {}
    for part in chunks(keys):
        if options.key == "external_id":
            stmt = (
                select(OfficerExternalId.external_id, Officer.id, Officer.version, *columns)
                .join(OfficerExternalId)
                .where(
                    OfficerExternalId.source == options.source,
                    among(session, OfficerExternalId.external_id, part),
                    need_to_know.officers(principal),
                )
            )
        else:
            stmt = select(Officer.national_id, Officer.id, Officer.version, *columns).where(
                among(session, Officer.national_id, part), need_to_know.officers(principal)
            )
        for key, officer_id, version, *values in await session.execute(stmt):
            current = {f: plain(v) for f, v in zip(COMPARED, values)}
            found.setdefault(key, []).append(Stored(officer_id, version, current))
    return found


async def _namesakes(
    session: AsyncSession, principal: Principal, keys: list[str]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Officers already stored under one of these normalised Arabic names, by (agency, name)."""
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for part in chunks(keys):
        stmt = select(
            Officer.id, Officer.agency_id, Officer.full_name_ar, Officer.name_latin, Officer.full_name_ar_key
        ).where(among(session, Officer.full_name_ar_key, part), need_to_know.officers(principal))
        for officer_id, agency_id, name_ar, name_latin, key in await session.execute(stmt):
            found.setdefault((str(agency_id), key), []).append(
                {
                    "id": str(officer_id),
                    "agency_id": str(agency_id),
                    "full_name_ar": name_ar,
                    "name_latin": name_latin,
                    "matched_on": "arabic_name",
                }
            )
    return found


def _row(reading: RowReading | None, action: RowAction, **extra: Any) -> dict[str, Any]:
    base = {
        "line": reading.line if reading else None,
        "key": reading.key if reading else None,
        "action": action,
        "target_id": None,
        "planned_version": None,
        "values": None,
        "changes": None,
        "problems": None,
        "candidates": None,
    }
    return base | extra


async def _plan_rows(
    session: AsyncSession, principal: Principal, options: OfficerImportOptions, raws: list[Any], index: AgencyIndex
) -> list[dict[str, Any]]:
    readings = [read_row(r, key_column=options.key, empty_cells=options.empty_cells, agencies=index) for r in raws]
    first: dict[str, int] = {}
    for reading in readings:
        if reading.key is not None:
            if reading.key in first:
                reading.problems.append(
                    problem(options.key, "key-repeated", f"line {first[reading.key]} has the same {options.key}")
                )
            else:
                first[reading.key] = reading.line
    stored = await _stored_by_key(session, principal, options, sorted(first))
    rows, creates = [], []
    for reading in readings:
        holders = stored.get(reading.key or "", [])
        if not reading.problems and len(holders) > 1:
            reading.problems.append(
                problem(options.key, "key-ambiguous", f"{len(holders)} officers carry this {options.key}")
            )
        if not reading.problems and not holders:
            reading.problems += for_create(reading, index.default)
        if reading.problems:
            rows.append(_row(reading, A.error, problems=reading.problems))
        elif holders:
            found = holders[0]
            changes = diff(found.values, reading)
            rows.append(
                _row(
                    reading,
                    A.update if changes else A.unchanged,
                    target_id=found.id,
                    planned_version=found.version,
                    changes=changes or None,
                )
            )
        else:
            creates.append(reading)
            rows.append(_row(reading, A.create, target_id=uuid7(), values=reading.values))
    await _mark_namesakes(session, principal, options, rows, creates)
    await _mark_moves_onto_taken_keys(session, principal, rows)
    return rows


def moves_of(rows: list[Any], *, undo: bool = False) -> dict[uuid.UUID, uuid.UUID]:
    """{officer: agency} of the planned updates that change an officer's agency (the plan's dicts,
    or its stored rows): the agency they move to, or back to on undo."""

    def get(row: Any, name: str) -> Any:
        return row[name] if isinstance(row, dict) else getattr(row, name)

    moves = {}
    for row in rows:
        changes = get(row, "changes") or {}
        before, after = changes.get("agency_id") or (None, None)
        if get(row, "action") is A.update and before is not None and after is not None:
            moves[get(row, "target_id")] = uuid.UUID(str(before if undo else after))
    return moves


async def _mark_moves_onto_taken_keys(session: AsyncSession, principal: Principal, rows: list[dict[str, Any]]) -> None:
    """An officer moved to an agency where another officer carries one of their keys is an error row."""
    taken = await keys_taken_on_move(session, principal=principal, moves=moves_of(rows))
    for row in rows:
        if row["target_id"] in taken and row["action"] is A.update:
            row.update(
                action=A.error,
                target_id=None,
                planned_version=None,
                changes=None,
                problems=[
                    problem(
                        "agency_id",
                        "key-taken-in-agency",
                        "an officer of that agency carries one of this officer's external ids or their account name",
                    )
                ],
            )


async def _mark_namesakes(
    session: AsyncSession,
    principal: Principal,
    options: OfficerImportOptions,
    rows: list[dict[str, Any]],
    creates: list[RowReading],
) -> None:
    name_keys = {r.line: arabic_key(r.values["full_name_ar"]) for r in creates}  # a line is one row
    stored = await _namesakes(session, principal, sorted(set(name_keys.values())))
    in_file: dict[tuple[str, str], int] = {}
    for row in rows:
        if row["action"] is not A.create:
            continue
        key = (row["values"]["agency_id"], name_keys[row["line"]])
        candidates = list(stored.get(key, []))
        if key in in_file:
            candidates.append({"line": in_file[key], "matched_on": "arabic_name", "in_file": True})
        else:
            in_file[key] = row["line"]
        if candidates:
            row["candidates"] = candidates
            if options.duplicates == "skip":
                row["action"] = A.possible_duplicate


async def _deactivations(
    session: AsyncSession,
    principal: Principal,
    options: OfficerImportOptions,
    index: AgencyIndex,
    rows: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    agency_id = options.complete_for_agency_id
    if agency_id is None:
        return []
    if agency_id not in index.ids:
        raise InvalidInput(
            translatable("complete_for_agency_id names no agency within your reach."),
            errors=[{"field": "complete_for_agency_id", "message": f"unknown agency {agency_id}"}],
        )
    prefix = select(Agency.path).where(Agency.id == agency_id).scalar_subquery()
    in_agency = (
        select(Officer.id, Officer.version)
        .join(Agency, Agency.id == Officer.agency_id)
        .where(in_subtree(Agency.path, prefix), Officer.deactivated_at.is_(None), need_to_know.officers(principal))
    )
    active = {officer_id: version for officer_id, version in await session.execute(in_agency)}
    kept = {row["target_id"] for row in rows if row["action"] in (A.update, A.unchanged)}
    missing = sorted(set(active) - kept)
    refusal = brake(len(missing), len(active), options.deactivation_threshold, options.force)
    if refusal:
        raise RuleViolation(
            refusal,
            code="deactivation-brake",
            title="Too many deactivations",
            deactivations=len(missing),
            active=len(active),
            threshold=options.deactivation_threshold,
        )
    return [
        _row(
            None,
            A.deactivate,
            target_id=officer_id,
            planned_version=active[officer_id],
            changes={"active": [True, False]},
        )
        for officer_id in missing
    ]


def counts_of(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = {action.value: 0 for action in RowAction} | {"rows": sum(1 for r in rows if r["line"] is not None)}
    for row in rows:
        counts[row["action"].value] += 1
    return counts


@paused_during
async def plan_officer_import(
    session: AsyncSession,
    *,
    principal: Principal,
    content: bytes,
    filename: str | None,
    content_type: str | None,
    options: OfficerImportOptions,
    limits: ParseLimits | None = None,
) -> tuple[Import, list[dict[str, Any]]]:
    authorize(principal, IMPORTS_WRITE)
    file_format, raws = await read_file(content, filename, content_type, limits)
    index = await agency_index(session, principal)
    rows = await _plan_rows(session, principal, options, raws, index)
    rows += await _deactivations(session, principal, options, index, rows)
    settings = options.model_dump(mode="json")
    imported = Import(
        kind=ImportKind.officers,
        status=ImportStatus.planned,
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
