"""Opening, issuing and closing surveys: `open_due_surveys(session, now)` is called by the worker
every round (and for one survey by a coordinator's "issue links now"). It keeps no state of its
own: whatever it has done is in the database, so calling it again changes nothing (one invitation
per survey and nomination; a supervisor named after opening gets a link on the next round)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import internal
from domain.models.catalogue import Module, ModuleStatus, TrainingSession
from domain.models.enrolment import ON_ROSTER, Nomination
from domain.models.surveys import (
    ModuleSurvey,
    Questionnaire,
    QuestionnaireVersion,
    Supervisor,
    SurveyAudience,
    SurveyInvitation,
    SurveyKind,
    SurveyStatus,
)
from domain.notifications import config, recipients
from domain.notifications.direct import SurveyLinkLetter, store_survey_link
from domain.notifications.facts import ModuleFacts, load_module
from domain.outbox.service import emit
from domain.surveys import rules

# Modules whose training took place (or is taking place): a survey may open for them.
TOOK_PLACE = (ModuleStatus.confirmed, ModuleStatus.delivered, ModuleStatus.closed)


@dataclass
class Issued:
    opened: int = 0
    issued: int = 0
    closed: int = 0


def link_of(token: str) -> str:
    return config.public_link(f"/s/{token}")


async def delivered_at(session: AsyncSession, module_id: uuid.UUID) -> datetime | None:
    """Delivery: the end of the module's last session."""
    return await session.scalar(select(func.max(TrainingSession.ends_at)).where(TrainingSession.module_id == module_id))


async def counts(session: AsyncSession, survey_id: uuid.UUID) -> tuple[int, int]:
    """(invited, answered) of a survey."""
    row = (
        await session.execute(
            internal(
                select(func.count(), func.count().filter(SurveyInvitation.answered.is_(True))).where(
                    SurveyInvitation.survey_id == survey_id
                ),
                "how many links a survey issued and how many are answered: counts only",
            )
        )
    ).one()
    return int(row[0]), int(row[1])


async def survey_event(session: AsyncSession, type_: str, survey: ModuleSurvey) -> None:
    invited, answered = await counts(session, survey.id)
    data = {
        "module_id": survey.module_id,
        "kind": survey.kind.value,
        "audience": survey.audience.value,
        "invited": invited,
        "answered": answered,
        "closes_at": survey.closes_at,
    }
    emit(session, type_, resource_id=survey.id, data=data)


async def open_survey(session: AsyncSession, survey: ModuleSurvey, *, now: datetime, closes_at: datetime) -> None:
    """Pin the questionnaire's current version and open (the caller issues the links)."""
    version_id = await session.scalar(
        select(QuestionnaireVersion.id)
        .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
        .where(Questionnaire.id == survey.questionnaire_id)
        .where(QuestionnaireVersion.number == Questionnaire.current_version)
    )
    survey.version_id = version_id
    survey.status, survey.opened_at, survey.closes_at = SurveyStatus.open, now, closes_at


async def close_survey(session: AsyncSession, survey: ModuleSurvey, *, now: datetime) -> None:
    survey.status, survey.closed_at = SurveyStatus.closed, now
    if survey.closes_at is None or survey.closes_at > now:
        survey.closes_at = now
    await session.flush()
    await survey_event(session, "survey.closed", survey)


async def issue_missing(session: AsyncSession, survey: ModuleSurvey) -> int:
    """One invitation (and its message) for each invited person who has none yet."""
    assert survey.closes_at is not None
    already = exists().where(SurveyInvitation.survey_id == survey.id, SurveyInvitation.nomination_id == Nomination.id)
    scope = (Nomination.module_id == survey.module_id, Nomination.status.in_(ON_ROSTER), ~already)
    supervisors: dict[uuid.UUID, Supervisor] = {}
    if survey.audience is SurveyAudience.supervisors:
        named = select(Nomination.id, Nomination.officer_id, Supervisor).join(
            Supervisor, Supervisor.nomination_id == Nomination.id
        )
        named_rows = list(
            await session.execute(
                internal(
                    named.where(*scope),
                    "the worker writes the links it issues to the supervisors focal points named; nothing is answered",
                )
            )
        )
        wanted = [(n, o) for n, o, _s in named_rows]
        supervisors = {n: s for n, _o, s in named_rows}
    else:
        participations = select(Nomination.id, Nomination.officer_id).where(*scope)
        rows = list(
            await session.execute(
                internal(participations, "the participations a survey invites: ids; people are read as recipients")
            )
        )
        wanted = [(n, o) for n, o in rows]
    if not wanted:
        return 0
    people = await recipients.officers(session, [o for _, o in wanted])  # not erased, with their address
    module = await load_module(session, survey.module_id)
    assert module is not None
    issued = 0
    for nomination_id, officer_id in sorted(wanted, key=lambda w: str(w[0])):
        person = people.get(officer_id)
        if person is None:  # erased: never written to, never asked
            continue
        supervisor = supervisors.get(nomination_id)
        language = recipients.language_of(supervisor.language) if supervisor else person.language
        token = rules.new_token()
        invitation = SurveyInvitation(
            survey_id=survey.id,
            nomination_id=nomination_id,
            token_hash=rules.token_hash(token),
            language=language,
            expires_at=survey.closes_at,
            issues=1,
            answered=False,
        )
        session.add(invitation)
        await session.flush()
        send_link(session, module, survey, invitation, token, person, supervisor)
        issued += 1
    return issued


def send_link(
    session: AsyncSession,
    module: ModuleFacts,
    survey: ModuleSurvey,
    invitation: SurveyInvitation,
    token: str,
    person: recipients.Person,
    supervisor: Supervisor | None,
) -> None:
    language = invitation.language
    store_survey_link(
        session,
        module,
        SurveyLinkLetter(
            cause_key=f"survey:{invitation.id}:{invitation.issues}",
            language=language,
            greeting=supervisor.name if supervisor else person.name(language),
            to_address=supervisor.email if supervisor else person.address,
            link=link_of(token),
            closes_at=invitation.expires_at,
            followup=survey.kind is SurveyKind.followup,
            supervisor_of=person.name(language) if supervisor else None,
            anonymous=survey.anonymous,
            officer_id=person.officer_id,
        ),
    )


async def open_due_surveys(session: AsyncSession, now: datetime, *, survey_id: uuid.UUID | None = None) -> Issued:
    """Open the surveys whose time came, issue the links still missing, close the ones past their
    time. Idempotent; flushes, never commits."""
    done = Issued()
    stmt = select(ModuleSurvey, Module.status).join(Module, Module.id == ModuleSurvey.module_id)
    stmt = stmt.where(ModuleSurvey.status.in_([SurveyStatus.scheduled, SurveyStatus.open]))
    if survey_id is not None:
        stmt = stmt.where(ModuleSurvey.id == survey_id)
    rows = list(await session.execute(stmt.order_by(ModuleSurvey.id).with_for_update(of=ModuleSurvey)))
    for survey, module_status in rows:
        delivered = await delivered_at(session, survey.module_id)
        w = None
        if survey.status is SurveyStatus.open and survey.closes_at is not None:
            w = rules.Window(survey.opened_at or now, survey.closes_at)
        elif delivered is not None:
            w = rules.window(delivered, open_after_days=survey.open_after_days, open_for_days=survey.open_for_days)
        step = rules.due_step(survey.status, now, delivered_at=delivered, took_place=module_status in TOOK_PLACE, w=w)
        if step == "close":
            await close_survey(session, survey, now=now)
            done.closed += 1
            continue
        if step == "open":
            assert w is not None
            await open_survey(session, survey, now=now, closes_at=w.closes_at)
            done.opened += 1
        if survey.status is SurveyStatus.open:
            issued = await issue_missing(session, survey)
            done.issued += issued
            if step == "open":
                await session.flush()
                await survey_event(session, "survey.opened", survey)
    await session.flush()
    return done
