"""Who may see or write the attendance of a session and the roster of a module.

- trainers: only the sessions they teach (attendance) and the modules they teach a session of
  (roster, assessments); anything else is a 404, as if it did not exist. They see every
  participant of what they teach;
- coordinators: write only for their programmes (403 otherwise); read the participants whose
  officer records they may see;
- focal points: read only the participants of their agency subtree;
- admin: everything."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.principal import Principal, Role
from domain.auth.scoping import authorize_programme, officer_visible
from domain.catalogue.models import Module, TrainingSession, session_trainers
from domain.crud import get_or_404

# Reads of personal data by these roles are logged (who, which module or session, how many rows).
LOGGED_READERS = frozenset({Role.focal_point, Role.trainer})


def _taught_sessions(principal: Principal):
    return select(session_trainers.c.session_id).where(session_trainers.c.trainer_id == principal.trainer_id)


def _session_filter(principal: Principal) -> ColumnElement[bool]:
    if principal.role is not Role.trainer:
        return true()
    if principal.trainer_id is None:
        return false()
    return TrainingSession.id.in_(_taught_sessions(principal))


def _module_filter(principal: Principal) -> ColumnElement[bool]:
    if principal.role is not Role.trainer:
        return true()
    if principal.trainer_id is None:
        return false()
    return Module.id.in_(select(TrainingSession.module_id).where(TrainingSession.id.in_(_taught_sessions(principal))))


async def session_for(session: AsyncSession, principal: Principal, session_id: uuid.UUID, *, write: bool) -> TrainingSession:
    """The training session, if the principal may take (write) or read its attendance."""
    ts = await get_or_404(session, TrainingSession, session_id, where=(_session_filter(principal),))
    if write and principal.role is not Role.trainer:
        await authorize_programme(session, principal, session_id=ts.id)
    return ts


async def module_for(session: AsyncSession, principal: Principal, module_id: uuid.UUID, *, write: bool) -> Module:
    """The module, if the principal may read its roster or (write) record its assessments."""
    module = await get_or_404(session, Module, module_id, where=(_module_filter(principal),))
    if write and principal.role is not Role.trainer:
        await authorize_programme(session, principal, cycle_id=module.cycle_id)
    return module


def participants_visible(principal: Principal) -> ColumnElement[bool]:
    """A condition on Officer: trainers (already limited to what they teach) see every
    participant; everyone else sees the officers their role lets them see."""
    if principal.role is Role.trainer:
        return true()
    return officer_visible(principal)
