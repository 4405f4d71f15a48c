"""Builders for enrolment tests: an open module with sessions, agencies and fictional officers."""

from __future__ import annotations

import itertools
import uuid

import httpx

from domain.agencies.schemas import AgencyCreate
from domain.agencies.service import create_agency
from domain.officers.schemas import OfficerCreate
from domain.officers.service import create_officer
from tests.api.catalogue_data import ARRANGER

GIVEN = ["علي", "حسن", "زينب", "مريم", "عمر", "فاطمة", "خالد", "سارة", "يوسف", "نور", "كريم", "هدى"]
FATHERS = ["جاسم", "كاظم", "عباس", "ناصر", "سلمان", "حميد", "رشيد", "فلاح"]
_names = itertools.count()


# Agencies and officers are arranged through the services on the test's transaction (what the
# API would have stored; the act and the assertions stay HTTP), as the shared fixtures are.


async def agency(client: httpx.AsyncClient, name: str, parent: str | None = None) -> str:
    made = await create_agency(
        client.arrange_db,
        principal=ARRANGER,
        data=AgencyCreate(
            name_en=name, name_ar="جهة " + name, kind="police", parent_id=uuid.UUID(parent) if parent else None
        ),
    )
    await client.arrange_db.flush()  # its audit entry and event too, as a request's commit would
    return str(made.id)


async def officer(client: httpx.AsyncClient, agency_id: str, sex: str = "male", **extra) -> str:
    n = next(_names)
    given, father = GIVEN[n % len(GIVEN)], FATHERS[(n // len(GIVEN)) % len(FATHERS)]
    body = {
        "agency_id": agency_id,
        "full_name_ar": f"{given} {father} {n}",
        "name_latin": f"Officer {n}",
        "sex": sex,
    } | extra
    made = await create_officer(client.arrange_db, principal=ARRANGER, data=OfficerCreate.model_validate(body))
    await client.arrange_db.flush()
    return str(made.id)


async def open_module(
    client: httpx.AsyncClient,
    cycle_id: str,
    code: str,
    *,
    capacity: int = 30,
    sessions: list[tuple[str, str]] | None = None,
    **extra,
) -> dict:
    r = await client.post(
        "/modules",
        json={
            "cycle_id": cycle_id,
            "code": code,
            "title": f"Module {code}",
            "discipline": "ilp",
            "format": "course",
            "capacity": capacity,
        }
        | extra,
    )
    assert r.status_code == 201, r.text
    module = r.json()
    for starts, ends in sessions or [("2025-02-02T09:00:00+03:00", "2025-02-02T13:00:00+03:00")]:
        s = await client.post(
            f"/modules/{module['id']}/sessions", json={"title": "Session", "starts_at": starts, "ends_at": ends}
        )
        assert s.status_code == 201, s.text
    for status in ("planned", "open"):
        t = await client.post(f"/modules/{module['id']}/transitions", json={"to": status})
        assert t.status_code == 200, t.text
    return t.json()


async def nominate(client: httpx.AsyncClient, module_id: str, officer_id: str, **extra) -> httpx.Response:
    return await client.post(f"/modules/{module_id}/nominations", json={"officer_id": officer_id} | extra)


async def decide(client: httpx.AsyncClient, nomination_id: str, decision: str = "accept", **extra) -> httpx.Response:
    return await client.post(f"/nominations/{nomination_id}/decision", json={"decision": decision} | extra)
