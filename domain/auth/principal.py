"""Who is acting. Every service takes one and scopes its queries by it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from domain.models.auth import Role as Role  # re-exported: the role a principal holds


@dataclass(frozen=True)
class Principal:
    id: uuid.UUID | None
    name: str
    role: Role
    agency_id: uuid.UUID | None = None
    trainer_id: uuid.UUID | None = None
    programme_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    # A person's saved language (BCP 47) and digits (latn, arab): pages and problem titles use them.
    language: str | None = None
    digits: str | None = None

    @property
    def kind(self) -> str:
        return "client" if self.role is Role.client else "user"

    @classmethod
    def system(cls, name: str = "system") -> Principal:
        """Seeds and management commands (api/manage.py) act as the system; requests act as who signed in."""
        return cls(id=None, name=name, role=Role.admin)
