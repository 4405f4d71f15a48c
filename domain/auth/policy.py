"""Who may do what. One matrix of permissions per role; machine clients hold scopes instead.
Services call `authorize` first, then narrow their queries with the row filters below, so no
route can forget need-to-know."""

from __future__ import annotations

from domain.auth.principal import Principal, Role
from domain.errors import Forbidden

# Reading the plan: programmes, cycles, agencies, modules, sessions, venues, disciplines.
PLANNING_READ = "planning:read"
PLANNING_WRITE = "planning:write"
PROGRAMMES_ADMIN = "programmes:admin"
TRAINERS_READ = "trainers:read"
OFFICERS_READ = "officers:read"
OFFICERS_WRITE = "officers:write"
OFFICERS_ERASE = "officers:erase"
ACCOUNTS_ADMIN = "accounts:admin"
AUDIT_READ = "audit:read"
EVENTS_READ = "events:read"

_ALL = {
    PLANNING_READ, PLANNING_WRITE, PROGRAMMES_ADMIN, TRAINERS_READ, OFFICERS_READ, OFFICERS_WRITE,
    OFFICERS_ERASE, ACCOUNTS_ADMIN, AUDIT_READ, EVENTS_READ,
}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.admin: frozenset(_ALL),
    Role.coordinator: frozenset({PLANNING_READ, PLANNING_WRITE, TRAINERS_READ, OFFICERS_READ, OFFICERS_WRITE}),
    Role.focal_point: frozenset({PLANNING_READ, TRAINERS_READ, OFFICERS_READ, OFFICERS_WRITE}),
    Role.trainer: frozenset({PLANNING_READ, TRAINERS_READ}),
    # Observers (donors, steering bodies) read aggregates only: no endpoint that returns a person.
    Role.observer: frozenset({PLANNING_READ}),
    Role.client: frozenset(),
}

# The scopes a machine client may be granted.
CLIENT_SCOPES = frozenset({PLANNING_READ, OFFICERS_READ, OFFICERS_WRITE, EVENTS_READ})


def permissions(principal: Principal) -> frozenset[str]:
    if principal.role is Role.client:
        return principal.scopes & CLIENT_SCOPES
    return ROLE_PERMISSIONS[principal.role]


def allowed(principal: Principal, permission: str) -> bool:
    return permission in permissions(principal)


def authorize(principal: Principal, permission: str) -> None:
    if not allowed(principal, permission):
        raise Forbidden(f"Your {principal.role.value} access does not include {permission}.", needed=permission)


def roles_with(permission: str) -> list[str]:
    """For documentation: which roles (and client scopes) hold a permission."""
    roles = [r.value for r, perms in ROLE_PERMISSIONS.items() if permission in perms]
    if permission in CLIENT_SCOPES:
        roles.append(f"client with scope {permission}")
    return roles
