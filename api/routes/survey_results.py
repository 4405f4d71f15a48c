"""Survey results: one module survey's, and a cycle's per kind (reaction or follow-up), optionally
for one agency and one period."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.deps import DbSession, holding
from api.problems import problems
from api.routing import CheckedRoute
from domain.auth.policy import REPORTS_READ
from domain.auth.principal import Principal
from domain.models.surveys import SurveyKind
from domain.schemas import Day
from domain.survey_results.schemas import ResultsKind, SurveyResults
from domain.survey_results.service import cycle_survey_results, module_survey_results

router = APIRouter(tags=["survey results"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(REPORTS_READ)]
AgencyFilter = Annotated[
    uuid.UUID | None, Query(description="Only respondents (and invitations) nominated by this agency's subtree")
]

_WHAT = (
    "The response rate (links issued and answered, in total and per agency); per questionnaire version and audience "
    "(results never mix versions): each rating question's answers, mean, 0-100 score and distribution by sex, and "
    "its mean per agency; each choice's count by sex; free-text answers for administrators and the programme's "
    "coordinators only (null for everyone else). The overall score over every rating answer, and for follow-ups "
    "the application rate (the single-choice question keyed 'applies', answer 'yes'). "
)
_WHO = (
    "Readers of reports: a coordinator for their programmes (another's is a 403), a focal point for their agency's "
    "subtree, observers and machine clients for every programme. Small cells of answers are withheld (null, named "
    "in `suppressed`) for everyone; invited/answered counts for observers and machine clients, as in the reports."
)


def _threshold(request: Request) -> int:
    return request.app.state.settings.report_suppression_threshold


@router.get(
    "/module-surveys/{survey_id:uuid}/results",
    response_model=SurveyResults,
    operation_id="get_module_survey_results",
    summary="Report one module survey's results",
    description=_WHAT + _WHO,
    responses=problems(404),
)
async def get_module_survey_results(
    request: Request, survey_id: uuid.UUID, db: DbSession, principal: Reader, agency_id: AgencyFilter = None
) -> SurveyResults:
    return await module_survey_results(
        db, principal=principal, survey_id=survey_id, agency_id=agency_id, threshold=_threshold(request)
    )


@router.get(
    "/cycles/{cycle_id:uuid}/survey-results",
    response_model=SurveyResults,
    operation_id="get_cycle_survey_results",
    summary="Report a cycle's survey results",
    description=_WHAT
    + "With from/to, the surveys of the modules whose last session falls in the period (as the cycle results). "
    + _WHO,
    responses=problems(404),
)
async def get_cycle_survey_results(
    request: Request,
    cycle_id: uuid.UUID,
    db: DbSession,
    principal: Reader,
    kind: Annotated[ResultsKind, Query(description="reaction or followup")] = ResultsKind.reaction,
    agency_id: AgencyFilter = None,
    date_from: Annotated[Day | None, Query(alias="from", description="First local date of the period")] = None,
    to: Annotated[Day | None, Query(description="Last local date of the period (inclusive)")] = None,
) -> SurveyResults:
    return await cycle_survey_results(
        db,
        principal=principal,
        cycle_id=cycle_id,
        kind=SurveyKind(kind.value),
        agency_id=agency_id,
        date_from=date_from,
        date_to=to,
        threshold=_threshold(request),
    )
