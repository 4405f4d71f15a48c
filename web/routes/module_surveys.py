"""A module's surveys for its coordinator (issue 22): the surveys attached (status, invited,
answered), a form to attach a reaction or follow-up survey, "issue links now", "print links" (a
printable page of new links for those who have not answered: the re-issue service), and each
open or closed survey's results (response rate, means by sex with withheld cells shown as such,
distributions as bars, free texts). Same services as the API; every form carries the form token."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import DbSession
from domain import errors as e
from domain import i18n
from domain.catalogue.module_service import get_module
from domain.i18n import N_
from domain.models.surveys import SurveyAudience, SurveyKind, SurveyStatus
from domain.survey_results.service import module_survey_results
from domain.surveys import module_surveys, questionnaires
from domain.surveys.schemas import ModuleSurveyCreate
from web.routes.desk_common import CheckedPlanner, Planner, percent, person
from web.templating import finish, render
from web.visitor import Visitor

router = APIRouter(prefix="/coordinator/modules/{module_id}/surveys", include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]
DONE = {
    "attached": N_("The survey is attached."),
    "issued": N_("The links are issued and sent."),
}


async def _page(
    request: Request,
    db: Any,
    visitor: Visitor,
    module_id: uuid.UUID,
    *,
    status_code: int = 200,
    message: str | None = None,
    refused: bool = False,
) -> Response:
    principal = person(visitor)
    surveys = await _surveys(db, visitor, module_id)
    module = await get_module(db, principal=principal, module_id=module_id)
    library = await questionnaires.list_questionnaires(db, principal=principal, limit=200, cursor=None)
    results = {
        s.survey.id: await module_survey_results(db, principal=principal, survey_id=s.survey.id)
        for s in surveys
        if s.survey.status is not SurveyStatus.scheduled
    }
    return render(
        request,
        visitor,
        "coordinator/surveys.html",
        status_code=status_code,
        m=module,
        surveys=surveys,
        library=library[0],
        titles={q.id: q for q in library[0]},
        results=results,
        message=message,
        refused=refused,
        pct=percent(visitor),
    )


@router.get("")
async def surveys_page(
    request: Request, db: DbSession, visitor: Planner, module_id: uuid.UUID, done: str | None = None
) -> Response:
    message = i18n.gettext(visitor.lang, DONE[done]) if done in DONE else None
    return await _page(request, db, visitor, module_id, message=message)


def _back(request: Request, visitor: Visitor, module_id: uuid.UUID, done: str) -> Response:
    response = RedirectResponse(f"/coordinator/modules/{module_id}/surveys?done={done}", status_code=303)
    finish(request, visitor, response)
    return response


def _said(visitor: Visitor, exc: e.DomainError) -> str:
    """A refusal in the reader's language."""
    return str(i18n.localized(exc.message or exc.detail, visitor.lang))


def _days(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


@router.post("")
async def attach(
    request: Request,
    db: DbSession,
    visitor: CheckedPlanner,
    module_id: uuid.UUID,
    questionnaire_id: Text = "",
    kind: Text = "",
    audience: Text = "participants",
    open_after_days: Text = "",
    open_for_days: Text = "",
) -> Response:
    try:
        data = ModuleSurveyCreate(
            questionnaire_id=uuid.UUID(questionnaire_id),
            kind=SurveyKind(kind),
            audience=SurveyAudience(audience),
            open_after_days=_days(open_after_days),
            open_for_days=_days(open_for_days),
        )
    except ValueError:  # a malformed id, kind or number: the form again, nothing changed
        text = i18n.gettext(visitor.lang, N_("Choose a questionnaire and a kind, and give days as whole numbers."))
        return await _page(request, db, visitor, module_id, status_code=422, message=text, refused=True)
    present = await _surveys(db, visitor, module_id)
    if any((v.survey.kind, v.survey.audience) == (data.kind, data.audience) for v in present):
        # Checked here, not left to the unique constraint, so that the page can be shown again.
        text = i18n.gettext(visitor.lang, N_("This module already has a survey of that kind for that audience."))
        return await _page(request, db, visitor, module_id, status_code=409, message=text, refused=True)
    try:
        await module_surveys.attach_survey(db, principal=person(visitor), module_id=module_id, data=data)
    except (e.Conflict, e.RuleViolation, e.InvalidInput) as exc:
        text = _said(visitor, exc)
        return await _page(request, db, visitor, module_id, status_code=409, message=text, refused=True)
    return _back(request, visitor, module_id, "attached")


@router.post("/{survey_id}/issue")
async def issue(
    request: Request, db: DbSession, visitor: CheckedPlanner, module_id: uuid.UUID, survey_id: uuid.UUID
) -> Response:
    await _owned(db, visitor, module_id, survey_id)
    try:
        await module_surveys.issue_now(db, principal=person(visitor), survey_id=survey_id)
    except (e.Conflict, e.RuleViolation) as exc:
        text = _said(visitor, exc)
        return await _page(request, db, visitor, module_id, status_code=409, message=text, refused=True)
    return _back(request, visitor, module_id, "issued")


@router.post("/{survey_id}/print")
async def print_links(
    request: Request, db: DbSession, visitor: CheckedPlanner, module_id: uuid.UUID, survey_id: uuid.UUID
) -> Response:
    """New links for the unanswered, shown once to print (the e-mailed ones stop working)."""
    survey = await _owned(db, visitor, module_id, survey_id)
    links = await module_surveys.printable_links(db, principal=person(visitor), survey_id=survey_id)
    module = await get_module(db, principal=person(visitor), module_id=module_id)
    return render(request, visitor, "coordinator/survey_links.html", m=module, s=survey, links=links)


async def _surveys(db: Any, visitor: Visitor, module_id: uuid.UUID) -> list[module_surveys.SurveyView]:
    """The module's surveys; another programme's module answers like a missing page, as the module page does."""
    try:
        return await module_surveys.list_surveys(db, principal=person(visitor), module_id=module_id)
    except e.Forbidden:
        raise e.NotFound(i18n.translatable("No such survey.")) from None


async def _owned(db: Any, visitor: Visitor, module_id: uuid.UUID, survey_id: uuid.UUID) -> Any:
    """The survey, if it is this module's (else the missing page)."""
    try:
        view = await module_surveys.get_survey(db, principal=person(visitor), survey_id=survey_id)
    except e.Forbidden:
        view = None
    if view is None or view.survey.module_id != module_id:
        raise e.NotFound(i18n.translatable("No such survey."), entity="module_surveys", id=str(survey_id))
    return view.survey
