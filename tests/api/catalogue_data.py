"""Fixtures and builders shared by the module and session API tests. All data is fictional.

The discipline vocabulary may be empty in the test database (the seeds fill it), so the
`disciplines` fixture adds the codes these tests use through the API."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from domain.auth.principal import Principal
from domain.catalogue.resources import create_discipline
from domain.catalogue.schemas import DisciplineCreate
from domain.cycles.schemas import CycleCreate, CycleRead
from domain.cycles.service import create_cycle
from domain.models.catalogue import Discipline
from domain.programmes.schemas import ProgrammeCreate, ProgrammeRead
from domain.programmes.service import create_programme
from tests.problems import assert_problem, error_fields

PROBLEM = "application/problem+json"
DISCIPLINES = {
    "ilp": "Intelligence-led policing",
    "osint": "Open-source intelligence",
    "digital-evidence": "Digital evidence",
}
# The EU–Iraq cycle: Asia/Baghdad, Sunday–Thursday, one listed holiday (Monday 31 March 2025).
CYCLE_STARTS_ON, CYCLE_ENDS_ON = "2024-06-01", "2026-12-31"
HOLIDAY = {"date": "2025-03-31", "name": "Eid al-Fitr"}


async def ensure_discipline(client: httpx.AsyncClient, code: str, label: str) -> None:
    r = await client.post("/disciplines", json={"code": code, "label_en": label})
    assert r.status_code in (201, 409), r.text  # 409: already seeded


# The shared fixtures arrange through the services on the test's transaction (the act and the
# assertions go through HTTP); their values are what the API would have answered.
ARRANGER = Principal.system("test arrangement")


@pytest.fixture
async def disciplines(db) -> list[str]:
    known = set(await db.scalars(select(Discipline.code).where(Discipline.code.in_(DISCIPLINES))))
    for code, label in DISCIPLINES.items():
        if code not in known:
            await create_discipline(db, principal=ARRANGER, data=DisciplineCreate(code=code, label_en=label))
    return list(DISCIPLINES)


@pytest.fixture
async def programme(db) -> dict:
    made = await create_programme(
        db,
        principal=ARRANGER,
        data=ProgrammeCreate(
            name="Counter-Terrorism Justice (test)",
            acronym="CT JUST",
            implementer="Test implementer",
            funding_sources=[{"donor": "EU", "instrument": "Instrument contributing to Stability and Peace"}],
        ),
    )
    return ProgrammeRead.model_validate(made).model_dump(mode="json")


def cycle_body(programme_id: str, **overrides: Any) -> dict:
    return {
        "programme_id": programme_id,
        "partner_country": "IQ",
        "title": "EU–Iraq bilateral cooperation cycle 2024–2026 (test)",
        "starts_on": CYCLE_STARTS_ON,
        "ends_on": CYCLE_ENDS_ON,
        "female_share_target": 0.25,
        "time_zone": "Asia/Baghdad",
        "working_days": ["sunday", "monday", "tuesday", "wednesday", "thursday"],
        "holidays": [HOLIDAY],
    } | overrides


async def make_cycle(client: httpx.AsyncClient, programme_id: str, **overrides: Any) -> dict:
    r = await client.post("/cycles", json=cycle_body(programme_id, **overrides))
    assert r.status_code == 201, r.text
    return r.json()


async def arrange_cycle(db, programme_id: str, **overrides: Any) -> dict:
    made = await create_cycle(
        db, principal=ARRANGER, data=CycleCreate.model_validate(cycle_body(programme_id, **overrides))
    )
    return CycleRead.model_validate(made).model_dump(mode="json")


@pytest.fixture
async def cycle(db, programme, disciplines) -> dict:
    return await arrange_cycle(db, programme["id"])


@pytest.fixture
async def other_cycle(db, programme, disciplines) -> dict:
    return await arrange_cycle(db, programme["id"], title="A second cycle (test)")


def module_body(cycle_id: str, code: str, **overrides: Any) -> dict:
    return {
        "cycle_id": cycle_id,
        "code": code,
        "title": f"Module {code}",
        "discipline": "ilp",
        "format": "course",
        "capacity": 30,
        "languages": ["ar", "en"],
        "interpretation": True,
    } | overrides


async def make_module(client: httpx.AsyncClient, cycle_id: str, code: str, **overrides: Any) -> dict:
    r = await client.post("/modules", json=module_body(cycle_id, code, **overrides))
    assert r.status_code == 201, r.text
    return r.json()


async def make_held_module(client: httpx.AsyncClient, cycle_id: str, code: str, **overrides: Any) -> dict:
    """A module with one session that has already taken place, so that it can be delivered."""
    module = await make_module(client, cycle_id, code, **overrides)
    r = await client.post(
        f"/modules/{module['id']}/sessions",
        json={
            "title": "Held session",
            "starts_at": "2025-01-12T09:00:00+03:00",
            "ends_at": "2025-01-12T13:00:00+03:00",
        },
    )
    assert r.status_code == 201, r.text
    return module


async def make_venue(client: httpx.AsyncClient, name: str = "Training hall A (test)", city: str = "Baghdad") -> dict:
    r = await client.post("/venues", json={"name": name, "city": city, "capacity": 40})
    assert r.status_code == 201, r.text
    return r.json()


async def make_trainer(client: httpx.AsyncClient, name: str, organisation: str = "Test police academy") -> dict:
    r = await client.post(
        "/trainers", json={"name": name, "organisation": organisation, "nationality": "ES", "expertise": ["osint"]}
    )
    assert r.status_code == 201, r.text
    return r.json()


async def transition(client: httpx.AsyncClient, module_id: str, to: str, reason: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"to": to}
    if reason is not None:
        body["reason"] = reason
    return await client.post(f"/modules/{module_id}/transitions", json=body)


def session_body(
    starts_at: str,
    ends_at: str,
    *,
    venue: dict | None = None,
    trainers: list[dict] = (),
    title: str = "Session",
    **overrides: Any,
) -> dict:
    return {
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "venue_id": venue["id"] if venue else None,
        "trainer_ids": [t["id"] for t in trainers],
    } | overrides


def unknown_id() -> str:
    return str(uuid.uuid4())
