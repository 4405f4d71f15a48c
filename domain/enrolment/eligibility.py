"""Who may be nominated for a module: prerequisites completed, no overlapping enrolment, the
identity fields the module's vetting needs. Each check is one query whatever the data size."""

from __future__ import annotations

import uuid

from sqlalchemy import BindParameter, Select, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.access.need_to_know import internal
from domain.enrolment.schemas import ModuleRef
from domain.models.catalogue import Module, TrainingSession, VettingType, module_prerequisites
from domain.models.enrolment import HOLDS_SEAT, Nomination, NominationStatus
from domain.models.officers import Officer

IDENTITY_FIELDS = {VettingType.leahy: ("national_id", "date_of_birth", "place_of_birth")}


def _missing_prerequisites() -> Select[uuid.UUID, str, str]:
    done = select(Nomination.module_id).where(
        Nomination.officer_id == bindparam("officer_id"), Nomination.status == NominationStatus.completed
    )
    return internal(
        select(Module.id, Module.code, Module.title)
        .join(module_prerequisites, module_prerequisites.c.prerequisite_id == Module.id)
        .where(module_prerequisites.c.module_id == bindparam("module_id"), Module.id.not_in(done)),
        "eligibility of an officer the caller already holds: modules, not people",
    )


# Built once, run with parameters: every nomination asks it.
_MISSING_PREREQUISITES = _missing_prerequisites()


async def missing_prerequisites(
    session: AsyncSession, *, officer_id: uuid.UUID, module_id: uuid.UUID
) -> list[ModuleRef]:
    """Prerequisite modules the officer has not completed (possibly in an earlier year)."""
    rows = await session.execute(_MISSING_PREREQUISITES, {"officer_id": officer_id, "module_id": module_id})
    return [ModuleRef(module_id=r.id, code=r.code, title=r.title) for r in rows]


def _overlaps() -> Select[uuid.UUID, uuid.UUID, str, str]:
    mine, theirs = aliased(TrainingSession), aliased(TrainingSession)
    module_id: BindParameter[uuid.UUID] = bindparam("module_id")
    return internal(
        select(Nomination.officer_id, Module.id, Module.code, Module.title)
        .join(Module, Module.id == Nomination.module_id)
        .join(theirs, theirs.module_id == Module.id)
        .join(mine, and_(mine.module_id == module_id, mine.starts_at < theirs.ends_at, theirs.starts_at < mine.ends_at))
        .where(
            Nomination.officer_id.in_(bindparam("officer_ids", expanding=True)),
            Nomination.status.in_(HOLDS_SEAT),
            Nomination.module_id != module_id,
        )
        .distinct(),
        "clashing modules of officers the caller already holds",
    )


# Built once, run with parameters: every nomination and decision asks it, and building the
# statement (two aliases, three joins) cost more than running it.
_OVERLAPS = _overlaps()


async def overlapping_enrolments(
    session: AsyncSession, *, officer_ids: list[uuid.UUID], module_id: uuid.UUID
) -> dict[uuid.UUID, list[ModuleRef]]:
    """For each officer, the other modules they are enrolled in whose sessions overlap this module's."""
    if not officer_ids:
        return {}
    rows = await session.execute(_OVERLAPS, {"officer_ids": officer_ids, "module_id": module_id})
    found: dict[uuid.UUID, list[ModuleRef]] = {}
    for officer_id, mid, code, title in rows:
        found.setdefault(officer_id, []).append(ModuleRef(module_id=mid, code=code, title=title))
    return found


def missing_identity_fields(officer: Officer, vetting: VettingType) -> list[str]:
    return [f for f in IDENTITY_FIELDS.get(vetting, ()) if getattr(officer, f) in (None, "")]
