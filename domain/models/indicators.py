"""A cycle's logframe indicators, as the donor's results framework (OPSYS) states them, and the
values entered by hand, with their evidence, for the indicators Tadrib cannot compute."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Entity
from domain.enums import enum_column


class IndicatorSource(StrEnum):
    """Where an indicator's current value comes from."""

    trained_individuals = "trained_individuals"  # unique participants who completed, by sex
    women_share = "women_share"  # women's share of them, in percent
    increased_knowledge = "increased_knowledge"  # unique individuals with increased knowledge, by sex
    reaction_mean = "reaction_mean"  # the reaction surveys' mean score (0-100)
    followup_application_rate = "followup_application_rate"  # follow-up participants applying it, in percent
    entered = "entered"  # entered by hand with its evidence, per reporting period


COMPUTED = frozenset(
    {
        IndicatorSource.trained_individuals,
        IndicatorSource.women_share,
        IndicatorSource.increased_knowledge,
        IndicatorSource.reaction_mean,
        IndicatorSource.followup_application_rate,
    }
)


class Disaggregation(StrEnum):
    none = "none"
    sex = "sex"


class Indicator(Entity):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("cycle_id", "code"),)

    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cycles.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(100))
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    disaggregation: Mapped[Disaggregation] = mapped_column(enum_column(Disaggregation, "disaggregation"))
    source: Mapped[IndicatorSource] = mapped_column(enum_column(IndicatorSource, "source"))
    data_source: Mapped[str | None] = mapped_column(Text)  # the means of verification, as the logframe says it
    approved: Mapped[bool] = mapped_column(Boolean, default=False)


class IndicatorValue(Entity):
    """A value entered by hand for one reporting period, with its evidence."""

    __tablename__ = "indicator_values"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period_start", "period_end"),
        CheckConstraint("period_end >= period_start", name="period_ordered"),
    )

    indicator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    female: Mapped[float | None] = mapped_column(Float)
    male: Mapped[float | None] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(2000))
