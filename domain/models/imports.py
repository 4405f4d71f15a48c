import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, Entity
from domain.enums import enum_column
from domain.ids import uuid7


class ImportKind(StrEnum):
    officers = "officers"
    nominations = "nominations"


class ImportStatus(StrEnum):
    planned = "planned"
    applied = "applied"
    undone = "undone"


class RowAction(StrEnum):
    create = "create"
    update = "update"
    unchanged = "unchanged"
    deactivate = "deactivate"
    error = "error"
    possible_duplicate = "possible_duplicate"


class Import(Entity):
    """One upload: its options, the plan's hash and counts, and what became of it."""

    __tablename__ = "imports"

    kind: Mapped[ImportKind] = mapped_column(enum_column(ImportKind, "import_kind"))
    status: Mapped[ImportStatus] = mapped_column(enum_column(ImportStatus, "import_status"))
    module_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("modules.id"), index=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    created_by_name: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str | None] = mapped_column(String(300))
    file_format: Mapped[str] = mapped_column(String(10))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan_hash: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    applied_at: Mapped[datetime | None] = mapped_column()
    applied_by_name: Mapped[str | None] = mapped_column(String(200))
    undone_at: Mapped[datetime | None] = mapped_column()
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class ImportRow(Base):
    """A planned row: what it will do, to which record, planned against which version of it.
    `values` holds a new record's fields; `changes` {field: [before, after]} an update's."""

    __tablename__ = "import_rows"
    __table_args__ = (UniqueConstraint("import_id", "line"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"), index=True)
    line: Mapped[int | None] = mapped_column(Integer)  # None: an officer the file lacks (deactivation)
    action: Mapped[RowAction] = mapped_column(enum_column(RowAction, "row_action"))
    target_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    planned_version: Mapped[int | None] = mapped_column(Integer)
    key: Mapped[str | None] = mapped_column(String(300))
    values: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    candidates: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
