"""A focal point in Debian's Chromium: signs in and lands on the open calls, opens one, ticks two
women of the agency (the women's-share meter moves as each is ticked, through htmx), nominates them
ranked at once, sees them in "my nominations" and the meter where it now stands, then switches to
Arabic (right to left). Screenshots of each screen in both languages go to screenshots/."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from domain.auth.models import User
from domain.auth.passwords import hash_password
from domain.auth.principal import Role
from domain.db import make_engine, make_sessionmaker
from tests.browser.conftest import screenshot_path
from tests.web.focal_data import focal_world

PASSWORD = "browser-focal-point-2026"
USERNAME = "focal.browser"


@pytest.fixture(scope="module")
async def call(site, browser_database):
    """The desk world seen by agency A's focal point, with a woman, a man and a woman of A's sub-unit
    not nominated yet; committed."""
    engine = make_engine(browser_database)
    async with make_sessionmaker(engine)() as db:
        world = await focal_world(db, officers="fmf")
        user = User(username=USERNAME, password_hash=hash_password(PASSWORD), role=Role.focal_point)
        user.agency_id = world.a.id
        user.programmes = []
        db.add(user)
        await db.commit()
    await engine.dispose()
    return SimpleNamespace(world=world, base=site.base)


async def share(page) -> str:
    return await page.locator("#meter p[data-share]").get_attribute("data-share")


async def test_a_focal_point_nominates_two_officers_and_sees_the_meter_move(tablet, call):
    page, world = tablet, call.world
    module = world.m.module.id
    first, _, second = (str(o) for o in world.mine)
    await page.goto(f"{call.base}/sign-in")
    await page.locator("#username").fill(USERNAME)
    await page.locator("#password").fill(PASSWORD)
    await page.locator("form[action='/sign-in'] button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/focal$"))
    assert await page.locator("h1").inner_text() == "Calls and nominations"
    await page.screenshot(path=screenshot_path("focal-calls-en"), full_page=True)

    await page.locator(f"a[href='/focal/modules/{module}']").first.click()
    await page.wait_for_url(re.compile(rf"/focal/modules/{module}$"))
    assert await share(page) == "0.5000"  # A's enrolled man and pending woman
    await page.locator(f"#tick-{first}").check()
    await page.locator("#meter p[data-share='0.6667']").wait_for()  # moved without leaving the page
    await page.locator(f"#tick-{second}").check()
    await page.locator("#meter p[data-share='0.7500']").wait_for()
    assert "With the 2 ticked" in await page.locator("#meter").inner_text()
    await page.locator(f"#priority-{second}").fill("2")
    await page.locator(f"#priority-{first}").fill("1")
    await page.screenshot(path=screenshot_path("focal-nominate-en"), full_page=True)
    await page.get_by_role("button", name="Nominate the ticked officers").click()
    await page.wait_for_url(re.compile(r"nominated=2"))
    assert "2 officers were nominated." in await page.locator("main").inner_text()
    assert await share(page) == "0.7500"
    assert "Women 3, men 1" in await page.locator("#meter").inner_text()
    mine = page.locator("#mine li.card")
    assert await mine.count() == 4
    assert "Submitted, awaiting a decision" in await page.locator("#mine").inner_text()
    assert page.problems == []

    await page.locator("button[name=language][value=ar]").click()
    await page.wait_for_selector("html[lang=ar]")
    assert await page.get_attribute("html", "dir") == "rtl"
    assert "النساء بين ترشيحاتي" in await page.locator("#meter").inner_text()
    await page.screenshot(path=screenshot_path("focal-nominate-ar"), full_page=True)
    await page.goto(f"{call.base}/focal")
    assert await page.locator("h1").inner_text() == "الدعوات والترشيحات"
    await page.screenshot(path=screenshot_path("focal-calls-ar"), full_page=True)
    nomination = page.locator("#mine li.card a").first
    await nomination.click()
    await page.wait_for_url(re.compile(r"/focal/nominations/"))
    assert await page.get_attribute("html", "dir") == "rtl"
    await page.screenshot(path=screenshot_path("focal-nomination-ar"), full_page=True)
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.goto(f"{call.base}/focal/modules/{module}")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the call's page is {width} px wide at 360"
    await page.screenshot(path=screenshot_path("focal-nominate-360-ar"), full_page=True)
    assert page.problems == []
