"""The choices of the report filters on the results page: the programmes and cycles whose figures
the principal may see (a coordinator's own; everyone's for administrators and observers), the
agencies and the disciplines. Reference data only, four statements."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import reports as reach
from domain.agencies.models import Agency
from domain.auth.policy import REPORTS_READ, authorize
from domain.auth.principal import Principal
from domain.catalogue.models import Discipline
from domain.cycles.models import Cycle
from domain.programmes.models import Programme


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    label_ar: str | None = None
    depth: int = 0

    def text(self, lang: str) -> str:
        return self.label_ar if lang == "ar" and self.label_ar else self.label


@dataclass
class ReportChoices:
    programmes: list[Choice]
    cycles: list[Choice]
    agencies: list[Choice]
    disciplines: list[Choice]


async def report_choices(session: AsyncSession, *, principal: Principal) -> ReportChoices:
    authorize(principal, REPORTS_READ)
    covered = reach.programmes_covered(principal)
    programmes = select(Programme.id, Programme.name, Programme.acronym).order_by(Programme.acronym)
    cycles = select(Cycle.id, Cycle.title).order_by(Cycle.starts_on.desc(), Cycle.id)
    if covered is not None:
        ids: list[uuid.UUID] = sorted(covered)
        programmes = programmes.where(Programme.id.in_(ids))
        cycles = cycles.where(Cycle.programme_id.in_(ids))
    return ReportChoices(
        programmes=[Choice(str(i), f"{acronym} · {name}") for i, name, acronym in await session.execute(programmes)],
        cycles=[Choice(str(i), title) for i, title in await session.execute(cycles)],
        agencies=[
            Choice(str(i), name_en, name_ar, path.count("/") - 2)
            for i, name_en, name_ar, path in await session.execute(
                select(Agency.id, Agency.name_en, Agency.name_ar, Agency.path).order_by(Agency.path)
            )
        ],
        disciplines=[
            Choice(code, label_en, label_ar)
            for code, label_en, label_ar in await session.execute(
                select(Discipline.code, Discipline.label_en, Discipline.label_ar).order_by(Discipline.label_en)
            )
        ],
    )
