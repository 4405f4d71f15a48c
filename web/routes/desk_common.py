"""What the coordinator's desk pages share: who may open them (those who plan; anyone else gets the
missing page), the module page rendered with a section's notice, and refusals explained in the
person's language: a stale page (412), a conflict (409) or a field to fix (422)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from babel.numbers import format_percent
from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from domain import errors as e
from domain import i18n
from domain.auth.policy import PLANNING_WRITE, allowed
from domain.auth.principal import Principal
from domain.db import utcnow
from domain.i18n import N_, formatting
from domain.module_desk.schemas import Paging
from domain.module_desk.service import read_module_desk
from web.templating import finish, render
from web.visitor import CheckedPerson, SignedInVisitor, Visitor

SECTIONS = ("overview", "sessions", "quotas", "nominations", "waitlist", "roster", "certificates", "vetting", "trail")


def _planner(visitor: Visitor) -> Visitor:
    if visitor.person is None or not allowed(visitor.person, PLANNING_WRITE):
        raise e.NotFound("No such page.")  # another role's page answers like a missing one
    return visitor


async def planner_visitor(visitor: SignedInVisitor) -> Visitor:
    return _planner(visitor)


async def checked_planner(visitor: CheckedPerson) -> Visitor:
    """The form token first (a 403 that changes nothing), then the role."""
    return _planner(visitor)


Planner = Annotated[Visitor, Depends(planner_visitor)]
CheckedPlanner = Annotated[Visitor, Depends(checked_planner)]


def person(visitor: Visitor) -> Principal:
    assert visitor.person is not None
    return visitor.person


# What a change did, said on the page it comes back to (?done=...): a fixed vocabulary, so that
# nothing typed into an address is ever shown.
DONE = {
    "transitioned": ("overview", N_("The module's status was changed.")),
    "session-added": ("sessions", N_("The session was added.")),
    "session-moved": ("sessions", N_("The session was saved.")),
    "quotas-saved": ("quotas", N_("The quotas were saved.")),
    "quotas-released": ("quotas", N_("The unclaimed quota seats went back to the general pool.")),
    "accepted": ("nominations", N_("Accepted: the participant is on the roster.")),
    "waitlisted": ("nominations", N_("The nomination waits on the waitlist.")),
    "declined": ("nominations", N_("The nomination was declined.")),
    "promoted": ("waitlist", N_("Accepted from the waitlist: the participant is on the roster.")),
    "reordered": ("waitlist", N_("The waitlist order was saved.")),
    "issued": ("certificates", N_("The certificates due were issued.")),
    "revoked": ("certificates", N_("The certificate was revoked.")),
    "vetting-requested": ("vetting", N_("The vetting request was recorded.")),
    "vetting-recorded": ("vetting", N_("The vetting result was recorded.")),
    "module-created": ("sessions", N_("The module was created: add its sessions here.")),
}
WARNINGS = {
    "full-below-female-target": N_("The module is now full with fewer women than its target."),
    "seat-passed-on": N_("The freed seat went to the next person on the waitlist."),
}


@dataclass
class Notice:
    section: str
    text: str  # in the person's language
    kind: str = "done"  # done, refused, stale
    lines: list[str] = field(default_factory=list)

    @property
    def role(self) -> str:
        return "status" if self.kind == "done" else "alert"


def done_notice(lang: str, done: str | None, warn: str | None) -> Notice | None:
    if done not in DONE:
        return None
    section, text = DONE[done]
    lines = [i18n.gettext(lang, WARNINGS[w]) for w in (warn or "").split(",") if w in WARNINGS]
    return Notice(section, i18n.gettext(lang, text), lines=lines)


def back(request: Request, visitor: Visitor, module_id: uuid.UUID, done: str, anchor: str, **extra: str) -> Response:
    """After a change: back to the module page (POST, redirect, GET), at the section it changed."""
    query = "&".join(f"{k}={v}" for k, v in {"done": done, **extra}.items() if v)
    response = RedirectResponse(f"/coordinator/modules/{module_id}?{query}#{anchor}", status_code=303)
    finish(request, visitor, response)
    return response


STATUS = {e.PreconditionFailed: 412, e.Conflict: 409, e.RuleViolation: 422, e.InvalidInput: 422}
STALE = N_(
    "Someone changed this since you opened the page: nothing was changed. Here is what it is now; "
    "check it, and do it again if it still applies."
)
CONFLICTS = {
    "capacity-reached": N_("The module is full: nothing was changed. You can put the nomination on the waitlist."),
    "quota-reached": N_(
        "The agency's quota for this module is used up: nothing was changed. You can put the nomination on the "
        "waitlist, or change the quota."
    ),
    "illegal-transition": N_("This change is not allowed from the current status: nothing was changed."),
    "not-held": N_("No session of the module has started yet: it cannot be marked delivered."),
    "vetting-incomplete": N_(
        "Some participants lack a valid vetting of the type the module requires: it cannot be confirmed yet. "
        "See the vetting section."
    ),
    "module-not-accepting": N_("Participants are accepted while the module is open or confirmed."),
    "schedule-overlap": N_("The officer is enrolled in another module whose sessions overlap:"),
    "schedule-conflict": N_(
        "The session would double-book a venue or a trainer: nothing was saved. Move it, or keep it with a reason."
    ),
    "module-closed": N_("The module is over: its sessions can no longer change."),
    "module-not-delivered": N_("Certificates are issued once the module is delivered."),
    "already-revoked": N_("The certificate was already revoked."),
    "vetting-pending": N_("A vetting of this type is already requested for this officer: record its result instead."),
}


def explain(lang: str, section: str, exc: e.DomainError) -> tuple[int, Notice]:
    """A refusal from a service, as the person reads it next to what they tried."""
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 409)
    if isinstance(exc, e.PreconditionFailed):
        return status, Notice(section, i18n.gettext(lang, STALE), kind="stale")
    lines: list[str] = []
    if exc.code == "schedule-overlap":
        lines = [str(m.get("code", "")) for m in exc.extra.get("modules", [])]
    if exc.code in CONFLICTS:
        text = CONFLICTS[exc.code]
    else:  # a refusal without words of its own: its title, and what the service said
        text = exc.title
        lines = [exc.message.render(lang) if exc.message else exc.detail]
    notice = Notice(section, i18n.gettext(lang, text), kind="refused", lines=lines)
    return status, notice


def field_errors(lang: str, exc: e.InvalidInput) -> dict[str, str]:
    """The refusal's field errors by their last name (quotas[0].seats -> seats), in the person's language."""
    found: dict[str, str] = {}
    for error in exc.extra.get("errors", []):
        name = str(error["field"]).rsplit(".", 1)[-1]
        found.setdefault(name, str(i18n.localized(error["message"], lang)))
    return found


async def module_page(
    request: Request,
    db: Any,
    visitor: Visitor,
    module_id: uuid.UUID,
    *,
    status_code: int = 200,
    notice: Notice | None = None,
    errors: dict[str, str] | None = None,
    typed: dict[str, Any] | None = None,
    paging: Paging | None = None,
    agency: uuid.UUID | None = None,
    clashes: list[dict[str, Any]] | None = None,
) -> Response:
    desk = await read_module_desk(
        db, principal=person(visitor), module_id=module_id, now=utcnow(), paging=paging, agency_id=agency
    )
    typed = typed or {}
    shown = typed.get("quotas") or {
        "agency_id": [str(q.agency_id) for q in desk.quotas.quotas],
        "seats": [str(q.seats) for q in desk.quotas.quotas],
    }
    return render(
        request,
        visitor,
        "coordinator/module.html",
        status_code=status_code,
        desk=desk,
        m=desk.module,
        notice=notice,
        errors=errors or {},
        typed=typed,
        clashes=clashes or [],
        agency=agency,
        pct=percent(visitor),
        quota_rows=[(a, n) for a, n in zip(shown["agency_id"], shown["seats"]) if a or n],
        quota_of={str(q.agency_id): q for q in desk.quotas.quotas},
        local=formatting.local,
        clock=lambda moment, zone: formatting.clock(moment, zone, visitor.lang, visitor.digits),
        parse_time=datetime.fromisoformat,
    )


def percent(visitor: Visitor) -> Any:
    """A share as the page's language writes a percentage (25 %, ٢٥٪ with Arabic digits); – for none."""
    locale = i18n.language(visitor.lang).locale

    def pct(value: float | None) -> str:
        if value is None:
            return "–"
        system = "arab" if visitor.digits == "arab" else "latn"
        text = format_percent(value, locale=locale, numbering_system=system)
        return formatting.digits(text, visitor.digits)

    return pct
