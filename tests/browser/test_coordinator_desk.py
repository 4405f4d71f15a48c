"""A coordinator at the desk, in Debian's Chromium: signs in and lands on "needs attention", opens an
item, accepts a nomination (the gender meter and the roster move at once, without leaving the
page), sees an acceptance at capacity offered as the waitlist, moves someone on the waitlist with
the keyboard, and gets a stale page's decision explained. The same in Arabic, right to left, and
at 360 px. Screenshots of each screen in both languages go to screenshots/ (git ignores it)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from domain.auth.passwords import hash_password
from domain.auth.principal import Role
from domain.db import make_engine, make_sessionmaker
from domain.models.auth import User
from domain.models.programmes import Programme
from tests.browser.conftest import screenshot_path
from tests.web.desk_data import desk_world

PASSWORD = "browser-coordinator-2026"
USERNAME = "coordinator.browser"


@pytest.fixture(scope="module")
async def desk(site, browser_database):
    """Two modules of a coordinator's programme, each with an item of every kind; committed."""
    engine = make_engine(browser_database)
    async with make_sessionmaker(engine)() as db:
        world = await desk_world(db, modules=2)
        user = User(username=USERNAME, password_hash=hash_password(PASSWORD), role=Role.coordinator)
        user.programmes = [await db.get(Programme, world.programme.id)]
        db.add(user)
        await db.commit()
    await engine.dispose()
    return SimpleNamespace(world=world, base=site.base)


async def sign_in(page, desk) -> None:
    await page.goto(f"{desk.base}/sign-in")
    await page.locator("#username").fill(USERNAME)
    await page.locator("#password").fill(PASSWORD)
    await page.locator("form[action='/sign-in'] button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/coordinator$"))


def card(page, nomination_id):
    return page.locator(f"#nomination-{nomination_id}")


async def test_a_coordinator_decides_from_the_dashboard(tablet, desk):
    page, world = tablet, desk.world
    m = world.modules[0]
    await sign_in(page, desk)
    assert await page.locator("h1").inner_text() == "Needs attention"
    for kind in ("upcoming", "decisions", "deadlines", "vetting", "modules-balance", "schedule", "attendance"):
        assert await page.locator(f"#{kind} li.item").count() >= 1, kind
    await page.screenshot(path=screenshot_path("desk-dashboard-en"), full_page=True)

    await page.locator("#decisions li.item a", has_text="M-00").click()
    await page.wait_for_url(re.compile(rf"/coordinator/modules/{m.module.id}#nominations$"))
    address = page.url
    balance = page.locator("#balance")
    assert "women 0, men 1 (0% women)" in await balance.inner_text()
    await page.locator("#nominations").screenshot(path=screenshot_path("desk-module-nominations-en"))

    await card(page, m.pending[0]).get_by_role("button", name="Accept").click()
    notice = page.locator("#nominations .notice-box")
    await notice.wait_for()
    assert await notice.inner_text() == "Accepted: the participant is on the roster."
    # focus moves to the notice once htmx has settled the swap (a screen reader reads it out)
    # (a locator, not wait_for_function: that evaluates a string, which the pages' CSP refuses)
    await page.locator("#nominations .notice-box:focus").wait_for(timeout=5000)
    assert "women 1, men 1 (50% women)" in await page.locator("#balance").inner_text()  # moved at once
    assert await page.locator("#roster tbody tr").count() == 2
    assert page.url == address  # swapped in place, no page load

    await card(page, m.pending[1]).get_by_role("button", name="Accept").click()  # the last free seat outside quotas
    await card(page, m.pending[1]).wait_for(state="detached")
    waiting = page.locator(f"#waiting-{m.waiting}")
    assert await waiting.get_by_role("button", name="Accept").is_disabled()
    assert "No seat is free for this nomination" in await waiting.inner_text()
    await page.locator("#waitlist").screenshot(path=screenshot_path("desk-module-at-capacity-en"))

    # Someone else decides on a nomination this page still shows: the page's decision is refused, explained.
    other = await page.context.new_page()
    await other.goto(f"{desk.base}/coordinator/modules/{world.modules[1].module.id}")
    await page.goto(f"{desk.base}/coordinator/modules/{world.modules[1].module.id}")
    target = world.modules[1].pending[0]
    await other.locator(f"#nomination-{target}").get_by_role("button", name="Put on the waitlist").click()
    await other.locator(f"#waiting-{target}").wait_for()
    await card(page, target).get_by_role("button", name="Accept").click()
    stale = page.locator("#nominations .notice-box.stale")
    await stale.wait_for()
    assert (await stale.inner_text()).startswith("Someone changed this since you opened the page")
    assert await page.locator(f"#waiting-{target}").count() == 1  # here is what it is now
    await page.locator("#nominations").screenshot(path=screenshot_path("desk-module-stale-en"))
    await other.close()

    # The waitlist's order changes from the keyboard.
    first = page.locator("#waitlist li.nominee").first
    name = await first.locator(".name-latin").inner_text()
    await first.get_by_role("button", name="Move down").focus()
    await page.keyboard.press("Enter")
    await page.locator("#waitlist .notice-box", has_text="The waitlist order was saved.").wait_for()
    assert await page.locator("#waitlist li.nominee").nth(1).locator(".name-latin").inner_text() == name
    expected = "the server responded with a status of 412"  # the stale decision's answer, logged by Chromium
    assert [p for p in page.problems if expected not in p] == [], page.problems


async def test_the_desk_in_arabic_right_to_left_and_at_360_pixels(chromium, desk):
    context = await chromium.new_context(viewport={"width": 768, "height": 1024}, locale="ar-IQ")
    page = await context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type in ("error", "warning") else None)
    world = desk.world
    await sign_in(page, desk)
    await page.get_by_role("button", name="العربية").click()
    await page.wait_for_selector("html[lang=ar]")
    assert await page.get_attribute("html", "dir") == "rtl"
    assert await page.locator("h1").inner_text() == "ما يحتاج إلى انتباهك"
    await page.screenshot(path=screenshot_path("desk-dashboard-ar"), full_page=True)

    m = world.modules[1]
    await page.goto(f"{desk.base}/coordinator/modules/{m.module.id}#nominations")
    await page.locator("#nominations").screenshot(path=screenshot_path("desk-module-nominations-ar"))
    remaining = m.pending[1]
    decline = card(page, remaining).locator("details.ask")
    await decline.locator("summary").click()
    await decline.get_by_role("button", name="رفض الترشيح").click()  # without the reason the browser asks for
    assert await decline.locator("textarea").evaluate("t => !t.validity.valid")
    await decline.get_by_label("سبب الرفض (قد يطّلع عليه منسق الارتباط في الجهة)").fill("ليس في منصب تحقيقي")
    await decline.get_by_role("button", name="رفض الترشيح").click()
    await page.locator("#nominations .notice-box", has_text="رُفض الترشيح.").wait_for()
    await page.screenshot(path=screenshot_path("desk-module-ar"), full_page=True)

    await page.set_viewport_size({"width": 360, "height": 740})
    for path, name in (
        ("/coordinator", "desk-dashboard-360-ar"),
        (f"/coordinator/modules/{m.module.id}", "desk-module-360-ar"),
    ):
        await page.goto(f"{desk.base}{path}")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360, path
        await page.screenshot(path=screenshot_path(name), full_page=True)
    await page.get_by_role("button", name="English").click()
    await page.wait_for_selector("html[lang=en]")
    for path, name in (
        ("/coordinator", "desk-dashboard-360-en"),
        (f"/coordinator/modules/{m.module.id}", "desk-module-360-en"),
    ):
        await page.goto(f"{desk.base}{path}")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360, path
        await page.screenshot(path=screenshot_path(name), full_page=True)
    assert page.problems == [], page.problems
    await context.close()
