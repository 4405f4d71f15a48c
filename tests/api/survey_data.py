"""Survey test helpers: a bilingual questionnaire of every kind, a module with two enrolled
participants (notification_data's world), and the links read back from the mail the worker sends
to a real SMTP server (only hashes are stored: the mail is where a link can be read)."""

from __future__ import annotations

import re

from sqlalchemy import select

from domain.models.surveys import SurveyInvitation, SurveyResponse

QUESTIONS = [
    {
        "key": "overall",
        "kind": "rating_5",
        "text_en": "Overall, the training was useful.",
        "text_ar": "كان التدريب مفيداً.",
    },
    {"key": "trainer", "kind": "rating_10", "text_en": "Rate the trainers.", "text_ar": "قيّم المدربين."},
    {
        "key": "pace",
        "kind": "single_choice",
        "text_en": "The pace was",
        "text_ar": "كانت الوتيرة",
        "choices": [
            {"key": "slow", "label_en": "too slow", "label_ar": "بطيئة جداً"},
            {"key": "right", "label_en": "right", "label_ar": "مناسبة"},
            {"key": "fast", "label_en": "too fast", "label_ar": "سريعة جداً"},
        ],
    },
    {
        "key": "topics",
        "kind": "multiple_choice",
        "text_en": "Which topics will you use?",
        "text_ar": "ما المواضيع التي ستستخدمها؟",
        "required": False,
        "choices": [
            {"key": "osint", "label_en": "OSINT", "label_ar": "المصادر المفتوحة"},
            {"key": "humint", "label_en": "HUMINT", "label_ar": "المصادر البشرية"},
        ],
    },
    {"key": "comments", "kind": "free_text", "text_en": "Comments", "text_ar": "ملاحظات", "required": False},
]
ANSWERS = {"overall": 4, "trainer": 9, "pace": "right", "topics": ["osint", "humint"], "comments": "مفيد جداً"}
LINK = re.compile(r"/s/([A-Za-z0-9_-]{43})\b")


async def questionnaire(client, title: str = "Reaction questionnaire") -> dict:
    r = await client.post(
        "/questionnaires", json={"title_en": title, "title_ar": "استبيان رد الفعل", "questions": QUESTIONS}
    )
    assert r.status_code == 201, r.text
    return r.json()


async def attach(client, module_id: str, questionnaire_id: str, **extra) -> dict:
    body = {"questionnaire_id": questionnaire_id, "kind": "reaction"} | extra
    r = await client.post(f"/modules/{module_id}/surveys", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def links_in(inbox, address: str) -> list[str]:
    return [m for got in inbox.to(address) for m in LINK.findall(got.message.get_body(("plain",)).get_content())]


async def invitations(db, survey_id) -> list[SurveyInvitation]:
    return list(await db.scalars(select(SurveyInvitation).where(SurveyInvitation.survey_id == survey_id)))


async def responses(db) -> list[SurveyResponse]:
    return list(await db.scalars(select(SurveyResponse)))
