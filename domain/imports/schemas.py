"""Options of an import, and how an import and its rows read."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, model_validator

from domain.models.imports import ImportKind, ImportStatus, RowAction
from domain.schemas import InputModel, ReadModel


class OfficerImportOptions(InputModel):
    key: Literal["external_id", "national_id"] = Field(
        "external_id",
        description="The column that finds the stored officer: external_id (with `source`) or national_id",
    )
    source: str | None = Field(
        None,
        pattern=r"^[a-z0-9][a-z0-9._-]{0,59}$",
        examples=["mission-hr"],
        description="The system the external ids come from (needed with key=external_id)",
    )
    empty_cells: Literal["keep", "clear"] = Field(
        "keep", description="keep: an empty cell leaves the stored value; clear: it empties it (optional fields only)"
    )
    complete_for_agency_id: uuid.UUID | None = Field(
        None,
        description="The file is complete for this agency (and its sub-units): its officers missing from the file "
        "are planned for deactivation",
    )
    deactivation_threshold: float = Field(
        0.10,
        ge=0,
        le=1,
        description="The brake: a plan deactivating more than this "
        "share of the agency's active officers is refused unless forced",
    )
    force: bool = Field(False, description="Plan the deactivations even above the threshold")
    duplicates: Literal["skip", "create"] = Field(
        "skip",
        description="A new row whose Arabic name matches an officer of the same agency: skip it (reported with the "
        "candidates) or create it anyway",
    )

    @model_validator(mode="after")
    def _source_with_external_id(self) -> OfficerImportOptions:
        if self.key == "external_id" and not self.source:
            raise ValueError("key=external_id needs the source of the ids (e.g. source=mission-hr)")
        return self


class NominationImportOptions(InputModel):
    key: Literal["officer_id", "external_id", "national_id"] = Field(
        "officer_id", description="How a row names the officer"
    )
    source: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9._-]{0,59}$", description="With key=external_id")

    @model_validator(mode="after")
    def _source_with_external_id(self) -> NominationImportOptions:
        if self.key == "external_id" and not self.source:
            raise ValueError("key=external_id needs the source of the ids (e.g. source=mission-hr)")
        return self


class ApplyRequest(InputModel):
    plan_hash: str = Field(min_length=64, max_length=64, description="The plan_hash of the plan you reviewed")


class RowProblem(ReadModel):
    column: str
    rule: str
    message: str


class ImportRowRead(ReadModel):
    line: int | None = Field(description="The file's line (header = 1); null for an officer the file lacks")
    action: RowAction
    officer_id: uuid.UUID | None = Field(validation_alias="target_id")
    key: str | None
    changes: dict[str, list[Any]] | None = Field(description="{field: [before, after]} of an update or a deactivation")
    problems: list[RowProblem] | None
    candidates: list[dict[str, Any]] | None = Field(description="Officers this row may duplicate, or refusals' details")


class ImportRead(ReadModel):
    id: uuid.UUID
    kind: ImportKind
    status: ImportStatus
    module_id: uuid.UUID | None
    filename: str | None
    file_format: str
    options: dict[str, Any]
    plan_hash: str
    counts: dict[str, int]
    created_at: datetime
    created_by_name: str
    applied_at: datetime | None
    applied_by_name: str | None
    undone_at: datetime | None
    result: dict[str, Any] | None
    version: int
    rows: list[ImportRowRead] = Field(default_factory=list)
