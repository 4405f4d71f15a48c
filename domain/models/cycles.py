import uuid
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from sqlalchemy import JSON, CheckConstraint, Date, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Entity
from domain.enums import enum_column

Weekday = Literal["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
DEFAULT_WORKING_DAYS: list[Weekday] = ["sunday", "monday", "tuesday", "wednesday", "thursday"]


class KnowledgeDefinition(StrEnum):
    """What "increased knowledge" means in a cycle's donor reports (domain rule 14)."""

    post_above_pre = "post_above_pre"  # the post-test beat the pre-test
    post_at_threshold = "post_at_threshold"  # the post-test reached the module's knowledge threshold


class Cycle(Entity):
    """A multi-year cooperation package agreed with one partner country."""

    __tablename__ = "cycles"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("female_share_target >= 0 AND female_share_target <= 1", name="target_fraction"),
        CheckConstraint(
            "reaction_alert_below IS NULL OR (reaction_alert_below >= 0 AND reaction_alert_below <= 100)",
            name="reaction_alert_score",
        ),
    )

    programme_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("programmes.id"), index=True)
    partner_country: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    female_share_target: Mapped[float] = mapped_column(Float, default=0.3)
    time_zone: Mapped[str] = mapped_column(String(64), default="Asia/Baghdad")
    working_days: Mapped[list[str]] = mapped_column(JSON, default=lambda: list(DEFAULT_WORKING_DAYS))
    # [{date: YYYY-MM-DD, name}]: editable, since Eid dates are announced shortly before.
    holidays: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # {donor, instrument} when the cycle is funded differently from its programme.
    funding_source: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The coordinator's dashboard flags a module whose reaction score (0-100, domain/survey_results)
    # falls below it, once enough answered; none: no alert.
    reaction_alert_below: Mapped[float | None] = mapped_column(Float)
    knowledge_definition: Mapped[KnowledgeDefinition] = mapped_column(
        enum_column(KnowledgeDefinition, "knowledge_definition"),
        default=KnowledgeDefinition.post_above_pre,
        server_default=KnowledgeDefinition.post_above_pre.value,
    )
