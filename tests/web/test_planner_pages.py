"""The cycle planner as pages: a month or a week of the cycle's sessions in its zone from Sunday,
holidays and days off marked, clash badges, filters kept in every link; a session moved and a
module created from it through the services (the clash explained, a stale page refused); anyone
who does not plan gets exactly what a missing page gets."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.catalogue.models import Module, TrainingSession
from domain.cycles.schemas import CycleUpdate
from domain.cycles.service import update_cycle
from tests.api.catalogue_data import ARRANGER
from tests.web.desk_data import TZ, desk_world
from tests.web.test_desk_pages import like_missing


@pytest.fixture
async def world(db):
    w = await desk_world(db)
    m = w.modules[0]
    w.soon = m.unready.starts_at.astimezone(TZ).date()
    w.holiday = w.soon + timedelta(days=2)
    await update_cycle(
        db,
        principal=ARRANGER,
        cycle_id=w.cycle.id,
        data=CycleUpdate(holidays=[{"date": w.holiday, "name": "Test Day"}]),
        expected_version=None,
    )
    return w


def planner(w, **query) -> str:
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/coordinator/cycles/{w.cycle.id}/planner" + (f"?{q}" if q else "")


def slot(page: str, session_id) -> str:
    found = re.search(rf'<article class="slot[^"]*" id="session-{session_id}">(.*?)</article>', page, re.S)
    assert found, f"session {session_id} is not on the page"
    return found.group(1)


async def test_the_week_shows_sessions_clashes_holidays_and_days_off(person, world):
    m = world.modules[0]
    browser = await person("coordinator", programme_ids=[world.programme.id])
    answer = await browser.get(planner(world, view="week", on=world.soon.isoformat()))
    assert answer.status_code == 200
    page = answer.text
    assert "Times in Asia/Baghdad" in page
    clashing = slot(page, m.clash.id)
    assert '<span class="badge clash">1 clash</span>' in clashing
    assert "also booked for" in clashing and "COMPANION" in clashing
    assert "09:00–12:00" in slot(page, m.unready.id)  # local time, in the cycle's zone
    assert 'class="badge clash"' not in slot(page, m.unready.id)
    assert "Holiday: Test Day" in page
    assert page.count('<span class="badge off">Day off</span>') >= 1
    # Sunday first
    assert re.search(r'role="columnheader"[^>]*>Sunday</span><span role="columnheader"[^>]*>Monday', page)
    assert '<a href="/coordinator/cycles" aria-current="page">Cycle planner</a>' in page
    assert 'aria-current="page">Needs attention' not in page


async def test_the_month_view_and_the_dashboard_lead_to_the_planner(person, world):
    browser = await person("coordinator", programme_ids=[world.programme.id])
    dashboard = (await browser.get("/coordinator")).text
    assert 'href="/coordinator/cycles"' in dashboard
    cycles = (await browser.get("/coordinator/cycles")).text
    assert f'href="/coordinator/cycles/{world.cycle.id}/planner"' in cycles
    page = (await browser.get(planner(world, on=world.soon.isoformat()))).text
    assert world.soon.strftime("%B %Y") in page
    assert f'id="session-{world.modules[0].clash.id}"' in page
    arabic = await person("coordinator", language="ar", programme_ids=[world.programme.id])
    page = (await arabic.get(planner(world, on=world.soon.isoformat()))).text
    assert "الأحد" in page and 'dir="rtl"' in page


async def test_filters_narrow_the_sessions_and_stay_in_every_link(person, world):
    m = world.modules[0]
    browser = await person("coordinator", programme_ids=[world.programme.id])
    on = world.soon.isoformat()
    by_trainer = (await browser.get(planner(world, view="week", on=on, trainer=world.trainer.id))).text
    assert f'id="session-{m.clash.id}"' in by_trainer and f'id="session-{world.companion_clash.id}"' in by_trainer
    assert f'id="session-{m.unready.id}"' not in by_trainer
    prev_next = re.findall(r'href="([^"]+)" rel="(?:prev|next)"', by_trainer)
    assert len(prev_next) == 2 and all(f"trainer={world.trainer.id}" in h for h in prev_next)
    by_agency = (await browser.get(planner(world, view="week", on=on, agency=world.b.id))).text
    assert f'id="session-{m.clash.id}"' in by_agency  # B nominated to the module
    assert f'id="session-{world.companion_clash.id}"' not in by_agency  # nobody of B in the companion
    by_venue = (await browser.get(planner(world, view="week", on=on, venue=m.unready.venue_id))).text
    assert f'id="session-{m.unready.id}"' in by_venue and f'id="session-{m.clash.id}"' not in by_venue
    by_discipline = (await browser.get(planner(world, view="week", on=on, discipline="other"))).text
    assert "0 sessions shown" in by_discipline
    assert "1 session shown" not in by_discipline
    every = (await browser.get(planner(world, view="week", on=on, discipline="ilp"))).text
    assert f'id="session-{m.clash.id}"' in every


async def test_a_session_moved_from_the_planner_explains_a_clash_and_keeps_the_filters(person, world, db):
    m = world.modules[0]
    browser = await person("coordinator", programme_ids=[world.programme.id])
    on = world.soon.isoformat()
    page = (await browser.get(planner(world, view="week", on=on, trainer=world.trainer.id))).text
    assert f'action="/coordinator/cycles/{world.cycle.id}/planner/sessions/{m.clash.id}"' in page
    companion = world.companion_clash.starts_at.astimezone(TZ)
    move = {
        "zone": "Asia/Baghdad",
        "day": companion.date().isoformat(),
        "starts": companion.strftime("%H:%M"),
        "ends": (companion + timedelta(hours=1)).strftime("%H:%M"),
        "version": str(m.clash.version),
        "view": "week",
        "on": on,
        "trainer": str(world.trainer.id),
    }
    url = f"/coordinator/cycles/{world.cycle.id}/planner/sessions/{m.clash.id}"
    refused = await browser.submit(url, move)
    assert refused.status_code == 409
    assert "It would double-book:" in refused.text and "COMPANION" in refused.text
    assert "nothing was saved" in refused.text
    kept = await browser.submit(url, move | {"override_reason": "the trainer runs both in one room"})
    assert kept.status_code == 303
    location = kept.headers["location"]
    assert f"trainer={world.trainer.id}" in location and "done=session-moved" in location
    assert location.endswith(f"#session-{m.clash.id}")
    back = (await browser.get(location)).text
    assert "The session was moved." in back
    moved = await db.scalar(select(TrainingSession).where(TrainingSession.id == m.clash.id))
    await db.refresh(moved)
    assert moved.starts_at == world.companion_clash.starts_at
    stale = await browser.submit(url, move | {"override_reason": "again", "day": on})
    assert stale.status_code == 412
    assert "Someone changed this since you opened the page" in stale.text


async def test_a_module_created_from_the_planner_opens_on_its_page(person, world, db):
    browser = await person("coordinator", programme_ids=[world.programme.id])
    url = f"/coordinator/cycles/{world.cycle.id}/planner/modules"
    wrong = await browser.submit(url, {"code": "NEW-01", "title": "", "module_discipline": "ilp", "format": "course"})
    assert wrong.status_code == 422
    assert "Give the module a title." in wrong.text and "Enter the number of seats" in wrong.text
    made = await browser.submit(
        url,
        {"code": "NEW-01", "title": "A new module", "module_discipline": "ilp", "format": "workshop", "capacity": "12"},
    )
    assert made.status_code == 303
    module = await db.scalar(select(Module).where(Module.cycle_id == world.cycle.id, Module.code == "NEW-01"))
    assert module is not None and module.capacity == 12 and module.format == "workshop"
    assert made.headers["location"] == f"/coordinator/modules/{module.id}?done=module-created#sessions"
    opened = (await browser.get(made.headers["location"])).text
    assert "The module was created: add its sessions here." in opened


async def test_those_who_do_not_plan_get_the_missing_page(person, world, visitor):
    missing = await (await person("coordinator", programme_ids=[world.programme.id])).get(
        f"/coordinator/cycles/{uuid.uuid4()}/planner"
    )
    assert missing.status_code == 404
    for role, binding in (
        ("focal_point", {"agency_id": world.a.id}),
        ("trainer", {}),
        ("observer", {}),
        ("coordinator", {"programme_ids": []}),
    ):
        browser = await person(role, **binding)
        for url in (planner(world), "/coordinator/cycles" if role != "coordinator" else planner(world)):
            answer = await browser.get(url)
            gone = await browser.get(f"/coordinator/cycles/{uuid.uuid4()}/planner")
            assert like_missing(answer, gone), (role, url)
        moved = await browser.submit(
            f"/coordinator/cycles/{world.cycle.id}/planner/sessions/{world.modules[0].clash.id}",
            {"zone": "Asia/Baghdad", "day": "2030-01-06", "starts": "09:00", "ends": "10:00"},
        )
        assert moved.status_code == 404, role
