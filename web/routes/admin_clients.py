"""Administration: machine clients. The list (paged like GET /api/v1/clients), a new client
(scopes, agency binding; its secret shown once, on the answer to the form, never stored in the
clear nor kept by the browser), one client's page to change its scopes, binding or state, and the
secret's rotation (the new one shown once). Each change is one call of domain/accounts/service.py,
audited there as for the API."""

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
from domain.accounts.schemas import ClientCreate, ClientUpdate
from domain.auth.policy import CLIENT_SCOPES
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
)
from web.templating import render
from web.visitor import Visitor

router = APIRouter(prefix="/admin/clients", include_in_schema=False)
Text = Annotated[str, Form(max_length=300)]
Many = Annotated[list[str], Form(max_length=50)]
SCOPES = sorted(CLIENT_SCOPES)
SAVED = N_("The client was saved.")
STALE = N_("Someone changed this client since you opened the page: nothing was changed. Here it is now.")


async def _list(request: Request, db: Any, visitor: Visitor, cursor: str | None, **page: Any) -> Response:
    person = principal(visitor)
    items, next_cursor = await service.list_clients(
        db, principal=person, filters=service.ClientFilters(), limit=PAGE_SIZE, cursor=cursor
    )
    choices = await binding_choices(db, person)
    return render(
        request,
        visitor,
        "admin/clients.html",
        status_code=page.pop("status_code", 200),
        items=items,
        next_cursor=next_cursor,
        scopes=SCOPES,
        agencies=choices["agencies"],
        errors=page.pop("errors", {}),
        typed=page.pop("typed", {}),
    )


@router.get("")
async def clients(request: Request, db: DbSession, visitor: Admin, cursor: str | None = None) -> Response:
    return await _list(request, db, visitor, cursor)


def _secret_page(request: Request, visitor: Visitor, client_id: str, secret: str, until: Any, name: str) -> Response:
    # Shown once: the answer is no-store (web/templating.finish) and is not a redirect to a page
    # that could show it again.
    return render(
        request, visitor, "admin/client_secret.html", client_id=client_id, secret=secret, until=until, name=name
    )


@router.post("")
async def create(
    request: Request,
    db: DbSession,
    visitor: CheckedAdmin,
    name: Text = "",
    scopes: Many = [],  # noqa: B006  (FastAPI copies a Form default)
    agency_id: Text = "",
) -> Response:
    typed = {"name": name, "scopes": scopes, "agency_id": agency_id}
    try:
        data = ClientCreate(name=name.strip(), scopes=scopes, agency_id=parse_id(agency_id))
        created = await service.create_client(db, principal=principal(visitor), data=data)
    except (ValidationError, e.InvalidInput) as exc:
        errors = invalid_fields(visitor.lang, exc)
        return await _list(request, db, visitor, None, status_code=422, errors=errors, typed=typed)
    return _secret_page(request, visitor, created.client_id, created.client_secret, None, created.name)


async def _client(
    request: Request, db: Any, visitor: Visitor, client_id: uuid.UUID, *, status_code: int = 200, **page: Any
) -> Response:
    person = principal(visitor)
    client = await service.get_client(db, principal=person, client_id=client_id)
    choices = await binding_choices(db, person)
    notice = page.pop("notice", "") or (i18n.gettext(visitor.lang, SAVED) if request.query_params.get("done") else "")
    return render(
        request,
        visitor,
        "admin/client.html",
        status_code=status_code,
        client=client,
        scopes=SCOPES,
        agencies=choices["agencies"],
        errors=page.pop("errors", {}),
        typed=page.pop("typed", {}),
        notice=notice,
        refused=page.pop("refused", False),
    )


@router.get("/{client_id}")
async def client_page(request: Request, db: DbSession, visitor: Admin, client_id: str) -> Response:
    return await _client(request, db, visitor, page_id(client_id))


@router.post("/{client_id}")
async def save(
    request: Request,
    db: DbSession,
    visitor: CheckedAdmin,
    client_id: str,
    scopes: Many = [],  # noqa: B006
    agency_id: Text = "",
    disabled: Text = "",
    version: Text = "",
) -> Response:
    found = page_id(client_id)
    typed = {"scopes": scopes, "agency_id": agency_id}
    try:
        data = ClientUpdate(scopes=scopes, agency_id=parse_id(agency_id), disabled=disabled == "true")
        await service.update_client(
            db,
            principal=principal(visitor),
            client_id=found,
            data=data,
            expected_version=int(version) if version.isdigit() else None,
        )
    except (ValidationError, e.InvalidInput) as exc:
        errors = invalid_fields(visitor.lang, exc)
        return await _client(request, db, visitor, found, status_code=422, errors=errors, typed=typed)
    except e.PreconditionFailed:
        notice = i18n.gettext(visitor.lang, STALE)
        return await _client(request, db, visitor, found, status_code=412, notice=notice, refused=True)
    return redirect(request, visitor, f"/admin/clients/{found}?done=saved")


@router.post("/{client_id}/secret")
async def rotate(
    request: Request, db: DbSession, visitor: CheckedAdmin, client_id: str, revoke_previous: Text = ""
) -> Response:
    rotated = await service.rotate_client_secret(
        db,
        principal=principal(visitor),
        client_id=page_id(client_id),
        overlap_hours=request.app.state.settings.client_secret_overlap_hours,
        revoke_previous=revoke_previous == "yes",
    )
    return _secret_page(request, visitor, rotated.client_id, rotated.client_secret, rotated.previous_secret_until, "")
