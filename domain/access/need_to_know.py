"""Who may see which person: the one place that decides it, as SQL conditions.

- administrators and unbound machine clients (within their scopes): every officer;
- focal points, and machine clients bound to an agency: the officers of that agency and of its
  sub-units, nobody else (another agency's officer answers exactly like one that does not exist);
- coordinators: the officers of agencies in the partner countries of their programmes' cycles,
  and the participations (nominations, rosters, attendance, scores, certificates) only of the
  modules of the programmes they plan;
- trainers and observers: no officer records (trainers see the participants of what they teach,
  through `roster_participants`);
- an erased officer is no longer anyone's officer: erasure pseudonymised them, and only the
  aggregates (and the pseudonymised rows of rosters) keep them.

Every query that reads a table holding an officer's data (officers, their keys, nominations and
their history, attendance, assessments, certificates, vettings, planned import rows) carries one of
these conditions in its WHERE or a JOIN's ON, or says why it needs none with `internal(...)`. A
test watches every statement the API and the webhook worker send and fails on one that does
neither (tests/need_to_know_guard.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import True_
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean

from domain.access.plans import planned_modules
from domain.agencies.tree import in_subtree
from domain.auth.principal import Principal, Role

# Re-exported: the exemption lives with the rule.
from domain.db import INTERNAL as INTERNAL
from domain.db import internal as internal
from domain.models.agencies import Agency
from domain.models.certificates import Certificate
from domain.models.cycles import Cycle
from domain.models.enrolment import Nomination, NominationChange
from domain.models.officers import Officer

# Reads of personal data by these roles are logged (who, which filter, how many rows): those who
# read on behalf of an agency or a classroom, people and machines alike.
LOGGED_READERS = frozenset({Role.focal_point, Role.trainer, Role.client})


class NeedToKnow(ColumnElement[bool]):
    """A need-to-know condition. It compiles to its condition (1 = 1 when that is TRUE, so that
    it is never folded away) and names itself, so that a statement can be checked for it."""

    __visit_name__ = "need_to_know"
    inherit_cache = True
    type = Boolean()
    # A condition, not a boolean column: no "= 1" after it where booleans are integers (SQLite),
    # which hid an IN from the index (every officer was read to find one).
    _is_implicitly_boolean = True
    _traverse_internals = [("kind", InternalTraversal.dp_string), ("condition", InternalTraversal.dp_clauseelement)]

    def __init__(self, kind: str, condition: ColumnElement[bool]):
        self.kind = kind
        self.condition = condition


@compiles(NeedToKnow)
def _compile(element: NeedToKnow, compiler: Any, **kw: Any) -> str:
    if isinstance(element.condition, True_):
        return "1 = 1"
    # In parentheses: one term of the statement's WHERE whatever it holds (an OR inside it bound
    # looser than the AND of the other criteria: `x AND visible OR mine` was `(x AND visible) OR mine`).
    return f"({compiler.process(element.condition, **kw)})"


def logs_reads(principal: Principal) -> bool:
    return principal.role in LOGGED_READERS


def bound_to_agency(principal: Principal) -> bool:
    """Whether the principal acts for one agency (and its sub-units): a focal point, or a machine
    client bound to an agency. Such a principal's imports, reports and provisioning default to it."""
    return principal.agency_id is not None and principal.role in (Role.focal_point, Role.client)


def reach(principal: Principal) -> Select[Any] | None:
    """The ids of the agencies whose people the principal may see; None for every agency."""
    if bound_to_agency(principal):
        root = select(Agency.path).where(Agency.id == principal.agency_id).scalar_subquery()
        return select(Agency.id).where(in_subtree(Agency.path, root))
    if principal.role in (Role.admin, Role.client):
        return None
    if principal.role is Role.coordinator:
        countries = select(Cycle.partner_country).where(Cycle.programme_id.in_(principal.programme_ids))
        return select(Agency.id).where(Agency.country.in_(countries))
    return select(Agency.id).where(false())


def _agency_in_reach(principal: Principal, agency_id: Any) -> ColumnElement[bool]:
    agencies = reach(principal)
    return true() if agencies is None else agency_id.in_(agencies)


def officers(principal: Principal) -> NeedToKnow:
    """The officers the principal may know exist (a condition on Officer)."""
    return NeedToKnow("officers", Officer.erased_at.is_(None) & _agency_in_reach(principal, Officer.agency_id))


def agency_in_reach(principal: Principal, agency_id: Any) -> NeedToKnow:
    """Whether an agency's people are within the principal's reach (a condition on that column)."""
    return NeedToKnow("agencies", _agency_in_reach(principal, agency_id))


def officer_rows(principal: Principal, officer_id: Any) -> NeedToKnow:
    """Rows about one officer each (vettings...), keyed by `officer_id`: those of officers the
    principal may see."""
    return NeedToKnow("officers", officer_id.in_(select(Officer.id).where(officers(principal))))


def nominations(principal: Principal) -> NeedToKnow:
    """The nominations the principal may know exist: those of officers they may see, and for a
    coordinator only in the modules of the programmes they plan."""
    # EXISTS of the nomination's own officer, not `officer_id IN (every visible officer)`: the same
    # rows, but SQLite built that list of every officer (milliseconds) for each nomination read.
    of_visible = (
        select(Officer.id)
        .where(Officer.id == Nomination.officer_id, officers(principal))
        .correlate(Nomination)
        .exists()
    )
    return NeedToKnow("nominations", of_visible & planned_modules(principal, Nomination.module_id))


def nomination_history(principal: Principal) -> NeedToKnow:
    """The status changes of the nominations the principal may see (a condition on NominationChange)."""
    return NeedToKnow(
        "nominations", NominationChange.nomination_id.in_(select(Nomination.id).where(nominations(principal)))
    )


def certificates(principal: Principal) -> NeedToKnow:
    """The certificates of officers the principal may see, for a coordinator only of the modules
    of the programmes they plan."""
    of_visible = Certificate.officer_id.in_(select(Officer.id).where(officers(principal)))
    return NeedToKnow("certificates", of_visible & planned_modules(principal, Certificate.module_id))


def certificate_check(code: str) -> NeedToKnow:
    """The public check of a certificate: whoever holds its verification code may see what the
    check shows (a status, the module, the holder's initials), and nothing else of the person."""
    return NeedToKnow("verification code", Certificate.verification_code == code)


def imports_seen(principal: Principal, created_by_id: Any) -> NeedToKnow:
    """The imports a principal may see (a condition on their creator's id column): whoever made
    one, and administrators; anyone else gets a 404. Their planned rows hold officers' values."""
    return NeedToKnow("imports", true() if principal.role is Role.admin else created_by_id == principal.id)


def roster_participants(principal: Principal) -> NeedToKnow:
    """Participants on a roster or an attendance list (a condition on Officer), once the caller
    has checked the module or session itself (teaching.module_for / session_for, which keep a
    coordinator to the modules of their programmes): a trainer sees
    everyone on what they teach; everyone else the officers they may see. Erased participants
    stay, pseudonymised, so that attendance adds up."""
    if principal.role is Role.trainer:
        return NeedToKnow("roster", true())
    return NeedToKnow("roster", _agency_in_reach(principal, Officer.agency_id))
