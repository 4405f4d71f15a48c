"""Surveys: questionnaires (versioned), the surveys a module runs, supervisors named by focal
points, and answering with a personal link (no sign-in)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, link_next, set_etag
from api.problems import problems
from api.routing import CheckedRoute
from api.urls import absolute_url
from domain.auth.policy import NOMINATIONS_READ, NOMINATIONS_WRITE, PLANNING_WRITE
from domain.auth.principal import Principal
from domain.models.surveys import Supervisor
from domain.pagination import Page
from domain.surveys import answering, module_surveys, questionnaires, supervisors
from domain.surveys.questionnaires import QuestionnaireView
from domain.surveys.schemas import (
    ModuleSurveyCreate,
    ModuleSurveyRead,
    PrintableLinks,
    QuestionnaireCreate,
    QuestionnaireRead,
    QuestionnaireSummary,
    QuestionnaireUpdate,
    ResponseWrite,
    SupervisorRead,
    SupervisorWrite,
    SurveyForm,
    SurveyLinksIssued,
)

router = APIRouter(tags=["surveys"], route_class=CheckedRoute)
public = APIRouter(tags=["surveys"], route_class=CheckedRoute)
Planner = Annotated[Principal, holding(PLANNING_WRITE)]
NominationReader = Annotated[Principal, holding(NOMINATIONS_READ)]
NominationWriter = Annotated[Principal, holding(NOMINATIONS_WRITE)]
Token = Annotated[str, Path(min_length=1, max_length=200, description="The token of a personal link")]

_PLANNERS = " Administrators and coordinators of the module's programme; audited."
_LINK = (
    " No sign-in: the token is the credential. An unknown, expired, re-issued or closed link is a 404 like any "
    "missing page, and changes nothing."
)


@router.post(
    "/questionnaires",
    response_model=QuestionnaireRead,
    status_code=201,
    operation_id="create_questionnaire",
    summary="Create a questionnaire",
    description="A reusable template of questions (rating_5, rating_10, single_choice, multiple_choice, free_text), "
    "each in Arabic and English. Administrators and coordinators; audited.",
    responses=problems(),
)
async def create_questionnaire(
    data: QuestionnaireCreate, request: Request, response: Response, db: DbSession, principal: Planner
) -> QuestionnaireView:
    view = await questionnaires.create_questionnaire(db, principal=principal, data=data)
    set_etag(response, view.questionnaire.version)
    response.headers["Location"] = absolute_url(request, f"/api/v1/questionnaires/{view.questionnaire.id}")
    return view


@router.get(
    "/questionnaires",
    response_model=Page[QuestionnaireSummary],
    operation_id="list_questionnaires",
    summary="List questionnaires",
    description="In order of their English title. Administrators and coordinators.",
    responses=problems(),
)
async def list_questionnaires(
    request: Request, response: Response, db: DbSession, principal: Planner, paging: Paging
) -> dict[str, Any]:
    items, next_cursor = await questionnaires.list_questionnaires(
        db, principal=principal, limit=paging.limit, cursor=paging.cursor
    )
    link_next(request, response, next_cursor)
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/questionnaires/{questionnaire_id:uuid}",
    response_model=QuestionnaireRead,
    operation_id="get_questionnaire",
    summary="Get a questionnaire with its current version's questions",
    responses=problems(404),
)
async def get_questionnaire(
    questionnaire_id: uuid.UUID, response: Response, db: DbSession, principal: Planner
) -> QuestionnaireView:
    view = await questionnaires.get_questionnaire(db, principal=principal, questionnaire_id=questionnaire_id)
    set_etag(response, view.questionnaire.version)
    return view


@router.put(
    "/questionnaires/{questionnaire_id:uuid}",
    response_model=QuestionnaireRead,
    operation_id="update_questionnaire",
    summary="Change a questionnaire (a new version once answered)",
    description="Replaces the titles and questions. If the current version has an answer, the content becomes a new "
    "version (current_version + 1) and surveys already open keep theirs; otherwise it changes in place. With "
    "If-Match, a questionnaire changed since is a 412. Administrators and coordinators; audited.",
    responses=problems(404, 412),
)
async def update_questionnaire(
    questionnaire_id: uuid.UUID,
    data: QuestionnaireUpdate,
    response: Response,
    db: DbSession,
    principal: Planner,
    version: IfMatch,
) -> QuestionnaireView:
    view = await questionnaires.update_questionnaire(
        db, principal=principal, questionnaire_id=questionnaire_id, data=data, expected_version=version
    )
    set_etag(response, view.questionnaire.version)
    return view


@router.post(
    "/modules/{module_id:uuid}/surveys",
    response_model=ModuleSurveyRead,
    status_code=201,
    operation_id="attach_module_survey",
    summary="Attach a reaction or follow-up survey to a module",
    description="A reaction survey opens when the module's last session ends (open_after_days 0) and stays open "
    "open_for_days (14); a follow-up opens open_after_days (90) after it, for participants or for the supervisors "
    "focal points named, for open_for_days (30). Reaction surveys are anonymous unless told otherwise. One per "
    "module, kind and audience (a 409)." + _PLANNERS,
    responses=problems(404, 409),
)
async def attach_module_survey(
    module_id: uuid.UUID,
    data: ModuleSurveyCreate,
    request: Request,
    response: Response,
    db: DbSession,
    principal: Planner,
) -> module_surveys.SurveyView:
    view = await module_surveys.attach_survey(db, principal=principal, module_id=module_id, data=data)
    set_etag(response, view.survey.version)
    response.headers["Location"] = absolute_url(request, f"/api/v1/module-surveys/{view.survey.id}")
    return view


@router.get(
    "/modules/{module_id:uuid}/surveys",
    response_model=list[ModuleSurveyRead],
    operation_id="list_module_surveys",
    summary="List a module's surveys, with how many links were issued and answered",
    description="Administrators and coordinators of the module's programme.",
    responses=problems(404),
)
async def list_module_surveys(
    module_id: uuid.UUID, db: DbSession, principal: Planner
) -> list[module_surveys.SurveyView]:
    return await module_surveys.list_surveys(db, principal=principal, module_id=module_id)


@router.get(
    "/module-surveys/{survey_id:uuid}",
    response_model=ModuleSurveyRead,
    operation_id="get_module_survey",
    summary="Get a module's survey",
    responses=problems(404),
)
async def get_module_survey(
    survey_id: uuid.UUID, response: Response, db: DbSession, principal: Planner
) -> module_surveys.SurveyView:
    view = await module_surveys.get_survey(db, principal=principal, survey_id=survey_id)
    set_etag(response, view.survey.version)
    return view


@router.delete(
    "/module-surveys/{survey_id:uuid}",
    status_code=204,
    operation_id="delete_module_survey",
    summary="Remove a survey that has not opened",
    description="An opened survey stays on record (a 409)." + _PLANNERS,
    responses=problems(404, 409, 412),
)
async def delete_module_survey(survey_id: uuid.UUID, db: DbSession, principal: Planner, version: IfMatch) -> Response:
    await module_surveys.delete_survey(db, principal=principal, survey_id=survey_id, expected_version=version)
    return Response(status_code=204)


@router.post(
    "/module-surveys/{survey_id:uuid}/issue",
    response_model=SurveyLinksIssued,
    operation_id="issue_module_survey_links",
    summary="Issue the links now",
    description="Opens a scheduled survey now (closing open_for_days later) and issues a link, sent as a message, "
    "to each invited person who has none. The worker does the same on schedule; calling it again issues only what "
    "is missing. A closed survey, or a module cancelled or in draft, is a 409." + _PLANNERS,
    responses=problems(404, 409),
)
async def issue_module_survey_links(survey_id: uuid.UUID, db: DbSession, principal: Planner) -> SurveyLinksIssued:
    done = await module_surveys.issue_now(db, principal=principal, survey_id=survey_id)
    return SurveyLinksIssued(opened=done.opened, issued=done.issued, closed=done.closed)


@router.post(
    "/module-surveys/{survey_id:uuid}/printable-links",
    response_model=PrintableLinks,
    operation_id="reissue_printable_links",
    summary="Re-issue the unanswered links, to print them",
    description="Only hashes of links are kept, so a link can be shown only when it is made: each invitation not "
    "answered yet gets a new link, returned here, and the one sent before stops working. Answered invitations keep "
    "theirs (listed without a link). The survey must be open (a 409)." + _PLANNERS,
    responses=problems(404, 409),
)
async def reissue_printable_links(survey_id: uuid.UUID, db: DbSession, principal: Planner) -> PrintableLinks:
    return await module_surveys.printable_links(db, principal=principal, survey_id=survey_id)


@router.get(
    "/nominations/{nomination_id:uuid}/supervisor",
    response_model=SupervisorRead,
    operation_id="get_supervisor",
    summary="Get the supervisor named for a participation",
    description="Those who may see the nomination (a focal point: their agency's).",
    responses=problems(404),
)
async def get_supervisor(nomination_id: uuid.UUID, db: DbSession, principal: NominationReader) -> Supervisor:
    return await supervisors.get_supervisor(db, principal=principal, nomination_id=nomination_id)


@router.put(
    "/nominations/{nomination_id:uuid}/supervisor",
    response_model=SupervisorRead,
    operation_id="name_supervisor",
    summary="Name the supervisor of a participation",
    description="Asked the supervisors' follow-up survey, in their language. The focal point of the participant's "
    "agency, coordinators of the module's programme, administrators; a nomination you may not see is a 404, one not "
    "on the roster a 409. Audited.",
    responses=problems(404, 409),
)
async def name_supervisor(
    nomination_id: uuid.UUID, data: SupervisorWrite, db: DbSession, principal: NominationWriter
) -> Supervisor:
    return await supervisors.name_supervisor(db, principal=principal, nomination_id=nomination_id, data=data)


@router.delete(
    "/nominations/{nomination_id:uuid}/supervisor",
    status_code=204,
    operation_id="remove_supervisor",
    summary="Remove the supervisor named for a participation",
    responses=problems(404),
)
async def remove_supervisor(nomination_id: uuid.UUID, db: DbSession, principal: NominationWriter) -> Response:
    await supervisors.remove_supervisor(db, principal=principal, nomination_id=nomination_id)
    return Response(status_code=204)


@public.get(
    "/survey-responses/{token}",
    response_model=SurveyForm,
    operation_id="get_survey_form",
    summary="The questions a personal link asks, and its answer so far",
    description="The module's title and the questions in the link's language (or ?lang=ar|en); never a person." + _LINK,
    responses=problems(404, public=True),
)
async def get_survey_form(
    token: Token,
    db: DbSession,
    lang: Annotated[str | None, Query(max_length=35, description="ar or en")] = None,
) -> SurveyForm:
    return await answering.survey_form(db, token=token, language=lang)


@public.put(
    "/survey-responses/{token}",
    response_model=SurveyForm,
    operation_id="answer_survey",
    summary="Answer (or change the answer) with a personal link",
    description="One answer per link, replaced by each PUT until the survey closes. Answers are checked against the "
    "questions (a 422 naming each: answers.<key>)." + _LINK,
    responses=problems(404, 422, public=True),
)
async def answer_survey(token: Token, data: ResponseWrite, db: DbSession) -> SurveyForm:
    return await answering.answer(db, token=token, answers=data.answers)
