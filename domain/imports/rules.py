"""Pure planning rules: a file row's officer values (with a problem per refused cell, naming the
column and the rule), the diff against the stored officer, the deactivation brake and the plan's
hash. No database: tests/unit/test_import_rules.py."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from domain.i18n import Translatable, translatable
from domain.imports.parsing import RawRow
from domain.officers.schemas import OfficerUpdate

KEY_COLUMNS = ("external_id", "national_id")
# Column -> officer field. Extra spellings HR exports use are accepted too.
FIELD_COLUMNS = {
    "full_name_ar": "full_name_ar",
    "arabic_name": "full_name_ar",
    "name_ar": "full_name_ar",
    "name_latin": "name_latin",
    "latin_name": "name_latin",
    "name": "name_latin",
    "sex": "sex",
    "rank": "rank",
    "job_title": "job_title",
    "title": "job_title",
    "email": "email",
    "e_mail": "email",
    "language": "language",
    "preferred_language": "language",
    "phone": "phone",
    "national_id": "national_id",
    "date_of_birth": "date_of_birth",
    "place_of_birth": "place_of_birth",
}
AGENCY_COLUMNS = ("agency_id", "agency_code")
REQUIRED_FOR_CREATE = ("full_name_ar", "name_latin", "sex", "agency_id")
CLEARABLE = OfficerUpdate.nullable
SEX_WORDS = {
    "m": "male",
    "male": "male",
    "ذكر": "male",
    "f": "female",
    "female": "female",
    "أنثى": "female",
    "انثى": "female",
}
COMPARED = tuple(dict.fromkeys(FIELD_COLUMNS.values())) + ("agency_id",)


def problem(column: str, rule: str, message: str) -> dict[str, str]:
    return {"column": column, "rule": rule, "message": message}


@dataclass
class AgencyIndex:
    """The agencies within the importer's reach, by id and by code (acronym, case-insensitive)."""

    ids: set[uuid.UUID]
    codes: dict[str, list[uuid.UUID]]
    default: uuid.UUID | None = None  # a focal point's or a bound client's own agency

    def resolve(self, cells: dict[str, str | None]) -> tuple[uuid.UUID | None, dict[str, str] | None]:
        if cells.get("agency_id"):
            try:
                agency_id = uuid.UUID(str(cells["agency_id"]))
            except ValueError:
                return None, problem("agency_id", "invalid-value", "not an agency id")
            if agency_id not in self.ids:
                return None, problem("agency_id", "unknown-agency", "names no agency within your reach")
            return agency_id, None
        if cells.get("agency_code"):
            found = self.codes.get(str(cells["agency_code"]).lower(), [])
            if len(found) != 1:
                why = "names no agency within your reach" if not found else "names several agencies: use agency_id"
                return None, problem("agency_code", "unknown-agency", why)
            return found[0], None
        return None, None


@dataclass
class RowReading:
    line: int
    key: str | None
    values: dict[str, Any] = field(default_factory=dict)  # JSON-safe officer fields the row sets
    cleared: set[str] = field(default_factory=set)
    problems: list[dict[str, str]] = field(default_factory=list)


def _column_of(field_name: str, cells: dict[str, str | None]) -> str:
    return next((c for c, f in FIELD_COLUMNS.items() if f == field_name and c in cells), field_name)


def read_row(raw: RawRow, *, key_column: str, empty_cells: str, agencies: AgencyIndex) -> RowReading:
    """A row's officer values, validated by the officers' own schema (OfficerUpdate)."""
    cells = raw.cells
    reading = RowReading(raw.line, cells.get(key_column))
    if reading.key is None:
        reading.problems.append(problem(key_column, "key-missing", f"every row needs its {key_column}"))
    given: dict[str, Any] = {}
    for column, field_name in FIELD_COLUMNS.items():
        if column not in cells or field_name in given:
            continue
        value = cells[column]
        if value is None:
            if empty_cells == "clear":
                if field_name not in CLEARABLE:
                    reading.problems.append(
                        problem(column, "cannot-clear", f"{column} is required and cannot be emptied")
                    )
                else:
                    reading.cleared.add(field_name)
            continue
        if field_name == "sex":
            value = SEX_WORDS.get(value.strip().lower(), value)
        given[field_name] = value
    agency_id, agency_problem = agencies.resolve(cells)
    if agency_problem:
        reading.problems.append(agency_problem)
    elif agency_id is not None and any(cells.get(c) for c in AGENCY_COLUMNS):
        given["agency_id"] = agency_id
    try:
        checked = OfficerUpdate.model_validate(given)
    except ValidationError as exc:
        for err in exc.errors():
            name = str(err["loc"][0]) if err.get("loc") else "?"
            reading.problems.append(problem(_column_of(name, cells), "invalid-value", err.get("msg", "invalid")))
        return reading
    reading.values = checked.model_dump(mode="json", exclude_unset=True)
    return reading


def for_create(reading: RowReading, default_agency: uuid.UUID | None) -> list[dict[str, str]]:
    """Make the reading a new officer's values (the importer's own agency unless one is named);
    the problems if a required field is missing."""
    if "agency_id" not in reading.values and default_agency is not None:
        reading.values["agency_id"] = str(default_agency)
    return [problem(f, "required", f"a new officer needs {f}") for f in REQUIRED_FOR_CREATE if f not in reading.values]


def diff(current: dict[str, Any], reading: RowReading) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields the row really changes (JSON-safe values)."""
    changes: dict[str, list[Any]] = {}
    for name, value in reading.values.items():
        if current.get(name) != value:
            changes[name] = [current.get(name), value]
    for name in reading.cleared:
        if current.get(name) is not None:
            changes[name] = [current.get(name), None]
    return changes


def brake(deactivations: int, active: int, threshold: float, force: bool) -> Translatable | None:
    """Refuse a 'the file is complete' plan that would deactivate more than `threshold` of the
    agency's active officers, unless forced: a truncated export must not empty an agency."""
    if force or deactivations == 0 or deactivations <= threshold * active:
        return None
    share = deactivations / active if active else 1.0
    return translatable(
        "The plan would deactivate {deactivations} of the agency's {active} active officers ({share:.0%}), "
        "above the {threshold:.0%} threshold. Check the file is complete; send force=true to plan it anyway.",
        deactivations=deactivations,
        active=active,
        share=share,
        threshold=threshold,
    )


def plan_hash(options: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    """Covers every planned row and the state it was planned against (the officers' versions)."""
    digest = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode())
    for row in rows:
        planned = (row["line"], row["action"], row["target_id"], row["planned_version"], row["values"], row["changes"])
        digest.update(json.dumps(planned, sort_keys=True, default=str, ensure_ascii=False).encode())
    return digest.hexdigest()
