"""A module's reaction survey answered by four of its five participants (three women, two men,
one man silent), through HTTP: links re-issued for printing, answers put with them. And a helper
that adds answered responses straight in the database, for the statement-count tests."""

from __future__ import annotations

import secrets
import uuid

import pytest
from sqlalchemy import select

from domain.models.officers import Sex
from domain.models.surveys import Question, SurveyAnswer, SurveyInvitation, SurveyResponse
from tests.api.enrolment_data import officer
from tests.api.notification_data import enrol, open_for_nominations
from tests.api.survey_data import attach, questionnaire

# nomination label -> the answers it gives (None: does not answer)
GIVEN = {
    "f1": {"overall": 4, "trainer": 9, "pace": "right", "topics": ["osint"], "comments": "Useful"},
    "f2": {"overall": 5, "trainer": 10, "pace": "right", "topics": ["osint", "humint"], "comments": "Clear"},
    "f3": {"overall": 4, "trainer": 8, "pace": "fast"},
    "m1": {"overall": 2, "trainer": 6, "pace": "right", "comments": "Too long"},
    "m2": None,
}


async def links(client, survey_id: str) -> dict[str, str]:
    """nomination id -> a fresh token (re-issued, as for printing)."""
    r = await client.post(f"/module-surveys/{survey_id}/printable-links")
    assert r.status_code == 200, r.text
    return {i["nomination_id"]: i["url"].rsplit("/", 1)[1] for i in r.json()["items"] if i["url"]}


async def answer(public, token: str, answers: dict) -> None:
    r = await public.put(f"/api/v1/survey-responses/{token}", json={"answers": answers})
    assert r.status_code == 200, r.text


@pytest.fixture
async def answered(client, sign_in, world, public, programme):
    await open_for_nominations(client, world)
    people = {
        "f1": world["english"],
        "f2": await officer(client, world["police"], sex="female"),
        "f3": await officer(client, world["police"], sex="female"),
        "m1": world["arabic"],
        "m2": await officer(client, world["police"], sex="male"),
    }
    nominations = {label: await enrol(client, world, o) for label, o in people.items()}
    coordinator = await sign_in("coordinator", programme_ids=[uuid.UUID(programme["id"])])
    q = await questionnaire(coordinator)
    survey = await attach(coordinator, world["module"]["id"], q["id"])
    r = await coordinator.post(f"/module-surveys/{survey['id']}/issue")
    assert r.status_code == 200 and r.json()["issued"] == 5, r.text
    tokens = await links(coordinator, survey["id"])
    for label, answers in GIVEN.items():
        if answers is not None:
            await answer(public, tokens[nominations[label]], answers)
    return world | {"coordinator": coordinator, "questionnaire": q, "survey": survey, "nominations": nominations}


async def add_responses(db, survey_id: str, n: int, *, agency_id: str, sex: str = "female") -> None:
    """n more answered invitations of the survey's first invited nomination's kind: responses
    whose answers rate every rating question 3 and choose each question's first choice."""
    survey = uuid.UUID(survey_id)
    some = await db.scalar(select(SurveyInvitation).where(SurveyInvitation.survey_id == survey).limit(1))
    version = await db.scalar(select(SurveyResponse.version_id).where(SurveyResponse.survey_id == survey).limit(1))
    questions = list(await db.scalars(select(Question).where(Question.version_id == version)))
    for _ in range(n):
        response = SurveyResponse(
            survey_id=survey,
            version_id=version,
            response_key=secrets.token_hex(32),
            sex=Sex(sex),
            agency_id=uuid.UUID(agency_id),
        )
        db.add(response)
        await db.flush()
        for q in questions:
            if q.kind.startswith("rating"):
                db.add(SurveyAnswer(response_id=response.id, question_id=q.id, rating=3))
            elif q.choices:
                db.add(SurveyAnswer(response_id=response.id, question_id=q.id, choice=q.choices[0]["key"]))
            else:
                db.add(SurveyAnswer(response_id=response.id, question_id=q.id, text=f"Text {secrets.token_hex(4)}"))
    assert some is not None
    await db.flush()


FOLLOWUP = [
    {
        "key": "applies",
        "kind": "single_choice",
        "text_en": "Do you apply what you learnt?",
        "text_ar": "هل تطبق ما تعلمته؟",
        "choices": [
            {"key": "yes", "label_en": "Yes", "label_ar": "نعم"},
            {"key": "partly", "label_en": "Partly", "label_ar": "جزئياً"},
            {"key": "no", "label_en": "No", "label_ar": "لا"},
        ],
    },
    {"key": "useful", "kind": "rating_5", "text_en": "It is useful in my work.", "text_ar": "مفيد في عملي."},
]
APPLIES = {"f1": "yes", "f2": "yes", "f3": "partly", "m1": "yes"}


async def followed_up(world: dict, public) -> dict:
    """A participants' follow-up on the world's module, opened now, answered by four."""
    coordinator = world["coordinator"]
    r = await coordinator.post(
        "/questionnaires", json={"title_en": "Follow-up", "title_ar": "المتابعة", "questions": FOLLOWUP}
    )
    assert r.status_code == 201, r.text
    survey = await attach(coordinator, world["module"]["id"], r.json()["id"], kind="followup")
    assert (await coordinator.post(f"/module-surveys/{survey['id']}/issue")).status_code == 200
    tokens = await links(coordinator, survey["id"])
    for label, choice in APPLIES.items():
        await answer(public, tokens[world["nominations"][label]], {"applies": choice, "useful": 4})
    return survey
