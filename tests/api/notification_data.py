"""The world of the notification tests: a cycle around today, a ministry and its directorate, a
focal point and a trainer with addresses, an officer who reads Arabic, and a module with a quota
and future sessions, opened for nominations through the API. All fictional (example.org,
example.iq)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from domain.models.catalogue import Trainer
from domain.models.notifications import Message
from tests.api.catalogue_data import arrange_cycle
from tests.api.enrolment_data import agency, officer


def soon(days: int, hour: int = 9) -> str:
    """A time `days` ahead, at `hour` in Baghdad (UTC+3), ISO 8601 with its offset."""
    day = (datetime.now(UTC) + timedelta(days=days)).date()
    return f"{day.isoformat()}T{hour:02d}:00:00+03:00"


def calendars(ics: str) -> list[Calendar]:
    return Calendar.from_ical(ics, multiple=True)


def events(ics: str) -> list:
    return [e for cal in calendars(ics) for e in cal.walk("VEVENT")]


async def stored(db, **where) -> list[Message]:
    stmt = select(Message).order_by(Message.created_at, Message.kind, Message.audience, Message.id)
    for field, value in where.items():
        if field.endswith("_id") and isinstance(value, str):
            value = uuid.UUID(value)
        stmt = stmt.where(getattr(Message, field) == value)
    return list(await db.scalars(stmt))


@pytest.fixture
async def world(client, sign_in, db, programme, disciplines):
    today = date.today()
    cycle = await arrange_cycle(
        db,
        programme["id"],
        title="Mail test cycle",
        starts_on=(today - timedelta(days=60)).isoformat(),
        ends_on=(today + timedelta(days=400)).isoformat(),
    )
    moi = await agency(client, "Mail Ministry")
    police = await agency(client, "Mail Police Directorate", moi)
    focal = await sign_in("focal_point", agency_id=uuid.UUID(moi), email="focal.moi@example.iq", language="en")
    trainer = Trainer(name="Trainer Example", organisation="Guardia Civil (fictional)")
    db.add(trainer)
    await db.flush()
    trainer_account = await sign_in("trainer", trainer_id=trainer.id, email="trainer@example.org", language="en")
    arabic = await officer(client, police, email="ali.hassan@example.iq", language="ar")
    english = await officer(client, police, sex="female", email="zainab.abbas@example.org")
    r = await client.post(
        "/modules",
        json={
            "cycle_id": cycle["id"],
            "code": "MAIL-01",
            "title": "Open-source intelligence for investigators",
            "discipline": "osint",
            "format": "course",
            "capacity": 20,
            "languages": ["ar", "en"],
            "nomination_deadline": soon(10, 17),
        },
    )
    assert r.status_code == 201, r.text
    module = r.json()
    s = await client.post(
        f"/modules/{module['id']}/sessions",
        json={"title": "Opening", "starts_at": soon(20), "ends_at": soon(20, 13), "trainer_ids": [str(trainer.id)]},
    )
    assert s.status_code == 201, s.text
    assert (await client.post(f"/modules/{module['id']}/transitions", json={"to": "planned"})).status_code == 200
    q = await client.put(f"/modules/{module['id']}/quotas", json={"quotas": [{"agency_id": moi, "seats": 5}]})
    assert q.status_code == 200, q.text
    return {
        "cycle": cycle,
        "module": module,
        "session": s.json(),
        "moi": moi,
        "police": police,
        "focal": focal,
        "trainer": trainer_account,
        "arabic": arabic,
        "english": english,
    }


async def open_for_nominations(client, world) -> None:
    r = await client.post(f"/modules/{world['module']['id']}/transitions", json={"to": "open"})
    assert r.status_code == 200, r.text


async def enrol(client, world, officer_id: str) -> str:
    r = await client.post(f"/modules/{world['module']['id']}/nominations", json={"officer_id": officer_id})
    assert r.status_code == 201, r.text
    nomination = r.json()["id"]
    d = await client.post(f"/nominations/{nomination}/decision", json={"decision": "accept"})
    assert d.status_code == 200, d.text
    return nomination
