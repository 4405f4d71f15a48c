"""The coordinator's desk as pages: the home of coordinators and administrators is "needs attention",
each item linking to where it is resolved; the module page shows every section; anyone who does not
plan, and a coordinator of another programme, gets exactly what a missing page gets."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from sqlalchemy import func, select

from domain.models.audit import AuditEntry
from tests.web.desk_data import desk_world


def like_missing(answer, missing) -> bool:
    """The same status and page as a missing one, but for the address each names (the language switch)."""

    def unnamed(page) -> str:
        url = page.request.url
        here = url.path + (f"?{url.query.decode()}" if url.query else "")
        return page.text.replace(html.escape(here), "PATH").replace(url.path, "PATH")

    same = unnamed(answer) == unnamed(missing)
    return answer.status_code == missing.status_code == 404 and same


@pytest.fixture
async def world(db):
    return await desk_world(db)


async def test_coordinators_and_administrators_land_on_needs_attention(person, world):
    for role, binding in (("coordinator", {"programme_ids": [world.programme.id]}), ("admin", {})):
        browser = await person(role, **binding)
        home = await browser.get("/")
        assert home.status_code == 303 and home.headers["location"] == "/coordinator"
        page = await browser.get("/coordinator")
        assert page.status_code == 200
        assert "<h1>Needs attention</h1>" in page.text
        assert re.search(r'<a href="/coordinator" aria-current="page">Needs attention</a>', page.text)


async def test_every_item_links_to_where_it_is_resolved(person, world):
    browser = await person("coordinator", programme_ids=[world.programme.id])
    page = (await browser.get("/coordinator")).text
    m = world.modules[0]
    module = f"/coordinator/modules/{m.module.id}"
    expected = [
        f"{module}#session-{m.unready.id}",  # not ready: give it a trainer
        f"{module}#nominations",  # awaiting a decision, below target
        f"{module}#quotas",  # deadline with a quota not filled
        f"/coordinator/modules/{world.vetted.id}#vetting",
        f"{module}#session-{m.weekend.id}",  # a calendar warning
        f"{module}#session-{m.clash.id}",  # a clash
        f"/trainer/sessions/{m.held.id}",  # attendance to take
        f"/coordinator/modules/{world.delivered.id}#certificates",
    ]
    for href in expected:
        assert f'href="{href}"' in page, href
    assert re.search(rf'href="/coordinator/modules/[0-9a-f-]+\?agency={world.a.id}#nominations"', page)
    # each link opens a page (the anchors are on it)
    for href in expected:
        path, _, anchor = href.partition("#")
        opened = await browser.get(path)
        assert opened.status_code == 200, href
        if anchor:
            assert f'id="{anchor}"' in opened.text, href
    assert "Webhook endpoints failing or disabled" not in page  # not a coordinator's to resolve


async def test_the_module_page_shows_every_section(person, world):
    browser = await person("coordinator", programme_ids=[world.programme.id])
    m = world.modules[0]
    page = (await browser.get(f"/coordinator/modules/{m.module.id}")).text
    for section in ("overview", "sessions", "quotas", "nominations", "balance", "waitlist", "roster", "certificates"):
        assert f'id="{section}"' in page, section
    assert f'id="session-{m.unready.id}"' in page and "No trainer" in page
    assert "1 clash" in page and "Not a working day in this cycle" in page
    assert page.count('class="card nominee"') == 3  # two to decide, one waiting
    assert "On the roster: women 0, men 1 (0% women); the target is 30%." in page
    assert 'id="trail"' in page and "Module: status changed" in page
    vetted = (await browser.get(f"/coordinator/modules/{world.vetted.id}")).text
    assert 'id="vetting"' in vetted and "courtesy vetting still requested" in vetted


async def test_the_desk_reads_in_arabic_right_to_left(person, world):
    browser = await person("coordinator", language="ar", programme_ids=[world.programme.id])
    page = await browser.get("/coordinator")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "يحتاج إلى انتباهك" in page.text
    module = await browser.get(f"/coordinator/modules/{world.modules[0].module.id}")
    assert module.status_code == 200 and "الترشيحات المطلوب البت فيها" in module.text


async def test_those_who_do_not_plan_get_the_missing_page(person, world, db):
    module = world.modules[0]
    for role, binding in (("focal_point", {"agency_id": world.a.id}), ("trainer", {}), ("observer", {})):
        browser = await person(role, **binding)
        missing = await browser.get(f"/coordinator/modules/{uuid.uuid4()}")
        for url in ("/coordinator", f"/coordinator/modules/{module.module.id}"):
            assert like_missing(await browser.get(url), missing), (role, url)
        before = await db.scalar(select(func.count()).select_from(AuditEntry))
        r = await browser.submit(f"/coordinator/modules/{module.module.id}/transition", {"to": "confirmed"})
        assert r.status_code == 404, role
        assert await db.scalar(select(func.count()).select_from(AuditEntry)) == before


async def test_a_coordinator_of_another_programme_gets_the_missing_page(person, world, db):
    other = await desk_world(db)
    stranger = await person("coordinator", programme_ids=[other.programme.id])
    module = world.modules[0]
    missing = await stranger.get(f"/coordinator/modules/{uuid.uuid4()}")
    assert like_missing(await stranger.get(f"/coordinator/modules/{module.module.id}"), missing)
    before = await db.scalar(select(func.count()).select_from(AuditEntry))
    for url, form in (
        (f"/coordinator/modules/{module.module.id}/transition", {"to": "confirmed", "version": "3"}),
        (f"/coordinator/modules/{module.module.id}/nominations/{module.pending[0]}", {"decision": "accept"}),
        (f"/coordinator/modules/{module.module.id}/quotas", {"agency_id": str(world.a.id), "seats": "1"}),
    ):
        r = await stranger.submit(url, form)
        assert r.status_code == 404, url
    assert await db.scalar(select(func.count()).select_from(AuditEntry)) == before
    dashboard = (await stranger.get("/coordinator")).text
    assert str(module.module.id) not in dashboard
