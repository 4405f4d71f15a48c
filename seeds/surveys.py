"""The demo's surveys (issue 22): ILP-01 of the CT JUST cycle (delivered in January 2025) gets a
reaction survey answered by two thirds of its participants (anonymous), a participants' follow-up
and a supervisors' follow-up (supervisors named for a dozen participants), both partly answered;
so the cycle's indicators show a reaction score and an application rate, and the module page its
results. The cycle flags modules whose reaction score falls below 60.

Through the services, as the seed: the surveys are opened with "issue links now", the links re-issued
as for printing, and answered with them. Deterministic (a fixed random seed); a later run finds the
surveys and changes nothing."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.cycles.schemas import CycleUpdate
from domain.cycles.service import update_cycle
from domain.models.catalogue import Module
from domain.models.cycles import Cycle
from domain.models.enrolment import ON_ROSTER, Nomination
from domain.models.surveys import ModuleSurvey, SurveyAudience, SurveyKind
from domain.surveys import answering, module_surveys, questionnaires, supervisors
from domain.surveys.schemas import ModuleSurveyCreate, QuestionnaireCreate, SupervisorWrite
from seeds.indicators import CYCLE
from seeds.tally import SEED, Tally

MODULE = "ILP-01"
ALERT_BELOW = 60.0
_PACE = [
    {"key": "slow", "label_en": "Too slow", "label_ar": "بطيئة جداً"},
    {"key": "right", "label_en": "About right", "label_ar": "مناسبة"},
    {"key": "fast", "label_en": "Too fast", "label_ar": "سريعة جداً"},
]
_APPLIES = [
    {"key": "yes", "label_en": "Yes", "label_ar": "نعم"},
    {"key": "partly", "label_en": "Partly", "label_ar": "جزئياً"},
    {"key": "no", "label_en": "No", "label_ar": "لا"},
]
REACTION: dict[str, Any] = {
    "title_en": "End-of-course evaluation",
    "title_ar": "تقييم نهاية الدورة",
    "questions": [
        {
            "key": "overall",
            "kind": "rating_5",
            "text_en": "Overall, the course was useful.",
            "text_ar": "كانت الدورة مفيدة عموماً.",
        },
        {
            "key": "trainers",
            "kind": "rating_5",
            "text_en": "The trainers explained clearly.",
            "text_ar": "شرح المدربون بوضوح.",
        },
        {
            "key": "pace",
            "kind": "single_choice",
            "text_en": "The pace was",
            "text_ar": "كانت الوتيرة",
            "choices": _PACE,
        },
        {
            "key": "improve",
            "kind": "free_text",
            "text_en": "What should we improve?",
            "text_ar": "ما الذي ينبغي تحسينه؟",
            "required": False,
        },
    ],
}
FOLLOWUP: dict[str, Any] = {
    "title_en": "Six-month follow-up",
    "title_ar": "المتابعة بعد ستة أشهر",
    "questions": [
        {
            "key": "applies",
            "kind": "single_choice",
            "text_en": "Is what was learnt applied in the daily work?",
            "text_ar": "هل يُطبَّق ما تم تعلمه في العمل اليومي؟",
            "choices": _APPLIES,
        },
        {
            "key": "useful",
            "kind": "rating_5",
            "text_en": "The course helps in the work.",
            "text_ar": "تساعد الدورة في العمل.",
        },
        {
            "key": "example",
            "kind": "free_text",
            "text_en": "An example, if any",
            "text_ar": "مثال إن وجد",
            "required": False,
        },
    ],
}
IMPROVE = ["More practical exercises", "أمثلة من الحالات العراقية", "Longer case study", "ترجمة المواد مسبقاً"]


def _reaction(rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "overall": rng.choice([3, 4, 4, 5, 5]),
        "trainers": rng.choice([3, 4, 5, 5]),
        "pace": rng.choice(["right", "right", "fast", "slow"]),
    }
    if rng.random() < 0.4:
        answers["improve"] = rng.choice(IMPROVE)
    return answers


def _followup(rng: random.Random) -> dict[str, Any]:
    return {"applies": rng.choice(["yes", "yes", "yes", "partly", "no"]), "useful": rng.choice([3, 4, 4, 5])}


async def _survey(
    session: AsyncSession,
    tally: Tally,
    module: Module,
    questionnaire_id: Any,
    kind: SurveyKind,
    audience: SurveyAudience,
) -> ModuleSurvey | None:
    data = ModuleSurveyCreate(questionnaire_id=questionnaire_id, kind=kind, audience=audience)
    view = await module_surveys.attach_survey(session, principal=SEED, module_id=module.id, data=data)
    await module_surveys.issue_now(session, principal=SEED, survey_id=view.survey.id)
    tally.made("module survey")
    return view.survey


async def _answer(
    session: AsyncSession, tally: Tally, survey: ModuleSurvey, share: float, make: Any, rng: random.Random
) -> None:
    printed = await module_surveys.printable_links(session, principal=SEED, survey_id=survey.id)
    links = sorted((item for item in printed.items if item.url), key=lambda item: str(item.nomination_id))
    for item in links[: round(len(links) * share)]:
        assert item.url is not None
        await answering.answer(session, token=item.url.rsplit("/", 1)[1], answers=make(rng))
        tally.made("survey response")


async def load_surveys(session: AsyncSession, tally: Tally) -> None:
    cycle = await session.scalar(select(Cycle).where(Cycle.title == CYCLE))
    module = cycle and await session.scalar(select(Module).where(Module.cycle_id == cycle.id, Module.code == MODULE))
    if cycle is None or module is None:
        return
    if await session.scalar(select(ModuleSurvey.id).where(ModuleSurvey.module_id == module.id).limit(1)):
        tally.found("module survey")
        return
    rng = random.Random(2201)
    await update_cycle(
        session,
        principal=SEED,
        cycle_id=cycle.id,
        data=CycleUpdate(reaction_alert_below=ALERT_BELOW),
        expected_version=None,
    )
    reaction = await questionnaires.create_questionnaire(
        session, principal=SEED, data=QuestionnaireCreate.model_validate(REACTION)
    )
    followup = await questionnaires.create_questionnaire(
        session, principal=SEED, data=QuestionnaireCreate.model_validate(FOLLOWUP)
    )
    tally.made("questionnaire", 2)
    survey = await _survey(
        session, tally, module, reaction.questionnaire.id, SurveyKind.reaction, SurveyAudience.participants
    )
    assert survey is not None
    await _answer(session, tally, survey, 2 / 3, _reaction, rng)
    nominations = list(
        await session.scalars(
            select(Nomination.id)
            .where(Nomination.module_id == module.id, Nomination.status.in_(ON_ROSTER))
            .order_by(Nomination.id)
        )
    )
    for i, nomination_id in enumerate(nominations[:12]):
        name = f"Supervisor {i + 1} (demo)"
        data = SupervisorWrite(name=name, email=f"supervisor{i + 1}@example.iq", language="ar")
        await supervisors.name_supervisor(session, principal=SEED, nomination_id=nomination_id, data=data)
        tally.made("supervisor")
    for audience, share in ((SurveyAudience.participants, 0.6), (SurveyAudience.supervisors, 0.75)):
        survey = await _survey(session, tally, module, followup.questionnaire.id, SurveyKind.followup, audience)
        assert survey is not None
        await _answer(session, tally, survey, share, _followup, rng)
