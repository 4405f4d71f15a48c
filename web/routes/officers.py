"""An officer's record (GET /officers/{officer_id}): identity in Arabic and Latin, agency,
external ids, participations with attendance and scores, certificates with their verification
links, vettings with their validity, and the officers that may be the same person. Read through
domain/officer_record (the need-to-know and read audit of GET /api/v1/officers/{id}): an officer
the person may not see, or a role that sees no officer, is the missing page.

Erasure (administrators): a confirmation page, then the API's own service
(domain/officers/erasure.py), audited as the API audits it; then the audit log of the officer."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import DbSession
from domain import errors as e
from domain import i18n
from domain.auth.policy import OFFICERS_ERASE, OFFICERS_READ, allowed
from domain.auth.principal import Principal
from domain.i18n import N_
from domain.officer_record.service import read_officer_record
from domain.officers import erasure
from domain.officers import service as officers
from web.routes.desk_common import percent
from web.templating import finish, render
from web.visitor import CheckedPerson, SignedInVisitor, Visitor

router = APIRouter(prefix="/officers", include_in_schema=False)
CONFIRM = N_("Tick the box to confirm: the erasure cannot be undone.")


def _reader(visitor: Visitor) -> Principal:
    person = visitor.person
    if person is None or not allowed(person, OFFICERS_READ):
        raise e.NotFound("No such page.")  # a role that sees no officer: the missing page
    return person


def _eraser(visitor: Visitor) -> Principal:
    person = visitor.person
    if person is None or not allowed(person, OFFICERS_ERASE):
        raise e.NotFound("No such page.")
    return person


def _id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise e.NotFound("No such page.") from None


@router.get("/{officer_id}")
async def officer_page(request: Request, db: DbSession, visitor: SignedInVisitor, officer_id: str) -> Response:
    record = await read_officer_record(db, principal=_reader(visitor), officer_id=_id(officer_id))
    return render(request, visitor, "officers/record.html", record=record, o=record.officer, pct=percent(visitor))


async def _confirmation(
    request: Request, db: DbSession, visitor: Visitor, officer_id: str, *, status_code: int = 200, error: str = ""
) -> Response:
    person = _eraser(visitor)
    officer = await officers.get_officer(db, principal=person, officer_id=_id(officer_id))
    return render(request, visitor, "officers/erase.html", status_code=status_code, o=officer, error=error)


@router.get("/{officer_id}/erasure")
async def erase_page(request: Request, db: DbSession, visitor: SignedInVisitor, officer_id: str) -> Response:
    return await _confirmation(request, db, visitor, officer_id)


@router.post("/{officer_id}/erasure")
async def erase(
    request: Request,
    db: DbSession,
    visitor: CheckedPerson,
    officer_id: str,
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    person = _eraser(visitor)
    if confirm != "yes":
        error = i18n.gettext(visitor.lang, CONFIRM)
        return await _confirmation(request, db, visitor, officer_id, status_code=422, error=error)
    erased = await erasure.erase_officer(db, principal=person, officer_id=_id(officer_id))
    response = RedirectResponse(f"/admin/audit?entity=officer&entity_id={erased.id}&done=erased", status_code=303)
    finish(request, visitor, response)
    return response
