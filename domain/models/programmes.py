from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Entity


class Programme(Entity):
    __tablename__ = "programmes"

    name: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str] = mapped_column(String(40), unique=True)
    implementer: Mapped[str] = mapped_column(String(200))
    # [{donor, instrument}]: vetting, reporting and data-protection duties depend on the donor.
    funding_sources: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
