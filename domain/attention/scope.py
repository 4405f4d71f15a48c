"""Whose cycles a dashboard covers: an administrator's, every cycle; a coordinator's, the cycles of
the programmes they plan. Anyone else may not plan, and is refused before this is asked."""

from __future__ import annotations

from sqlalchemy import ColumnElement, true

from domain.auth.principal import Principal, Role
from domain.models.catalogue import ModuleStatus
from domain.models.cycles import Cycle

# Modules still being planned or run: their sessions can be readied, moved, staffed.
ACTIVE = (ModuleStatus.draft, ModuleStatus.planned, ModuleStatus.open, ModuleStatus.confirmed)


def planned_cycles(principal: Principal) -> ColumnElement[bool]:
    """A condition on Cycle."""
    if principal.role is Role.admin:
        return true()
    condition: ColumnElement[bool] = Cycle.programme_id.in_(principal.programme_ids)
    return condition
