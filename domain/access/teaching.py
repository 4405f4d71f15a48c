"""The sessions and modules a principal may take attendance for, or read the roster of.

- trainers: only the sessions they teach (attendance) and the modules they teach a session of
  (roster, assessments); anything else is a 404, as if it did not exist;
- coordinators: only the modules of the programmes they plan: another programme's roster,
  attendance or nominations are a 404 to read, and a 403 to write (naming the assignment);
- focal points: read any (need_to_know.roster_participants then keeps their agency's people);
- admin: everything.

A trainer's calendar (the sessions they teach) is read by administrators and coordinators, and by
that trainer themself; another trainer's is a 404 for a trainer, and anyone else's a 403."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.plans import authorize_programme, planned_modules
from domain.auth.principal import Principal, Role
from domain.crud import get_or_404
from domain.errors import Forbidden, NotFound
from domain.i18n import translatable
from domain.models.catalogue import Module, TrainingSession, session_trainers

TRAINER_CALENDAR_READERS = frozenset({Role.admin, Role.coordinator})


def _taught_sessions(principal: Principal) -> Select[Any]:
    return select(session_trainers.c.session_id).where(session_trainers.c.trainer_id == principal.trainer_id)


def sessions_taught(principal: Principal) -> ColumnElement[bool]:
    """A condition on TrainingSession: for a trainer, the sessions they teach; else all."""
    if principal.role is not Role.trainer:
        return true()
    if principal.trainer_id is None:
        return false()
    return TrainingSession.id.in_(_taught_sessions(principal))


def modules_taught(principal: Principal) -> ColumnElement[bool]:
    """A condition on Module: for a trainer, the modules they teach a session of; else all."""
    if principal.role is not Role.trainer:
        return true()
    if principal.trainer_id is None:
        return false()
    return Module.id.in_(select(TrainingSession.module_id).where(TrainingSession.id.in_(_taught_sessions(principal))))


async def session_for(
    session: AsyncSession, principal: Principal, session_id: uuid.UUID, *, write: bool
) -> TrainingSession:
    """The training session, if the principal may take (write) or read its attendance."""
    where = [sessions_taught(principal)]
    if not write:
        where.append(planned_modules(principal, TrainingSession.module_id))
    ts = await get_or_404(session, TrainingSession, session_id, where=tuple(where))
    if write and principal.role is not Role.trainer:
        await authorize_programme(session, principal, session_id=ts.id)
    return ts


async def module_for(session: AsyncSession, principal: Principal, module_id: uuid.UUID, *, write: bool) -> Module:
    """The module, if the principal may read its roster or nominations, or (write) record its
    assessments."""
    where = [modules_taught(principal)]
    if not write:
        where.append(planned_modules(principal, Module.id))
    module = await get_or_404(session, Module, module_id, where=tuple(where))
    if write and principal.role is not Role.trainer:
        await authorize_programme(session, principal, cycle_id=module.cycle_id)
    return module


def check_trainer_calendar(principal: Principal, trainer_id: uuid.UUID) -> None:
    """Whether the principal may read this trainer's calendar (see the module)."""
    if principal.role in TRAINER_CALENDAR_READERS:
        return
    if principal.role is not Role.trainer:
        raise Forbidden(
            translatable("Only coordinators and the trainer themself read a trainer's calendar."),
            needed="own trainer record",
        )
    if principal.trainer_id != trainer_id:
        raise NotFound(
            translatable("No trainer with id {id}.", id=trainer_id),
            entity="trainers",
            id=str(trainer_id),
        )
