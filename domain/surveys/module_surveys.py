"""The surveys a module runs: attached, read, removed (while scheduled), opened by hand ("issue
links now"), and their links re-issued for printing. Administrators and the coordinators of the
module's programme (as other module writes); every write audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import nominations, officers
from domain.access.plans import authorize_programme
from domain.audit.service import record_change
from domain.auth.policy import PLANNING_WRITE, authorize
from domain.auth.principal import Principal
from domain.crud import check_version, create_entity, get_or_404
from domain.db import utcnow
from domain.errors import Conflict
from domain.i18n import translatable
from domain.models.catalogue import Module, ModuleStatus
from domain.models.enrolment import Nomination
from domain.models.officers import Officer
from domain.models.surveys import (
    ModuleSurvey,
    Questionnaire,
    Supervisor,
    SurveyAudience,
    SurveyInvitation,
    SurveyKind,
    SurveyStatus,
)
from domain.surveys import issuing, rules
from domain.surveys.schemas import ModuleSurveyCreate, PrintableLink, PrintableLinks

ENTITY = "module survey"
NOT_OPENABLE = (ModuleStatus.cancelled, ModuleStatus.draft)


@dataclass
class SurveyView:
    """A survey with its counts (ModuleSurveyRead)."""

    survey: ModuleSurvey
    invited: int
    answered: int

    def __getattr__(self, name: str) -> object:
        return getattr(self.survey, name)


async def _view(session: AsyncSession, survey: ModuleSurvey) -> SurveyView:
    invited, answered = await issuing.counts(session, survey.id)
    return SurveyView(survey, invited, answered)


async def _module(session: AsyncSession, principal: Principal, module_id: uuid.UUID) -> Module:
    authorize(principal, PLANNING_WRITE)
    module = await get_or_404(session, Module, module_id)
    await authorize_programme(session, principal, module_id=module_id)
    return module


async def _survey(session: AsyncSession, principal: Principal, survey_id: uuid.UUID) -> ModuleSurvey:
    authorize(principal, PLANNING_WRITE)
    survey = await get_or_404(session, ModuleSurvey, survey_id)
    await authorize_programme(session, principal, module_id=survey.module_id)
    return survey


async def attach_survey(
    session: AsyncSession, *, principal: Principal, module_id: uuid.UUID, data: ModuleSurveyCreate
) -> SurveyView:
    await _module(session, principal, module_id)
    await get_or_404(session, Questionnaire, data.questionnaire_id)
    if data.kind is SurveyKind.reaction and data.audience is SurveyAudience.supervisors:
        raise Conflict(
            translatable("Supervisors are asked in follow-up surveys only."),
            code="survey-audience",
            title="Survey audience",
            field="audience",
        )
    survey = ModuleSurvey(
        module_id=module_id,
        questionnaire_id=data.questionnaire_id,
        kind=data.kind,
        audience=data.audience,
        anonymous=rules.DEFAULT_ANONYMOUS[data.kind] if data.anonymous is None else data.anonymous,
        open_after_days=rules.DEFAULT_OPEN_AFTER[data.kind] if data.open_after_days is None else data.open_after_days,
        open_for_days=rules.DEFAULT_OPEN_FOR[data.kind] if data.open_for_days is None else data.open_for_days,
        status=SurveyStatus.scheduled,
        created_by=principal.name,
    )
    fields = ["questionnaire_id", "kind", "audience", "anonymous", "open_after_days", "open_for_days"]
    await create_entity(session, principal=principal, entity=ENTITY, obj=survey, audit_fields=fields)
    return SurveyView(survey, 0, 0)


async def list_surveys(session: AsyncSession, *, principal: Principal, module_id: uuid.UUID) -> list[SurveyView]:
    await _module(session, principal, module_id)
    rows = await session.scalars(
        select(ModuleSurvey).where(ModuleSurvey.module_id == module_id).order_by(ModuleSurvey.created_at)
    )
    return [await _view(session, s) for s in rows]


async def get_survey(session: AsyncSession, *, principal: Principal, survey_id: uuid.UUID) -> SurveyView:
    return await _view(session, await _survey(session, principal, survey_id))


async def delete_survey(
    session: AsyncSession, *, principal: Principal, survey_id: uuid.UUID, expected_version: int | None
) -> None:
    """Only a scheduled survey (no link issued) is removed; an opened one keeps its record."""
    survey = await _survey(session, principal, survey_id)
    check_version(survey, expected_version)
    if survey.status is not SurveyStatus.scheduled:
        raise Conflict(
            translatable("The survey has opened: it stays on record."), code="survey-opened", title="Survey opened"
        )
    await session.delete(survey)
    await session.flush()
    record_change(session, principal=principal, action="deleted", entity=ENTITY, entity_id=survey_id)


async def issue_now(
    session: AsyncSession, *, principal: Principal, survey_id: uuid.UUID, now: datetime | None = None
) -> issuing.Issued:
    """Open a scheduled survey now (closing open_for_days later) and issue the links missing."""
    survey = await _survey(session, principal, survey_id)
    now = now or utcnow()
    if survey.status is SurveyStatus.closed:
        raise Conflict(translatable("The survey is closed."), code="survey-closed", title="Survey closed")
    opened = 0
    if survey.status is SurveyStatus.scheduled:
        module = await get_or_404(session, Module, survey.module_id)
        if module.status in NOT_OPENABLE:
            raise Conflict(
                translatable("A survey opens only for a module that is planned or took place."),
                code="survey-module-not-held",
                title="Module not held",
            )
        await issuing.open_survey(session, survey, now=now, closes_at=now + timedelta(days=survey.open_for_days))
        opened = 1
    issued = await issuing.issue_missing(session, survey)
    await session.flush()
    if opened:
        await issuing.survey_event(session, "survey.opened", survey)
    record_change(
        session,
        principal=principal,
        action="links issued",
        entity=ENTITY,
        entity_id=survey.id,
        changes={"status": (None, survey.status), "issued": (None, issued)},
    )
    return issuing.Issued(opened=opened, issued=issued)


async def printable_links(session: AsyncSession, *, principal: Principal, survey_id: uuid.UUID) -> PrintableLinks:
    """Re-issue the links of the invitations not answered yet and return them, to print: each one
    replaces the link sent before (only hashes are kept, so a link can be shown only when made)."""
    survey = await _survey(session, principal, survey_id)
    if survey.status is not SurveyStatus.open or survey.closes_at is None:
        raise Conflict(
            translatable("Links are printed while the survey is open."), code="survey-not-open", title="Survey not open"
        )
    rows = list(
        await session.execute(
            select(SurveyInvitation, Nomination.officer_id)
            .join(Nomination, Nomination.id == SurveyInvitation.nomination_id)
            .where(SurveyInvitation.survey_id == survey.id, nominations(principal))
            .order_by(SurveyInvitation.id)
        )
    )
    names = await _names(session, principal, survey, [inv.nomination_id for inv, _ in rows])
    items = []
    for invitation, _officer_id in rows:
        url = None
        if not invitation.answered:
            token = rules.new_token()
            invitation.token_hash, invitation.issues = rules.token_hash(token), invitation.issues + 1
            url = issuing.link_of(token)
        items.append(
            PrintableLink(
                invitation_id=invitation.id,
                nomination_id=invitation.nomination_id,
                name=names.get(invitation.nomination_id, ""),
                language=invitation.language,
                answered=invitation.answered,
                url=url,
            )
        )
    await session.flush()
    record_change(
        session,
        principal=principal,
        action="links reissued",
        entity=ENTITY,
        entity_id=survey.id,
        changes={"reissued": (None, sum(1 for i in items if i.url))},
    )
    return PrintableLinks(survey_id=survey.id, expires_at=survey.closes_at, items=items)


async def _names(
    session: AsyncSession, principal: Principal, survey: ModuleSurvey, nomination_ids: list[uuid.UUID]
) -> dict[uuid.UUID, str]:
    if survey.audience is SurveyAudience.supervisors:
        named = await session.execute(
            select(Supervisor.nomination_id, Supervisor.name)
            .join(Nomination, Nomination.id == Supervisor.nomination_id)
            .where(Supervisor.nomination_id.in_(nomination_ids), nominations(principal))
        )
        return {n: name for n, name in named}
    rows = await session.execute(
        select(Nomination.id, Officer.full_name_ar, Officer.name_latin)
        .join(Officer, Officer.id == Nomination.officer_id)
        .where(Nomination.id.in_(nomination_ids), nominations(principal), officers(principal))
    )
    return {n: f"{ar} ({latin})" for n, ar, latin in rows}
