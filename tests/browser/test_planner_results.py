"""The cycle planner and the donor results in Debian's Chromium. A coordinator goes from the
navigation to the planner and sees the clashing session's badge, in English and in Arabic (right to
left, and at 360 px); an observer lands on the results, reads the withheld counts as withheld with
the reason, sees the chart and downloads the CSV, headed in Arabic when reading Arabic.
Screenshots of each screen in both languages go to screenshots/ (git ignores it)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from domain.auth.models import User
from domain.auth.passwords import hash_password
from domain.auth.principal import Role
from domain.db import make_engine, make_sessionmaker
from domain.programmes.models import Programme
from tests.browser.conftest import screenshot_path
from tests.web.desk_data import TZ, desk_world

PASSWORD = "browser-planner-2026"


@pytest.fixture(scope="module")
async def plan(site, browser_database):
    """A coordinator's cycle with clashing sessions and a delivered module, and an observer; committed."""
    engine = make_engine(browser_database)
    async with make_sessionmaker(engine)() as db:
        world = await desk_world(db, modules=2)
        planner = User(username="planner.browser", password_hash=hash_password(PASSWORD), role=Role.coordinator)
        planner.programmes = [await db.get(Programme, world.programme.id)]
        db.add(planner)
        db.add(User(username="observer.browser", password_hash=hash_password(PASSWORD), role=Role.observer))
        await db.commit()
    await engine.dispose()
    return SimpleNamespace(world=world, base=site.base)


async def sign_in(page, plan, username: str, lands: str) -> None:
    await page.goto(f"{plan.base}/sign-in")
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(PASSWORD)
    await page.locator("form[action='/sign-in'] button[type=submit]").click()
    await page.wait_for_url(re.compile(lands))


async def test_the_planner_shows_the_clash_badge_in_both_languages(tablet, plan):
    page, world = tablet, plan.world
    clash = world.modules[0].clash
    await sign_in(page, plan, "planner.browser", r"/coordinator$")
    await page.get_by_role("link", name="Cycle planner").first.click()
    await page.wait_for_url(re.compile(r"/coordinator/cycles$"))
    await page.get_by_role("link", name=world.cycle.title).click()
    await page.wait_for_url(re.compile(r"/planner$"))
    week = clash.starts_at.astimezone(TZ).date().isoformat()
    await page.goto(f"{plan.base}/coordinator/cycles/{world.cycle.id}/planner?view=week&on={week}")
    badge = page.locator(f"#session-{clash.id} .badge.clash")
    assert await badge.is_visible()
    assert await badge.inner_text() == "2 clashes"  # the other module's clashing session, and the companion's
    await page.screenshot(path=screenshot_path("planner-week-en"), full_page=True)
    # a filter, kept when going to the next week and back
    await page.get_by_label("Trainer", exact=True).select_option(str(world.trainer.id))
    await page.get_by_role("button", name="Show", exact=True).click()
    await page.wait_for_url(re.compile(rf"trainer={world.trainer.id}"))
    assert await page.locator("article.slot").count() == 3  # two modules' clashing sessions and the companion's
    await page.get_by_role("link", name="Next week").click()
    await page.wait_for_url(re.compile(rf"trainer={world.trainer.id}"))
    await page.get_by_role("link", name="Previous week").click()
    assert await page.locator(f"#session-{clash.id} .badge.clash").is_visible()

    await page.get_by_role("button", name="العربية").click()
    await page.wait_for_selector("html[lang=ar]")
    assert await page.get_attribute("html", "dir") == "rtl"
    await page.goto(f"{plan.base}/coordinator/cycles/{world.cycle.id}/planner?view=week&on={week}")
    assert await page.locator(f"#session-{clash.id} .badge.clash").is_visible()
    assert (await page.locator("h1").inner_text()).startswith("المخطط")
    await page.screenshot(path=screenshot_path("planner-week-ar"), full_page=True)
    await page.goto(f"{plan.base}/coordinator/cycles/{world.cycle.id}/planner?on={week}")
    await page.screenshot(path=screenshot_path("planner-month-ar"), full_page=True)
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.goto(f"{plan.base}/coordinator/cycles/{world.cycle.id}/planner?on={week}")
    assert await page.locator(f"#session-{clash.id} .badge.clash").is_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await page.screenshot(path=screenshot_path("planner-month-360-ar"), full_page=True)
    await page.get_by_role("button", name="English").click()
    await page.wait_for_selector("html[lang=en]")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await page.screenshot(path=screenshot_path("planner-month-360-en"), full_page=True)
    assert page.problems == [], page.problems


async def test_an_observer_reads_the_results_in_both_languages(tablet, plan):
    page, world = tablet, plan.world
    await sign_in(page, plan, "observer.browser", r"/results$")
    assert await page.locator("h1").inner_text() == "Results: Gender balance"
    await page.get_by_label("Cycle", exact=True).select_option(str(world.cycle.id))
    await page.get_by_role("button", name="Show", exact=True).click()
    await page.wait_for_url(re.compile(rf"cycle={world.cycle.id}"))
    withheld = page.locator("td.suppressed").first
    assert await withheld.inner_text() == "Suppressed"
    assert "could identify a person" in await page.locator("#suppression-note").inner_text()
    chart = page.locator("figure.chart img")
    await chart.wait_for()
    assert await chart.evaluate("i => i.complete && i.naturalWidth > 0")
    await page.screenshot(path=screenshot_path("results-balance-en"), full_page=True)
    async with page.expect_download() as download:
        await page.get_by_role("link", name="Download CSV").click()
    saved = await (await download.value).path()
    with open(saved, encoding="utf-8-sig") as f:
        assert f.readline().startswith("Key,Group,")

    await page.get_by_role("button", name="العربية").click()
    await page.wait_for_selector("html[lang=ar]")
    assert await page.locator("td.suppressed").first.inner_text() == "محجوب"
    await page.screenshot(path=screenshot_path("results-balance-ar"), full_page=True)
    async with page.expect_download() as download:
        await page.get_by_role("link", name="تنزيل CSV").click()
    saved = await (await download.value).path()
    with open(saved, encoding="utf-8-sig") as f:
        assert f.readline().startswith("المعرّف,المجموعة,")
    await page.get_by_role("link", name="نتائج الدورة").click()
    await page.get_by_label("الدورة", exact=True).select_option(str(world.cycle.id))
    await page.get_by_role("button", name="عرض", exact=True).click()
    await page.wait_for_url(re.compile(rf"cycle={world.cycle.id}"))
    assert await page.locator("#individuals-trained").is_visible()
    await page.screenshot(path=screenshot_path("results-cycle-ar"), full_page=True)
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.goto(f"{plan.base}/results?cycle={world.cycle.id}")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await page.screenshot(path=screenshot_path("results-balance-360-ar"), full_page=True)
    assert page.problems == [], page.problems
