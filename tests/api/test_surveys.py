"""Surveys end to end over HTTP: a coordinator attaches a reaction survey to a module, the links go
out as mail through a real SMTP server, each opens without sign-in in its holder's language, the
answers arrive (anonymous: apart from who gave them), and a dead link (unknown, expired, re-issued)
is a 404 like any missing page that changes nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.models.audit import AuditEntry
from domain.models.events import OutboxEvent
from domain.models.notifications import Message
from domain.models.surveys import ModuleSurvey, Supervisor, SurveyAnswer, SurveyResponse
from domain.notifications import config
from domain.notifications.worker import MailWorker
from domain.surveys.issuing import open_due_surveys
from tests.api.catalogue_data import disciplines, programme  # noqa: F401  (fixtures)
from tests.api.enrolment_data import agency
from tests.api.notification_data import enrol, open_for_nominations, world  # noqa: F401
from tests.api.survey_data import ANSWERS, attach, invitations, links_in, questionnaire, responses
from tests.conftest import make_settings
from tests.need_to_know_guard import GUARDED
from tests.smtp_inbox import smtp_server


@pytest.fixture
def mail_worker(app, connection, database_url):
    # The links are sealed with the SECRET_KEY of the settings the notifications were configured
    # with: this app's (another test's app may have configured its own last).
    config.configure(app.state.settings)

    def factory() -> AsyncSession:
        session = AsyncSession(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False, autoflush=False
        )
        session.info[GUARDED] = True
        return session

    def make(port: int) -> MailWorker:
        settings = make_settings(database_url, smtp_url=f"smtp://127.0.0.1:{port}", mail_retry_schedule="0,0,0")
        return MailWorker(factory, settings, name="test-mail", chores=[open_due_surveys])

    yield make
    config.configure(app.state.settings)


@pytest.fixture
async def public(app):
    """No account, no cookie: whoever holds a link (the API and the page)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


@pytest.fixture
async def surveyed(client, sign_in, world, db, programme):  # noqa: F811
    """The world's module with both officers enrolled, a coordinator of its programme, and a
    reaction survey attached by them."""
    await open_for_nominations(client, world)
    world["arabic_nomination"] = await enrol(client, world, world["arabic"])
    world["english_nomination"] = await enrol(client, world, world["english"])
    coordinator = await sign_in("coordinator", programme_ids=[uuid.UUID(programme["id"])])
    world["coordinator"] = coordinator
    world["questionnaire"] = await questionnaire(coordinator)
    world["survey"] = await attach(coordinator, world["module"]["id"], world["questionnaire"]["id"])
    return world


async def _issue_and_mail(world, mail_worker) -> dict[str, str]:
    r = await world["coordinator"].post(f"/module-surveys/{world['survey']['id']}/issue")
    assert r.status_code == 200, r.text
    assert r.json() == {"opened": 1, "issued": 2, "closed": 0}
    with smtp_server() as (inbox, port):
        worker = mail_worker(port)
        for _ in range(4):
            await worker.round()
    [arabic] = links_in(inbox, "ali.hassan@example.iq")
    [english] = links_in(inbox, "zainab.abbas@example.org")
    return {"ar": arabic, "en": english}


async def _state(db) -> tuple:
    return (
        await db.scalar(select(func.count()).select_from(SurveyResponse)),
        await db.scalar(select(func.count()).select_from(SurveyAnswer)),
        await db.scalar(select(func.count()).select_from(AuditEntry)),
        await db.scalar(select(func.count()).select_from(OutboxEvent)),
    )


async def test_a_coordinator_attaches_a_survey_and_the_invited_answer_without_signing_in(
    surveyed, public, db, mail_worker
):
    world = surveyed
    survey = world["survey"]
    assert (survey["kind"], survey["anonymous"], survey["open_after_days"], survey["open_for_days"]) == (
        "reaction",
        True,
        0,
        14,
    )
    links = await _issue_and_mail(world, mail_worker)
    # The database holds no link: the messages say {link}, their sealed secret erased once sent.
    stored = list(await db.scalars(select(Message).where(Message.kind == "survey_link")))
    assert len(stored) == 2 and all("{link}" in m.body and m.sealed is None for m in stored)
    assert all(links["ar"] not in m.body for m in stored)

    # The Arabic officer's link opens in Arabic, with no name on it.
    form = await public.get(f"/api/v1/survey-responses/{links['ar']}")
    assert form.status_code == 200, form.text
    body = form.json()
    assert body["language"] == "ar" and body["title"] == "استبيان رد الفعل" and body["answers"] is None
    assert body["module_title"] == "Open-source intelligence for investigators"
    assert [q["key"] for q in body["questions"]] == ["overall", "trainer", "pace", "topics", "comments"]
    page = await public.get(f"/s/{links['ar']}")
    assert page.status_code == 200 and 'lang="ar"' in page.text and 'dir="rtl"' in page.text
    assert "كان التدريب مفيداً." in page.text and "Officer" not in page.text
    english = await public.get(f"/s/{links['ar']}?lang=en")
    assert 'lang="en"' in english.text and "Overall, the training was useful." in english.text

    # Answers arrive, anonymous: no invitation on the response; the invitation only says "answered".
    put = await public.put(f"/api/v1/survey-responses/{links['ar']}", json={"answers": ANSWERS})
    assert put.status_code == 200, put.text
    assert put.json()["answers"] == ANSWERS
    [response] = await responses(db)
    assert response.invitation_id is None and response.sex.value == "male"
    assert sorted(i.answered for i in await invitations(db, uuid.UUID(survey["id"]))) == [False, True]

    # Changeable until the survey closes: one response per link, the answers replaced.
    again = await public.put(
        f"/api/v1/survey-responses/{links['ar']}", json={"answers": ANSWERS | {"overall": 2, "topics": []}}
    )
    assert again.status_code == 200 and again.json()["answers"]["overall"] == 2
    assert "topics" not in again.json()["answers"]
    assert len(await responses(db)) == 1

    # The English officer answers through the page's form.
    page = await public.get(f"/s/{links['en']}")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form_data = {"csrf_token": csrf, "q.overall": "5", "q.trainer": "10", "q.pace": "fast", "q.topics": "osint"}
    posted = await public.post(f"/s/{links['en']}", data=form_data)
    assert posted.status_code == 303, posted.text
    saved = await public.get(posted.headers["location"])
    assert saved.status_code == 200 and "your answers are saved" in saved.text
    # Without the form token: refused, nothing changed.
    before = await _state(db)
    refused = await public.post(f"/s/{links['en']}", data=form_data | {"csrf_token": "x"})
    assert refused.status_code == 403 and await _state(db) == before

    read = await world["coordinator"].get(f"/module-surveys/{survey['id']}")
    assert (read.json()["invited"], read.json()["answered"]) == (2, 2)
    events = list(await db.scalars(select(OutboxEvent).where(OutboxEvent.entity_id == survey["id"])))
    assert [e.type for e in events] == ["survey.opened", "survey.answered", "survey.answered"]
    assert events[-1].payload["answered"] == 2 and events[0].officer_id is None
    assert all(set(e.payload) <= {"module_id", "kind", "audience", "invited", "answered", "closes_at"} for e in events)


async def test_a_dead_link_is_a_missing_page_and_changes_nothing(surveyed, public, db, mail_worker):
    world = surveyed
    links = await _issue_and_mail(world, mail_worker)
    unknown = "A" * 43
    answers = {"answers": ANSWERS}

    # Re-issued for printing: the mailed link stops working, the printed one works.
    printed = await world["coordinator"].post(f"/module-surveys/{world['survey']['id']}/printable-links")
    assert printed.status_code == 200, printed.text
    items = printed.json()["items"]
    assert len(items) == 2 and all(i["url"] and not i["answered"] for i in items)
    new_token = items[0]["url"].rsplit("/", 1)[1]
    assert (await public.get(f"/api/v1/survey-responses/{new_token}")).status_code == 200

    before = await _state(db)
    missing = await public.get(f"/api/v1/survey-responses/{unknown}")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    for dead in (links["ar"], links["en"]):
        for answer in (
            await public.get(f"/api/v1/survey-responses/{dead}"),
            await public.put(f"/api/v1/survey-responses/{dead}", json=answers),
        ):
            assert answer.status_code == 404 and answer.json() == missing.json()
        page = await public.get(f"/s/{dead}")
        assert page.status_code == 404 and "Page not found" in page.text
    assert await _state(db) == before

    # Expired: the worker closes the survey when its time has passed; its links die with it.
    later = utcnow() + timedelta(days=15)
    async with db.begin_nested():
        done = await open_due_surveys(db, later)
    assert done.closed == 1
    assert (await db.get(ModuleSurvey, uuid.UUID(world["survey"]["id"]))).status.value == "closed"
    before = await _state(db)
    expired = await public.put(f"/api/v1/survey-responses/{new_token}", json=answers)
    assert expired.status_code == 404 and expired.json() == missing.json()
    assert (await public.get(f"/s/{new_token}")).status_code == 404
    assert await _state(db) == before


async def test_the_worker_opens_a_survey_when_the_last_session_ends_and_again_changes_nothing(surveyed, db):
    world = surveyed
    survey_id = uuid.UUID(world["survey"]["id"])
    async with db.begin_nested():
        assert (await open_due_surveys(db, utcnow())).opened == 0  # the session is weeks ahead
    r = await world["coordinator"].post(f"/modules/{world['module']['id']}/transitions", json={"to": "confirmed"})
    assert r.status_code == 200, r.text
    after_delivery = utcnow() + timedelta(days=21)
    async with db.begin_nested():
        first = await open_due_surveys(db, after_delivery)
        second = await open_due_surveys(db, after_delivery)
    assert (first.opened, first.issued, second.opened, second.issued) == (1, 2, 0, 0)
    survey = await db.get(ModuleSurvey, survey_id)
    assert survey.status.value == "open" and survey.version_id is not None
    assert survey.closes_at is not None and survey.opened_at is not None
    assert survey.closes_at - survey.opened_at <= timedelta(days=14)


async def test_an_answered_questionnaire_changes_into_a_new_version_and_open_surveys_keep_theirs(
    surveyed, public, mail_worker
):
    world = surveyed
    coordinator, q = world["coordinator"], world["questionnaire"]
    body = {"title_en": "Reaction questionnaire", "title_ar": "استبيان", "questions": [QUESTION_ONE]}
    unanswered = await coordinator.put(f"/questionnaires/{q['id']}", json=body)
    assert unanswered.status_code == 200 and unanswered.json()["current_version"] == 1
    restored = await coordinator.put(f"/questionnaires/{q['id']}", json=body | {"questions": _questions(q)})
    assert restored.status_code == 200, restored.text
    links = await _issue_and_mail(world, mail_worker)
    assert (await public.put(f"/api/v1/survey-responses/{links['ar']}", json={"answers": ANSWERS})).status_code == 200
    changed = await coordinator.put(f"/questionnaires/{q['id']}", json=body)
    assert changed.json()["current_version"] == 2 and len(changed.json()["questions"]) == 1
    form = await public.get(f"/api/v1/survey-responses/{links['en']}")
    assert len(form.json()["questions"]) == 5  # the open survey keeps the version it opened with


async def test_answers_are_checked_against_the_questions(surveyed, public, mail_worker, db):
    links = await _issue_and_mail(surveyed, mail_worker)
    bad = {"overall": 6, "trainer": 11, "pace": "never", "topics": ["osint", "osint"], "extra": 1}
    r = await public.put(f"/api/v1/survey-responses/{links['ar']}", json={"answers": bad})
    assert r.status_code == 422
    fields = sorted(e["field"] for e in r.json()["errors"])
    assert fields == ["answers.extra", "answers.overall", "answers.pace", "answers.topics", "answers.trainer"]
    boolean = await public.put(f"/api/v1/survey-responses/{links['ar']}", json={"answers": ANSWERS | {"overall": True}})
    assert boolean.status_code == 422
    assert await responses(db) == []


async def test_only_the_planners_of_the_module_attach_and_print(surveyed, sign_in):
    world = surveyed
    stranger = await sign_in("coordinator", programme_ids=[])
    refused = await stranger.post(
        f"/modules/{world['module']['id']}/surveys",
        json={"questionnaire_id": world["questionnaire"]["id"], "kind": "followup"},
    )
    assert refused.status_code == 403
    assert (await stranger.post(f"/module-surveys/{world['survey']['id']}/printable-links")).status_code == 403
    focal = world["focal"]
    assert (await focal.get(f"/module-surveys/{world['survey']['id']}")).status_code == 403
    twice = await world["coordinator"].post(
        f"/modules/{world['module']['id']}/surveys",
        json={"questionnaire_id": world["questionnaire"]["id"], "kind": "reaction"},
    )
    assert twice.status_code == 409


async def test_focal_points_name_supervisors_who_get_the_follow_up(surveyed, sign_in, client, mail_worker, public, db):
    world = surveyed
    nomination = world["arabic_nomination"]
    elsewhere = await agency(world["coordinator"], "Another Ministry")
    other_agency = await sign_in("focal_point", agency_id=uuid.UUID(elsewhere))
    supervisor = {"name": "Supervisor Example", "email": "boss@example.iq", "language": "en"}
    assert (await other_agency.put(f"/nominations/{nomination}/supervisor", json=supervisor)).status_code == 404
    named = await world["focal"].put(f"/nominations/{nomination}/supervisor", json=supervisor)
    assert named.status_code == 200, named.text
    assert (await world["focal"].get(f"/nominations/{nomination}/supervisor")).json()["name"] == "Supervisor Example"
    followup = await attach(
        world["coordinator"],
        world["module"]["id"],
        world["questionnaire"]["id"],
        kind="followup",
        audience="supervisors",
    )
    assert (followup["anonymous"], followup["open_after_days"], followup["open_for_days"]) == (False, 90, 30)
    issued = await world["coordinator"].post(f"/module-surveys/{followup['id']}/issue")
    assert issued.json()["issued"] == 1
    with smtp_server() as (inbox, port):
        worker = mail_worker(port)
        for _ in range(3):
            await worker.round()
    [link] = links_in(inbox, "boss@example.iq")
    text = inbox.to("boss@example.iq")[0].message.get_body(("plain",)).get_content()
    assert "took part in the training" in text
    assert (await public.put(f"/api/v1/survey-responses/{link}", json={"answers": ANSWERS})).status_code == 200
    [response] = await responses(db)
    assert response.invitation_id is not None  # follow-ups identify the participation
    # Erasing the officer deletes the supervisor named for them; the answer stays for the aggregates.
    assert (await client.post(f"/officers/{world['arabic']}/erasure")).status_code == 200
    assert await db.scalar(select(func.count()).select_from(Supervisor)) == 0
    assert len(await responses(db)) == 1


QUESTION_ONE = {"key": "applied", "kind": "rating_5", "text_en": "I apply what I learnt.", "text_ar": "أطبق ما تعلمته."}


def _questions(q: dict) -> list[dict]:
    keep = ("key", "kind", "text_en", "text_ar", "required", "choices")
    return [{k: v for k, v in question.items() if k in keep and v is not None} for question in q["questions"]]
