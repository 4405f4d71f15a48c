"""Administration: people's accounts. The list (by role, paged like GET /api/v1/users), a new
account, and one account's page to change its role and bindings, disable or enable it, or set a
new password. Every change is one call of domain/accounts/service.py, as the API's admin routes
make it (audited there, with the version the page showed); a refusal is the page again with the
words next to the field and what was typed kept (422), a stale page the current one (412)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.deps import DbSession
from domain import errors as e
from domain import i18n
from domain.accounts import service
from domain.accounts.schemas import UserCreate, UserUpdate
from domain.auth.principal import Role
from domain.i18n import N_
from web.routes.admin_common import (
    PAGE_SIZE,
    Admin,
    CheckedAdmin,
    binding_choices,
    invalid_fields,
    page_id,
    parse_id,
    principal,
    redirect,
    word,
)
from web.templating import render
from web.visitor import Visitor

router = APIRouter(prefix="/admin/accounts", include_in_schema=False)
Text = Annotated[str, Form(max_length=300)]
Many = Annotated[list[str], Form(max_length=200)]
ROLES = [r.value for r in Role if r is not Role.client]
DONE = {
    "created": N_("The account was created."),
    "saved": N_("The role and bindings were saved."),
    "disabled": N_("The account was disabled."),
    "enabled": N_("The account was enabled."),
    "password": N_("The new password was set."),
}
STALE = N_("Someone changed this account since you opened the page: nothing was changed. Here it is now.")


def _done(lang: str, done: str | None) -> str:
    return i18n.gettext(lang, DONE[done]) if done in DONE else ""


async def _list(request: Request, db: Any, visitor: Visitor, *, role: str, cursor: str | None, **form: Any) -> Response:
    person = principal(visitor)
    filters = service.UserFilters(role=Role(role) if role in ROLES else None)
    items, next_cursor = await service.list_users(db, principal=person, filters=filters, limit=PAGE_SIZE, cursor=cursor)
    return render(
        request,
        visitor,
        "admin/accounts.html",
        status_code=form.pop("status_code", 200),
        items=items,
        next_cursor=next_cursor,
        role=role if role in ROLES else "",
        roles=ROLES,
        errors=form.pop("errors", {}),
        typed=form.pop("typed", {}),
        done=_done(visitor.lang, request.query_params.get("done")),
        **await binding_choices(db, person),
    )


@router.get("")
async def accounts(
    request: Request, db: DbSession, visitor: Admin, role: str = "", cursor: str | None = None
) -> Response:
    return await _list(request, db, visitor, role=role, cursor=cursor)


def _binding(agency_id: str, trainer_id: str, programme_ids: list[str]) -> dict[str, Any]:
    return {
        "agency_id": parse_id(agency_id),
        "trainer_id": parse_id(trainer_id),
        "programme_ids": [p for p in (parse_id(x) for x in programme_ids) if p],
    }


@router.post("")
async def create(
    request: Request,
    db: DbSession,
    visitor: CheckedAdmin,
    username: Text = "",
    password: Text = "",
    role: Text = "",
    email: Text = "",
    agency_id: Text = "",
    trainer_id: Text = "",
    programme_ids: Many = [],  # noqa: B006  (FastAPI copies a Form default)
) -> Response:
    typed: dict[str, Any] = {"username": username, "role": role, "email": email, "agency_id": agency_id}
    typed |= {"trainer_id": trainer_id, "programme_ids": programme_ids}
    try:
        data = UserCreate(
            username=username.strip(),
            password=password,
            role=role,
            email=email.strip() or None,
            **_binding(agency_id, trainer_id, programme_ids),
        )
        if await service.username_taken(db, principal=principal(visitor), username=data.username):
            raise e.Conflict("The username is taken.", code="unique-conflict")
        user = await service.create_user(db, principal=principal(visitor), data=data)
    except (ValidationError, e.InvalidInput) as exc:
        errors = invalid_fields(visitor.lang, exc)
        return await _list(request, db, visitor, role="", cursor=None, status_code=422, errors=errors, typed=typed)
    except e.Conflict:
        errors = {"username": word(visitor.lang, "taken")}
        return await _list(request, db, visitor, role="", cursor=None, status_code=422, errors=errors, typed=typed)
    return redirect(request, visitor, f"/admin/accounts/{user.id}?done=created")


async def _account(
    request: Request, db: Any, visitor: Visitor, user_id: uuid.UUID, *, status_code: int = 200, **page: Any
) -> Response:
    person = principal(visitor)
    user = await service.get_user(db, principal=person, user_id=user_id)
    return render(
        request,
        visitor,
        "admin/account.html",
        status_code=status_code,
        user=user,
        roles=ROLES,
        errors=page.pop("errors", {}),
        typed=page.pop("typed", {}),
        notice=page.pop("notice", "") or _done(visitor.lang, request.query_params.get("done")),
        refused=page.pop("refused", False),
        **await binding_choices(db, person),
    )


@router.get("/{user_id}")
async def account(request: Request, db: DbSession, visitor: Admin, user_id: str) -> Response:
    return await _account(request, db, visitor, page_id(user_id))


async def _change(
    request: Request, db: Any, visitor: Visitor, user_id: uuid.UUID, version: str, fields: dict[str, Any], done: str
) -> Response:
    typed = {k: v for k, v in fields.items() if k != "password"}
    try:
        data = UserUpdate(**fields)
        await service.update_user(
            db,
            principal=principal(visitor),
            user_id=user_id,
            data=data,
            expected_version=int(version) if version.isdigit() else None,
        )
    except (ValidationError, e.InvalidInput) as exc:
        errors = invalid_fields(visitor.lang, exc)
        return await _account(request, db, visitor, user_id, status_code=422, errors=errors, typed=typed)
    except e.PreconditionFailed:
        notice = i18n.gettext(visitor.lang, STALE)
        return await _account(request, db, visitor, user_id, status_code=412, notice=notice, refused=True)
    except e.Conflict:
        notice = word(visitor.lang, "last-admin")
        return await _account(request, db, visitor, user_id, status_code=409, notice=notice, refused=True)
    return redirect(request, visitor, f"/admin/accounts/{user_id}?done={done}")


@router.post("/{user_id}")
async def save_role(
    request: Request,
    db: DbSession,
    visitor: CheckedAdmin,
    user_id: str,
    role: Text = "",
    agency_id: Text = "",
    trainer_id: Text = "",
    programme_ids: Many = [],  # noqa: B006
    version: Text = "",
) -> Response:
    fields = {"role": role or None} | _binding(agency_id, trainer_id, programme_ids)
    return await _change(request, db, visitor, page_id(user_id), version, fields, "saved")


@router.post("/{user_id}/disabled")
async def set_disabled(
    request: Request, db: DbSession, visitor: CheckedAdmin, user_id: str, disabled: Text = "", version: Text = ""
) -> Response:
    off = disabled == "true"
    return await _change(
        request, db, visitor, page_id(user_id), version, {"disabled": off}, "disabled" if off else "enabled"
    )


@router.post("/{user_id}/password")
async def reset_password(
    request: Request, db: DbSession, visitor: CheckedAdmin, user_id: str, password: Text = "", version: Text = ""
) -> Response:
    return await _change(request, db, visitor, page_id(user_id), version, {"password": password}, "password")
