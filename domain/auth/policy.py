"""Who may do what. One matrix of permissions per role; machine clients hold scopes instead.
Services call `authorize` first, then narrow their queries with the row filters of
domain/access/need_to_know.py, so no route can forget need-to-know."""

from __future__ import annotations

from domain.auth.principal import Principal, Role
from domain.errors import Forbidden
from domain.i18n import translatable

# Reading the plan: programmes, cycles, agencies, modules, sessions, venues, disciplines.
PLANNING_READ = "planning:read"
PLANNING_WRITE = "planning:write"
PROGRAMMES_ADMIN = "programmes:admin"
TRAINERS_READ = "trainers:read"
OFFICERS_READ = "officers:read"
OFFICERS_WRITE = "officers:write"
OFFICERS_ERASE = "officers:erase"
OFFICERS_REVIEW = "officers:review"  # keys shared by officers of different agencies
ACCOUNTS_ADMIN = "accounts:admin"
AUDIT_READ = "audit:read"
EVENTS_READ = "events:read"  # the change feed
WEBHOOKS_MANAGE = "webhooks:manage"  # webhook subscriptions (a client: its own)
NOMINATIONS_READ = "nominations:read"
NOMINATIONS_WRITE = "nominations:write"  # nominate and withdraw
NOMINATIONS_DECIDE = "nominations:decide"  # accept, waitlist, reject; quotas; waitlist order
VETTING_READ = "vetting:read"
VETTING_WRITE = "vetting:write"
ROSTERS_READ = "rosters:read"
ATTENDANCE_WRITE = "attendance:write"
ASSESSMENTS_WRITE = "assessments:write"
CERTIFICATES_READ = "certificates:read"
CERTIFICATES_ISSUE = "certificates:issue"
REPORTS_READ = "reports:read"
SCIM = "scim"  # provisioning over SCIM 2.0 (/scim/v2)
IMPORTS_WRITE = "imports:write"  # plan, apply and undo bulk imports of officers and nominees
MESSAGES_READ = "messages:read"  # the log of the messages sent (domain/notifications), by need-to-know
MESSAGES_SEND = "messages:send"  # resend a message

_ALL = {
    PLANNING_READ,
    PLANNING_WRITE,
    PROGRAMMES_ADMIN,
    TRAINERS_READ,
    OFFICERS_READ,
    OFFICERS_WRITE,
    OFFICERS_ERASE,
    OFFICERS_REVIEW,
    ACCOUNTS_ADMIN,
    AUDIT_READ,
    EVENTS_READ,
    NOMINATIONS_READ,
    NOMINATIONS_WRITE,
    NOMINATIONS_DECIDE,
    VETTING_READ,
    VETTING_WRITE,
    ROSTERS_READ,
    ATTENDANCE_WRITE,
    ASSESSMENTS_WRITE,
    CERTIFICATES_READ,
    CERTIFICATES_ISSUE,
    REPORTS_READ,
    SCIM,
    IMPORTS_WRITE,
    WEBHOOKS_MANAGE,
    MESSAGES_READ,
    MESSAGES_SEND,
}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.admin: frozenset(_ALL),
    # Coordinators import HR files and nominee lists; SCIM provisioning is for machines (and administrators).
    Role.coordinator: frozenset(
        _ALL - {PROGRAMMES_ADMIN, OFFICERS_ERASE, ACCOUNTS_ADMIN, AUDIT_READ, EVENTS_READ, WEBHOOKS_MANAGE, SCIM}
    ),
    # Focal points put their agency's officers forward and follow them; every row is agency-scoped.
    Role.focal_point: frozenset(
        {
            PLANNING_READ,
            TRAINERS_READ,
            OFFICERS_READ,
            OFFICERS_WRITE,
            NOMINATIONS_READ,
            NOMINATIONS_WRITE,
            VETTING_READ,
            ROSTERS_READ,
            CERTIFICATES_READ,
            REPORTS_READ,
            IMPORTS_WRITE,
            MESSAGES_READ,
        }
    ),
    # Trainers take attendance for the sessions they teach and see those rosters only.
    Role.trainer: frozenset({PLANNING_READ, TRAINERS_READ, ROSTERS_READ, ATTENDANCE_WRITE, ASSESSMENTS_WRITE}),
    # Observers (donors, steering bodies) read aggregates only: no endpoint that returns a person.
    Role.observer: frozenset({PLANNING_READ, REPORTS_READ}),
    Role.client: frozenset(),
}

# The scopes a machine client may be granted.
CLIENT_SCOPES = frozenset(
    {
        PLANNING_READ,
        OFFICERS_READ,
        OFFICERS_WRITE,
        EVENTS_READ,
        NOMINATIONS_READ,
        CERTIFICATES_READ,
        REPORTS_READ,
        SCIM,
        IMPORTS_WRITE,
        WEBHOOKS_MANAGE,
    }
)


def permissions(principal: Principal) -> frozenset[str]:
    if principal.role is Role.client:
        return principal.scopes & CLIENT_SCOPES
    return ROLE_PERMISSIONS[principal.role]


def allowed(principal: Principal, permission: str) -> bool:
    return permission in permissions(principal)


def authorize(principal: Principal, permission: str) -> None:
    if not allowed(principal, permission):
        raise Forbidden(
            translatable(
                "Your {role} access does not include {permission}.", role=principal.role.value, permission=permission
            ),
            needed=permission,
        )


def roles_with(permission: str) -> list[str]:
    """For documentation: which roles (and client scopes) hold a permission."""
    roles = [r.value for r, perms in ROLE_PERMISSIONS.items() if permission in perms]
    if permission in CLIENT_SCOPES:
        roles.append(f"client with scope {permission}")
    return roles
