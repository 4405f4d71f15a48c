"""The header's navigation: a list each screen appends its entry to (one line), shown to the roles
the entry names. Order here is order on the page."""

from __future__ import annotations

from dataclasses import dataclass

from domain.auth.principal import Principal, Role
from domain.i18n import N_


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str  # N_(): translated where shown
    roles: frozenset[Role]


PLANNERS = frozenset({Role.admin, Role.coordinator})

NAVIGATION: list[NavItem] = [
    NavItem("/coordinator", N_("Needs attention"), PLANNERS),
    NavItem("/trainer/sessions", N_("My sessions"), frozenset({Role.trainer})),
    NavItem("/focal", N_("Calls and nominations"), frozenset({Role.focal_point})),
    NavItem("/coordinator/cycles", N_("Cycle planner"), PLANNERS),
    NavItem("/results", N_("Results"), frozenset({Role.admin, Role.coordinator, Role.observer})),
    NavItem("/admin/accounts", N_("Administration"), frozenset({Role.admin})),
]


def items_for(person: Principal | None) -> list[NavItem]:
    if person is None:
        return []
    return [item for item in NAVIGATION if person.role in item.roles]


def current(item: NavItem, path: str) -> bool:
    """The entry the page belongs to: its own address, or one under it."""
    if path == item.href:
        return True
    if not path.startswith(item.href.rstrip("/") + "/"):
        return False
    # Under another entry that is nearer (the planner under the desk): that one is current.
    return not any(len(other.href) > len(item.href) and current(other, path) for other in NAVIGATION)
