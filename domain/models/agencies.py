import uuid
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Entity
from domain.enums import enum_column


class AgencyKind(StrEnum):
    police = "police"
    intelligence = "intelligence"
    judiciary = "judiciary"
    ministry = "ministry"
    civil_society = "civil_society"
    international = "international"


class Agency(Entity):
    """A unit in a hierarchy (ministry -> directorate -> unit). `path` is the materialised chain
    of ids from the root ("/root/.../self/"), so a whole subtree is one indexed prefix match."""

    __tablename__ = "agencies"

    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    path: Mapped[str] = mapped_column(String(1200), index=True)
    name_en: Mapped[str] = mapped_column(String(300))
    name_ar: Mapped[str] = mapped_column(String(300))
    name_ku: Mapped[str | None] = mapped_column(String(300))
    acronym: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[AgencyKind] = mapped_column(enum_column(AgencyKind, "kind"))
    country: Mapped[str] = mapped_column(String(2))
