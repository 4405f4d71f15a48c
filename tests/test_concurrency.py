"""Capacity holds under concurrent decisions: a real server, 100 client threads, real
connections. Runs on a scratch database of its own (committed data), dropped afterwards."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from api.main import create_app
from domain.auth.principal import Principal, Role
from domain.db import make_engine, make_sessionmaker
from domain.enrolment.nominations import create_nomination
from domain.enrolment.schemas import NominationCreate
from domain.officers.schemas import OfficerCreate
from domain.officers.service import create_officer
from tests.conftest import make_settings, migrate, scratch_database
from tests.servers import account, http_client, serving


@pytest.fixture(scope="module")
def scratch_url():
    with scratch_database("concurrency") as url:
        yield url


@pytest.fixture(scope="module")
def server(scratch_url):
    migrate(scratch_url)
    app = create_app(make_settings(scratch_url))
    _, headers = account(scratch_url, app, Role.admin)
    with serving(app) as base:
        yield base + "/api/v1", headers


async def _candidates(url: str, module_id: uuid.UUID, agency_id: uuid.UUID) -> list[str]:
    engine = make_engine(url)
    system = Principal.system("test")
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            ids = []
            for i in range(100):
                officer = await create_officer(
                    session,
                    principal=system,
                    allow_duplicate=True,
                    data=OfficerCreate(
                        agency_id=agency_id,
                        full_name_ar=f"ضابط {i}",
                        name_latin=f"Officer {i}",
                        sex="female" if i % 4 == 0 else "male",
                    ),
                )
                nomination = await create_nomination(
                    session, principal=system, module_id=module_id, data=NominationCreate(officer_id=officer.id)
                )
                ids.append(str(nomination.id))
            return ids
    finally:
        await engine.dispose()


def test_100_concurrent_accepts_fill_exactly_30_seats(server, scratch_url):
    base, headers = server
    with http_client(base, headers=headers, timeout=60) as c:

        def ok(r: httpx.Response) -> dict:
            assert r.status_code in (200, 201), r.text
            return r.json()

        c.post("/disciplines", json={"code": "ilp", "label_en": "Intelligence-led policing"})
        programme = ok(
            c.post("/programmes", json={"name": "P", "acronym": f"P-{uuid.uuid4().hex[:6]}", "implementer": "X"})
        )
        cycle = ok(
            c.post(
                "/cycles",
                json={
                    "programme_id": programme["id"],
                    "partner_country": "IQ",
                    "title": "Cycle",
                    "starts_on": "2025-01-01",
                    "ends_on": "2026-12-31",
                },
            )
        )
        agency = ok(c.post("/agencies", json={"name_en": "Unit", "name_ar": "وحدة", "kind": "police"}))
        module = ok(
            c.post(
                "/modules",
                json={
                    "cycle_id": cycle["id"],
                    "code": "RUSH-1",
                    "title": "Rush",
                    "discipline": "ilp",
                    "format": "course",
                    "capacity": 30,
                },
            )
        )
        ok(
            c.post(
                f"/modules/{module['id']}/sessions",
                json={"title": "S", "starts_at": "2025-02-02T09:00:00+03:00", "ends_at": "2025-02-02T12:00:00+03:00"},
            )
        )
        for status in ("planned", "open"):
            ok(c.post(f"/modules/{module['id']}/transitions", json={"to": status}))
    # The 100 candidates arranged through the services in one transaction (their rules, not HTTP).
    nominations = asyncio.run(_candidates(scratch_url, uuid.UUID(module["id"]), uuid.UUID(agency["id"])))

    def accept(nomination_id: str) -> tuple[int, str]:
        with http_client(base, headers=headers, timeout=120) as client:
            r = client.post(f"/nominations/{nomination_id}/decision", json={"decision": "accept"})
            return r.status_code, r.json().get("type", r.json().get("nomination", {}).get("status"))

    with ThreadPoolExecutor(max_workers=100) as pool:
        answers = list(pool.map(accept, nominations))

    assert sorted({a for a in answers}) == [(200, "enrolled"), (409, "/problems/capacity-reached")], answers
    assert sum(1 for a in answers if a[0] == 200) == 30
    with http_client(base, headers=headers, timeout=60) as c:
        enrolled = c.get(f"/modules/{module['id']}/nominations", params={"status": "enrolled", "limit": 200}).json()[
            "items"
        ]
        balance = c.get(f"/modules/{module['id']}/balance").json()
    assert len(enrolled) == 30
    assert balance["enrolled"]["female"] + balance["enrolled"]["male"] == 30
