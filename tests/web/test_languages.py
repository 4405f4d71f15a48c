"""Pages in Arabic (right to left) and English: Accept-Language, then the saved preference, which
the switch on every page changes (a cookie before sign-in); dates in Iraqi Arabic, Latin digits
unless the person chose Arabic-Indic ones."""

from __future__ import annotations

from sqlalchemy import select

from domain.models.auth import User
from tests.web.conftest import csrf_of
from tests.web.teaching_data import cycle, disciplines, programme, teaching  # noqa: F401


async def test_accept_language_gives_arabic_right_to_left(visitor):
    page = await visitor.get("/sign-in", headers={"Accept-Language": "ar-IQ,ar;q=0.9,en;q=0.8"})
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "<h1>تسجيل الدخول</h1>" in page.text and '<label for="username">اسم المستخدم</label>' in page.text
    assert page.headers["content-language"] == "ar" and "Accept-Language" in page.headers["vary"]
    english = await visitor.get("/sign-in", headers={"Accept-Language": "fr"})
    assert '<html lang="en" dir="ltr">' in english.text


async def test_a_visitor_switches_language_with_a_cookie(visitor):
    page = await visitor.get("/sign-in")
    switched = await visitor.post(
        "/language", data={"csrf_token": csrf_of(page.text), "language": "ar", "next": "/sign-in"}
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/sign-in"
    again = await visitor.get("/sign-in", headers={"Accept-Language": "en"})
    assert '<html lang="ar" dir="rtl">' in again.text


async def test_a_person_saves_the_language_and_the_digits(person, teaching, db):
    trainer = await person("trainer", trainer_id=teaching.trainer.id)
    r = await trainer.submit("/language", {"language": "ar", "next": "/trainer/sessions"})
    assert r.status_code == 303
    assert (await db.scalar(select(User.language).where(User.id == trainer.user_id))) == "ar"
    page = await trainer.get("/trainer/sessions", headers={"Accept-Language": "en"})
    assert '<html lang="ar" dir="rtl">' in page.text and "<h1>جلساتي</h1>" in page.text
    assert "<dd>3</dd>" in page.text  # Latin digits by default
    await trainer.submit("/language", {"digits": "arab", "next": "/trainer/sessions"})
    arabic_digits = await trainer.get("/trainer/sessions")
    assert "<dd>٣</dd>" in arabic_digits.text


async def test_the_page_names_months_as_iraq_does(person, teaching):
    trainer = await person("trainer", language="ar", trainer_id=teaching.trainer.id)
    page = await trainer.get(f"/trainer/sessions/{teaching.started.id}")
    months = (
        "كانون الثاني",
        "شباط",
        "آذار",
        "نيسان",
        "أيار",
        "حزيران",
        "تموز",
        "آب",
        "أيلول",
        "تشرين الأول",
        "تشرين الثاني",
        "كانون الأول",
    )
    assert any(month in page.text for month in months)
    assert "(+03:00)" in page.text
    assert "حاضر" in page.text and "تسجيل كل من لم يُسجَّل حاضراً" in page.text


async def test_switching_language_comes_back_to_the_same_view_with_its_filters(visitor):
    page = await visitor.get("/sign-in?next=/results%3Fcycle%3Dx")
    assert 'name="next" value="/sign-in?next=/results%3Fcycle%3Dx"' in page.text
    switched = await visitor.post(
        "/language", data={"csrf_token": csrf_of(page.text), "language": "ar", "next": "/sign-in?next=/results"}
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/sign-in?next=/results"
