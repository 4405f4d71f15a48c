"""The focal point's forms: nominate several officers at once (ranked, participants or alternates),
withdraw a nomination, substitute another officer for it. Each is a call of the enrolment services
the API calls; all or nothing: a refusal is the page again (422, 409 or 412) with the reason next to
the officer or field it concerns and what was typed kept, nothing changed."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import DbSession
from domain import errors as e
from domain import i18n
from domain.enrolment import nominations, substitution
from domain.enrolment.models import NominationRole
from domain.enrolment.schemas import NominationCreate, Substitution, Withdrawal
from web.routes.focal import nomination_page
from web.routes.focal_common import RULES, CheckedFocal, module_page, person, refusal
from web.templating import finish
from web.visitor import Visitor

router = APIRouter(prefix="/focal", include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
Many = Annotated[list[str], Form(max_length=200)]
STATUS = {e.PreconditionFailed: 412, e.Conflict: 409, e.InvalidInput: 422}


def _go(request: Request, visitor: Visitor, location: str) -> Response:
    response = RedirectResponse(location, status_code=303)
    finish(request, visitor, response)
    return response


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _status(exc: e.DomainError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 409)


@router.post("/modules/{module_id}/nominate")
async def nominate(request: Request, db: DbSession, visitor: CheckedFocal, module_id: uuid.UUID) -> Response:
    """Every ticked officer with their role and rank (`role-<id>`, `priority-<id>`), in one go."""
    form = await request.form()
    ticked = [str(v) for v in form.getlist("officer")][:200]
    chosen = [t for t in ticked if _uuid(t)]
    fields = {k: str(v)[:20] for k, v in form.items() if k.startswith(("role-", "priority-"))}
    typed: dict[str, Any] = {"officer": chosen} | fields
    q = str(form.get("q", ""))[:200]
    lang, errors = visitor.lang, {}
    if not chosen:
        errors["officers"] = i18n.gettext(lang, i18n.N_("Tick at least one officer to nominate."))
    wanted = []
    for officer in chosen:
        role, rank = fields.get(f"role-{officer}", "participant"), fields.get(f"priority-{officer}", "").strip()
        if role not in NominationRole.__members__:
            errors[f"role-{officer}"] = i18n.gettext(lang, RULES["role"])
        if not rank.isdigit() or not 1 <= int(rank) <= 1000:
            errors[f"priority-{officer}"] = i18n.gettext(lang, RULES["priority"])
        else:
            wanted.append(
                NominationCreate(officer_id=uuid.UUID(officer), role=NominationRole(role), priority=int(rank))
            )
    status = 422
    if not errors:
        for data in wanted:
            try:
                await nominations.create_nomination(db, principal=person(visitor), module_id=module_id, data=data)
            except e.NotFound:
                raise
            except e.DomainError as exc:
                errors[f"officer-{data.officer_id}"] = refusal(lang, exc)
                status = max(status, _status(exc)) if _status(exc) != 422 else status
    if errors:  # all or nothing: the answer is not 2xx, so the request's transaction is rolled back
        return await module_page(
            request,
            db,
            visitor,
            module_id,
            q=q,
            status_code=status,
            typed=typed,
            errors=errors,
            refused=i18n.gettext(lang, i18n.N_("Nobody was nominated: check the marked officers.")),
        )
    return _go(request, visitor, f"/focal/modules/{module_id}?nominated={len(wanted)}#mine")


@router.post("/nominations/{nomination_id}/withdraw")
async def withdraw(
    request: Request, db: DbSession, visitor: CheckedFocal, nomination_id: uuid.UUID, reason: Text = ""
) -> Response:
    try:
        await nominations.withdraw(
            db, principal=person(visitor), nomination_id=nomination_id, data=Withdrawal(reason=reason.strip() or None)
        )
    except e.NotFound:
        raise
    except e.DomainError as exc:
        return await nomination_page(
            request,
            db,
            visitor,
            nomination_id,
            status_code=_status(exc),
            typed={"reason": reason},
            errors={"withdraw": refusal(visitor.lang, exc)},
        )
    return _go(request, visitor, f"/focal/nominations/{nomination_id}?done=withdrawn")


@router.post("/nominations/{nomination_id}/substitute")
async def substitute(
    request: Request,
    db: DbSession,
    visitor: CheckedFocal,
    nomination_id: uuid.UUID,
    officer: Text = "",
    reason: Text = "",
    version: Text = "",
    q: Text = "",
) -> Response:
    typed = {"officer": officer, "reason": reason}
    chosen = _uuid(officer)
    try:
        if chosen is None:
            raise e.InvalidInput("Choose the substitute.", errors=[{"field": "officer_id", "message": "required"}])
        result = await substitution.substitute(
            db,
            principal=person(visitor),
            nomination_id=nomination_id,
            data=Substitution(officer_id=chosen, reason=reason.strip() or None),
            expected_version=int(version) if version.strip().isdigit() else None,
        )
    except e.NotFound:
        raise
    except e.DomainError as exc:
        return await nomination_page(
            request,
            db,
            visitor,
            nomination_id,
            q=q[:200],
            status_code=_status(exc),
            typed=typed,
            errors={"substitute": refusal(visitor.lang, exc)},
        )
    return _go(request, visitor, f"/focal/nominations/{result.nomination.id}?done=substituted")
