"""A trainer at a tablet (768 px), in Debian's Chromium: signs in, opens the session that has
started, marks all forty participants one by one (timed), changes one to late with a remark, and
the API's attendance shows exactly those marks with the trainer as author. A save whose answer
the network drops is retried with its Idempotency-Key and takes effect once. The same screens in
Arabic, right to left, and at 360 px. Screenshots of each screen in both languages go to
screenshots/ (git ignores it)."""

from __future__ import annotations

import re
import time

import httpx

from tests.browser.conftest import PARTICIPANTS, PASSWORD, screenshot_path

FIVE_MINUTES = 300
SAVED = re.compile(r"^Saved$")  # has_text="Saved" would also match "Not saved"
REMARK = "Arrived at 09:25: checkpoint delay"


async def sign_in(page, site) -> None:
    await page.goto(f"{site.base}/")
    await page.get_by_label("User name").fill("trainer.browser")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(re.compile(r"/trainer/sessions$"))


async def open_roster(page, site) -> None:
    await page.goto(f"{site.base}/trainer/sessions/{site.session_id}")
    await page.wait_for_selector("li.participant")


def api(site, path: str) -> object:
    r = httpx.get(f"{site.api}{path}", headers=site.admin)
    assert r.status_code == 200, r.text
    return r.json()


async def saved(page, index: int) -> None:
    await page.locator("li.participant").nth(index).locator(".state", has_text=SAVED).wait_for()


async def test_a_trainer_marks_forty_participants_at_a_tablet_in_under_five_minutes(tablet, site):
    page = tablet
    await page.goto(f"{site.base}/")
    await page.screenshot(path=screenshot_path("sign-in-en"), full_page=True)
    await sign_in(page, site)
    await page.screenshot(path=screenshot_path("my-sessions-en"), full_page=True)
    await page.get_by_role("link", name="Open the roster").first.click()
    await page.wait_for_selector("li.participant")
    assert await page.locator("li.participant").count() == PARTICIPANTS
    await page.screenshot(path=screenshot_path("roster-en"))

    started = time.monotonic()
    for i in range(PARTICIPANTS):
        await page.locator("li.participant").nth(i).locator("label.target.present").click()
        await saved(page, i)
    await page.locator("li.participant").nth(7).locator("label.target.late").click()
    await page.locator("li.participant").nth(7).and_(page.locator("[data-status=late]")).wait_for()
    remark = page.locator("li.participant").nth(7).get_by_label("Remark")
    await remark.fill(REMARK)
    await remark.press("Tab")
    await page.locator(f"li.participant[data-status=late] input[name=note][value='{REMARK}']").wait_for()
    elapsed = time.monotonic() - started
    await page.screenshot(path=screenshot_path("roster-marked-en"))
    print(f"\n{PARTICIPANTS} participants marked one by one, one changed to late with a remark: {elapsed:.1f} s")
    assert elapsed < FIVE_MINUTES
    assert await page.locator("li.participant.unsaved").count() == 0

    head = await page.locator("#sheet-head").inner_text()
    assert re.search(r"Present\s+39", head) and re.search(r"Late\s+1", head) and re.search(r"Not marked\s+0", head)
    marks = api(site, f"/sessions/{site.session_id}/attendance")["marks"]
    assert len(marks) == PARTICIPANTS
    assert {m["recorded_by"] for m in marks} == {"trainer.browser"}
    assert sorted((m["status"], m["note"]) for m in marks if m["status"] != "present") == [("late", REMARK)]
    audit = api(site, "/audit?entity=attendance_mark&limit=200")["items"]
    assert {a["actor_name"] for a in audit} == {"trainer.browser"}
    events = httpx.get(
        f"{site.api}/events", params={"types": ["attendance.recorded"], "limit": 200}, headers=site.admin
    )
    assert len(events.json()["items"]) == PARTICIPANTS
    assert page.problems == [], page.problems


async def test_a_save_whose_answer_the_network_drops_is_retried_and_takes_effect_once(tablet, site):
    page = tablet
    await sign_in(page, site)
    await open_roster(page, site)
    officer = await page.locator("li.participant").nth(3).locator("input[name=officer_id]").first.input_value()
    before = len(api(site, f"/sessions/{site.session_id}/attendance/history"))
    had_mark = officer in {m["officer_id"] for m in api(site, f"/sessions/{site.session_id}/attendance")["marks"]}
    dropped: list[int] = []

    async def drop_the_first_answer(route):
        if not dropped:
            response = await route.fetch()  # the server does the work...
            dropped.append(response.status)
            await route.abort("connectionreset")  # ...and its answer never reaches the page
        else:
            await route.continue_()

    await page.route("**/marks", drop_the_first_answer)
    async with page.expect_response(lambda r: r.url.endswith("/marks")) as retried:
        await page.locator("li.participant").nth(3).locator("label.target.excused").click()
        await page.locator("li.participant.unsaved").first.wait_for()  # the page says it is not saved yet
        await page.screenshot(path=screenshot_path("roster-retrying-en"))
    assert (await retried.value).headers.get("idempotent-replayed") == "true"  # the first answer, again
    await page.locator("li.participant").nth(3).and_(page.locator("[data-status=excused]")).wait_for()
    await saved(page, 3)
    assert dropped == [200]
    marks = {m["officer_id"]: m["status"] for m in api(site, f"/sessions/{site.session_id}/attendance")["marks"]}
    assert marks[officer] == "excused"
    history = api(site, f"/sessions/{site.session_id}/attendance/history")
    assert len(history) == before + (1 if had_mark else 0)  # one change, not two


async def test_the_screens_in_arabic_right_to_left_and_at_360_pixels(chromium, site):
    context = await chromium.new_context(viewport={"width": 768, "height": 1024}, locale="ar-IQ")
    page = await context.new_page()
    await page.goto(f"{site.base}/sign-in")
    assert await page.get_attribute("html", "dir") == "rtl"
    await page.screenshot(path=screenshot_path("sign-in-ar"), full_page=True)
    await page.get_by_label("اسم المستخدم").fill("trainer.browser")
    await page.get_by_label("كلمة المرور").fill(PASSWORD)
    await page.get_by_role("button", name="تسجيل الدخول").click()
    await page.wait_for_url(re.compile(r"/trainer/sessions$"))
    await page.get_by_role("button", name="العربية").click()  # saved to the account from now on
    await page.wait_for_selector("h1:text('جلساتي')")
    await page.screenshot(path=screenshot_path("my-sessions-ar"), full_page=True)
    await page.goto(f"{site.base}/trainer/sessions/{site.tomorrow_id}")
    assert await page.get_attribute("html", "lang") == "ar"
    await page.locator("li.participant").first.locator("label.target.present").click()
    refusal = page.locator("li.participant").first.locator("p.error")
    await refusal.wait_for()
    assert "لا يمكن قبل ذلك تسجيل إلا الغياب بعذر" in await refusal.inner_text()
    await page.screenshot(path=screenshot_path("roster-refused-ar"))
    await page.goto(f"{site.base}/trainer/sessions/{site.session_id}")
    await page.get_by_role("button", name=re.compile("تسجيل كل من لم يُسجَّل حاضراً")).wait_for()
    assert await page.get_by_role("button", name="حفظ", exact=True).count() == PARTICIPANTS
    await page.screenshot(path=screenshot_path("roster-ar"))

    await page.set_viewport_size({"width": 360, "height": 740})
    await page.reload()
    await page.wait_for_selector("li.participant")
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing runs off the side
    await page.screenshot(path=screenshot_path("roster-360-ar"))
    await page.get_by_role("button", name="English").click()  # back to English for the other tests
    await page.wait_for_selector("html[lang=en]")
    await page.screenshot(path=screenshot_path("roster-360-en"))
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await context.close()
