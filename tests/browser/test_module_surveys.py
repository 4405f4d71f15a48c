"""A coordinator's surveys page in Debian's Chromium: a module's reaction survey, answered by its
one participant, shows its counts and its results with the lone answer's cells withheld (never a
number); "Issue links now" comes back with its notice; and the page reads right to left in Arabic
and fits 360 px. Screenshots go to screenshots/."""

from __future__ import annotations

import re
import uuid
from types import SimpleNamespace

import pytest

from domain.auth.passwords import hash_password
from domain.auth.principal import Principal, Role
from domain.db import make_engine, make_sessionmaker
from domain.models.auth import User
from domain.models.programmes import Programme
from domain.surveys import answering, module_surveys, questionnaires
from domain.surveys.schemas import ModuleSurveyCreate, QuestionnaireCreate
from tests.api.survey_data import ANSWERS, QUESTIONS
from tests.browser.conftest import screenshot_path
from tests.web.desk_data import desk_world

PASSWORD = "browser-surveys-2026"
SYSTEM = Principal.system("browser test")


@pytest.fixture(scope="module")
async def surveyed(site, browser_database):
    """Arranged again if xdist runs another module's tests in between (a fresh name each time)."""
    username = f"coordinator.surveys.{uuid.uuid4().hex[:6]}"
    engine = make_engine(browser_database)
    async with make_sessionmaker(engine)() as db:
        world = await desk_world(db, modules=1)
        module = world.modules[0].module
        made = await questionnaires.create_questionnaire(
            db,
            principal=SYSTEM,
            data=QuestionnaireCreate.model_validate(
                {"title_en": "Browser reaction", "title_ar": "رد فعل المتصفح", "questions": QUESTIONS}
            ),
        )
        data = ModuleSurveyCreate(questionnaire_id=made.questionnaire.id, kind="reaction")
        view = await module_surveys.attach_survey(db, principal=SYSTEM, module_id=module.id, data=data)
        await module_surveys.issue_now(db, principal=SYSTEM, survey_id=view.survey.id)
        printed = await module_surveys.printable_links(db, principal=SYSTEM, survey_id=view.survey.id)
        for item in printed.items:
            assert item.url is not None
            await answering.answer(db, token=item.url.rsplit("/", 1)[1], answers=ANSWERS)
        user = User(username=username, password_hash=hash_password(PASSWORD), role=Role.coordinator)
        user.programmes = [await db.get(Programme, world.programme.id)]
        db.add(user)
        await db.commit()
    await engine.dispose()
    return SimpleNamespace(module=module, survey_id=view.survey.id, base=site.base, username=username)


async def _sign_in(page, surveyed) -> None:
    await page.goto(f"{surveyed.base}/sign-in")
    await page.locator("#username").fill(surveyed.username)
    await page.locator("#password").fill(PASSWORD)
    await page.locator("form[action='/sign-in'] button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/coordinator$"))


async def test_the_surveys_page_shows_results_and_issues_links(tablet, surveyed):
    page = tablet
    await _sign_in(page, surveyed)
    await page.goto(f"{surveyed.base}/coordinator/modules/{surveyed.module.id}")
    await page.get_by_role("link", name="Open the surveys").click()
    await page.wait_for_url(re.compile(r"/surveys$"))
    section = page.locator(f"#survey-{surveyed.survey_id}")
    assert await section.locator("h2").inner_text() == "Reaction survey · participants"
    assert await section.locator(".withheld").count() >= 1  # one answer: its cells are withheld
    assert "Browser reaction" in await section.inner_text()
    await page.screenshot(path=screenshot_path("surveys-en"), full_page=True)
    await section.get_by_role("button", name="Issue links now").click()
    await page.wait_for_url(re.compile(r"done=issued"))
    assert await page.get_by_role("status").inner_text() == "The links are issued and sent."
    assert page.problems == []


async def test_the_surveys_page_in_arabic_at_360_pixels(chromium, surveyed):
    context = await chromium.new_context(viewport={"width": 360, "height": 740}, locale="ar-IQ")
    page = await context.new_page()
    try:
        await _sign_in(page, surveyed)
        await page.get_by_role("button", name="العربية").click()
        await page.wait_for_selector("html[lang=ar]")
        await page.goto(f"{surveyed.base}/coordinator/modules/{surveyed.module.id}/surveys")
        assert await page.get_attribute("html", "dir") == "rtl"
        assert "استبيان رد الفعل" in await page.locator("h2").first.inner_text()
        assert await page.locator(".withheld").first.inner_text() == "محجوب"
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        await page.screenshot(path=screenshot_path("surveys-360-ar"), full_page=True)
    finally:
        await context.close()
