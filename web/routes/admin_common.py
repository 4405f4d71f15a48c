"""What the administration pages share: only administrators open them (anyone else gets the
missing page, as for any record not theirs), refusals said next to their field in the person's
language, and the choices a binding offers (agencies, trainers, programmes) from the services."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from domain import errors as e
from domain import i18n
from domain.agencies.service import AgencyFilters, list_agencies
from domain.auth.policy import ACCOUNTS_ADMIN, allowed
from domain.auth.principal import Principal
from domain.catalogue.resources import TrainerFilters, list_trainers
from domain.i18n import N_
from domain.programmes.service import ProgrammeFilters, list_programmes
from web.templating import finish
from web.visitor import CheckedPerson, SignedInVisitor, Visitor

PAGE_SIZE = 50
CHOICES = 200  # agencies, trainers and programmes offered in a binding's list

FIELD_WORDS = {
    "username": N_("Use 3 to 120 letters, digits or . _ @ - (no spaces)."),
    "password": N_("Use at least 12 characters."),
    "role": N_("Choose a role."),
    "agency_id": N_("A focal point is bound to an agency unit, and only a focal point."),
    "trainer_id": N_("A trainer's account is bound to a trainer record, and only a trainer's."),
    "programme_ids": N_("Only a coordinator is assigned programmes."),
    "email": N_("Enter an email address, or leave it empty."),
    "name": N_("Give the client a name."),
    "scopes": N_("Choose the scopes the client is granted."),
    "event_id": N_("Enter the id of an event (a UUID)."),
    "since": N_("Enter a moment as YYYY-MM-DDTHH:MM (UTC)."),
    "until": N_("Enter a moment after the start, as YYYY-MM-DDTHH:MM (UTC)."),
    "taken": N_("This username is taken."),
    "last-admin": N_("This would leave no enabled administrator: nothing was changed."),
}
BINDING_WORDS = (("focal_point", "agency_id"), ("trainer", "trainer_id"), ("programmes", "programme_ids"))


def _admin(visitor: Visitor) -> Visitor:
    if visitor.person is None or not allowed(visitor.person, ACCOUNTS_ADMIN):
        raise e.NotFound("No such page.")  # another role's page answers like a missing one
    return visitor


async def admin_visitor(visitor: SignedInVisitor) -> Visitor:
    return _admin(visitor)


async def checked_admin(visitor: CheckedPerson) -> Visitor:
    """The form token first (a 403 that changes nothing), then the role."""
    return _admin(visitor)


Admin = Annotated[Visitor, Depends(admin_visitor)]
CheckedAdmin = Annotated[Visitor, Depends(checked_admin)]


def principal(visitor: Visitor) -> Principal:
    assert visitor.person is not None
    return visitor.person


def word(lang: str, name: str) -> str:
    return i18n.gettext(lang, FIELD_WORDS.get(name, N_("Check this field.")))


def invalid_fields(lang: str, exc: ValidationError | e.InvalidInput, whole: str | None = None) -> dict[str, str]:
    """The fields a refusal names, each with our words for it; a refusal of the whole form (two
    fields that do not go together) is said at `whole`, or at the binding it names."""
    names: list[str] = []
    if isinstance(exc, ValidationError):
        for error in exc.errors():
            loc = [str(part) for part in error["loc"] if not isinstance(part, int)]
            names.append(loc[0] if loc else whole or _binding(str(error["msg"])))
    else:
        for error in exc.extra.get("errors", []):
            field = str(error.get("field", "")).split(".")[0]
            names.append(_binding(str(error.get("message", ""))) if field == "role" else field)
    return {name: word(lang, name) for name in names if name}


def _binding(message: str) -> str:
    return next((name for key, name in BINDING_WORDS if key in message), "role")


def parse_id(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text.strip()) if text.strip() else None
    except ValueError:
        return None


def page_id(text: str) -> uuid.UUID:
    """A record's id from the address: a malformed one is a missing page."""
    found = parse_id(text)
    if found is None:
        raise e.NotFound("No such page.")
    return found


async def binding_choices(session: AsyncSession, person: Principal) -> dict[str, Any]:
    agencies, _ = await list_agencies(session, principal=person, filters=AgencyFilters(), limit=CHOICES, cursor=None)
    trainers, _ = await list_trainers(session, principal=person, filters=TrainerFilters(), limit=CHOICES, cursor=None)
    programmes, _ = await list_programmes(
        session, principal=person, filters=ProgrammeFilters(), limit=CHOICES, cursor=None
    )
    return {"agencies": agencies, "trainers": trainers, "programmes": programmes}


def redirect(request: Request, visitor: Visitor, url: str) -> Response:
    response = RedirectResponse(url, status_code=303)
    finish(request, visitor, response)
    return response


def utc_text(text: str) -> str:
    """A datetime-local value (no zone) read as UTC, as the forms say; anything else as typed."""
    text = text.strip()
    if len(text) in (16, 19) and "T" in text and "+" not in text and not text.endswith("Z"):
        return text + ("Z" if len(text) == 19 else ":00Z")
    return text
