"""What the focal point's pages share: who may open them (a focal point bound to an agency; anyone
else gets the missing page), the module page rendered with what was typed and refused, and the
refusals of the nomination rules in the person's language."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from api.deps import DbSession
from domain import errors as e
from domain import i18n
from domain.auth.principal import Principal, Role
from domain.db import utcnow
from domain.focal_desk.calls import my_units, one_call
from domain.focal_desk.meter import my_meter
from domain.focal_desk.mine import my_nominations
from domain.i18n import N_
from domain.officers.service import OfficerFilters, list_officers
from web.routes.desk_common import percent
from web.templating import render
from web.visitor import CheckedPerson, SignedInVisitor, Visitor

PAGE = 20


def _focal(visitor: Visitor) -> Visitor:
    if visitor.person is None or visitor.person.role is not Role.focal_point or visitor.person.agency_id is None:
        raise e.NotFound("No such page.")  # another role's page answers like a missing one
    return visitor


async def focal_visitor(visitor: SignedInVisitor) -> Visitor:
    return _focal(visitor)


async def checked_focal(visitor: CheckedPerson) -> Visitor:
    """The form token first (a 403 that changes nothing), then the role."""
    return _focal(visitor)


Focal = Annotated[Visitor, Depends(focal_visitor)]
CheckedFocal = Annotated[Visitor, Depends(checked_focal)]


def person(visitor: Visitor) -> Principal:
    assert visitor.person is not None
    return visitor.person


# The nomination rules' refusals, as the person reads them next to the officer they concern.
RULES = {
    "officer-deactivated": N_("This officer is deactivated: they cannot be nominated."),
    "module-not-open": N_("The module is not open for nominations."),
    "deadline-passed": N_("The nomination deadline has passed."),
    "already-nominated": N_("This officer is already nominated for this module."),
    "prerequisite-not-completed": N_("This officer has not completed the modules this one requires:"),
    "schedule-overlap": N_("This officer is enrolled in another module whose sessions overlap:"),
    "identity-fields-missing": N_("The module's vetting needs the officer's national id, date and place of birth."),
    "officer_id": N_("You cannot nominate this officer."),
    "priority": N_("Enter a rank from 1 to 1000."),
    "role": N_("Choose participant or alternate."),
    "not-substitutable": N_("Only a nomination awaiting a decision, waiting or enrolled can be substituted."),
    "substitution-closed": N_(
        "Substitutions are made while the module is open or confirmed and before its first session starts."
    ),
    "capacity-reached": N_("The module is full: the seat cannot pass to the substitute."),
    "quota-reached": N_("The substitute's unit has used up its quota: the seat cannot pass to them."),
    "illegal-transition": N_("This nomination can no longer be withdrawn."),
    "stale": N_("Someone changed this nomination since you opened the page: nothing was changed. Check it again."),
}


def refusal(lang: str, exc: e.DomainError) -> str:
    """One line: the rule's words, and the modules it names."""
    if isinstance(exc, e.PreconditionFailed):
        return i18n.gettext(lang, RULES["stale"])
    code = exc.code or ""
    if isinstance(exc, e.InvalidInput) and not isinstance(exc, e.RuleViolation):
        fields = [str(err["field"]).rsplit(".", 1)[-1] for err in exc.extra.get("errors", [])]
        code = next((f for f in fields if f in RULES), code)
    text = i18n.gettext(lang, RULES[code]) if code in RULES else exc.title
    modules = [str(m.get("code", "")) for v in exc.extra.get("violations", []) for m in v.get("modules") or []]
    modules += [str(m.get("code", "")) for m in exc.extra.get("modules", [])]
    return " ".join([text, ", ".join(modules)]).strip()


async def module_page(
    request: Request,
    db: DbSession,
    visitor: Visitor,
    module_id: uuid.UUID,
    *,
    q: str = "",
    officers_cursor: str | None = None,
    mine_cursor: str | None = None,
    status_code: int = 200,
    typed: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
    refused: str | None = None,
) -> Response:
    """The call, the officers to choose from (searched by name, Arabic-aware), the meter and my
    nominations for it. `typed`: what the person ticked and typed ({"officer": [...], "role-<id>": ...})."""
    principal = person(visitor)
    call = await one_call(db, principal=principal, module_id=module_id, now=utcnow())
    officers, officers_next = await list_officers(
        db,
        principal=principal,
        filters=OfficerFilters(q=q.strip() or None),
        limit=PAGE,
        cursor=officers_cursor,
    )
    typed, errors = typed or {}, errors or {}
    shown = {str(o.id) for o in officers}
    stray = [text for key, text in errors.items() if key.startswith("officer-") and key[8:] not in shown]
    ticked = [uuid.UUID(t) for t in typed.get("officer", [])]
    meter = await my_meter(db, principal=principal, module_id=module_id, adding=ticked)
    mine, mine_next = await my_nominations(db, principal=principal, limit=PAGE, cursor=mine_cursor, module_id=module_id)
    return render(
        request,
        visitor,
        "focal/module.html",
        status_code=status_code,
        call=call,
        officers=officers,
        officers_next=officers_next,
        units=await my_units(db, principal=principal),
        nominated={n.officer_id for n in mine if n.live},
        meter=meter,
        mine=mine,
        mine_next=mine_next,
        q=q,
        typed=typed,
        ticked={str(t) for t in ticked},
        errors=errors,
        notice=notice,
        refused=refused,
        stray=stray,  # refusals about officers not on this page of the list
        pct=percent(visitor),
    )
