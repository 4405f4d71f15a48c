"""An administrator, in Debian's Chromium, creates an account from the administration pages and
sees it listed: in English, then in Arabic (right to left, the form found by its Arabic labels).
Screenshots of the accounts page in both languages go to screenshots/."""

from __future__ import annotations

import re

import pytest

from domain.auth.models import User
from domain.auth.passwords import hash_password
from domain.auth.principal import Role
from domain.db import make_engine, make_sessionmaker
from tests.browser.conftest import screenshot_path

PASSWORD = "browser-admin-2026-x"
USERNAME = "admin.accounts.browser"


@pytest.fixture(scope="module")
async def admin_site(site, browser_database):
    engine = make_engine(browser_database)
    async with make_sessionmaker(engine)() as db:
        user = User(username=USERNAME, password_hash=hash_password(PASSWORD), role=Role.admin)
        user.programmes = []
        db.add(user)
        await db.commit()
    await engine.dispose()
    return site.base


async def _create(page, base: str, *, username: str, labels: dict[str, str], role: str, button: str) -> None:
    await page.goto(f"{base}/admin/accounts")
    await page.get_by_label(labels["username"], exact=True).fill(username)
    await page.get_by_label(labels["password"], exact=True).fill("a-long-browser-password")
    await page.locator("#new-role").select_option(role)
    await page.get_by_role("button", name=button).click()
    await page.wait_for_url(re.compile(r"/admin/accounts/[0-9a-f-]+\?done=created$"))


async def test_an_admin_creates_an_account_and_sees_it_listed_in_both_languages(tablet, admin_site):
    page, base = tablet, admin_site
    await page.goto(f"{base}/sign-in")
    await page.locator("#username").fill(USERNAME)
    await page.locator("#password").fill(PASSWORD)
    await page.locator("form[action='/sign-in'] button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/coordinator$"))
    await page.get_by_role("link", name="Administration").click()
    await page.wait_for_url(re.compile(r"/admin/accounts$"))

    english = {"username": "Username", "password": "Password"}
    await _create(page, base, username="observer.en", labels=english, role="observer", button="Create the account")
    assert await page.locator(".notice-box").inner_text() == "The account was created."
    await page.goto(f"{base}/admin/accounts")
    assert await page.get_by_role("link", name="observer.en").count() == 1
    await page.screenshot(path=screenshot_path("admin-accounts-en"), full_page=True)

    await page.get_by_role("button", name="العربية").click()
    await page.wait_for_selector("html[lang=ar][dir=rtl]")
    arabic = {"username": "اسم المستخدم", "password": "كلمة المرور"}
    await _create(page, base, username="observer.ar", labels=arabic, role="observer", button="إنشاء الحساب")
    assert await page.locator(".notice-box").inner_text() == "أُنشئ الحساب."
    await page.goto(f"{base}/admin/accounts")
    assert await page.locator("h1").inner_text() == "الحسابات"
    for name in ("observer.en", "observer.ar"):
        assert await page.get_by_role("link", name=name).count() == 1
    await page.screenshot(path=screenshot_path("admin-accounts-ar"), full_page=True)
    assert page.problems == []
