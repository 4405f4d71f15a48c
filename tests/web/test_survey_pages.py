"""A module's surveys page, as its coordinator uses it: the surveys with their counts, the results
(mean by sex withheld where one man answered, bars, free texts), a survey attached through the
form, links issued now and printed (the printed links open the survey; the mailed ones die)."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from domain.models.surveys import SurveyInvitation
from tests.api.catalogue_data import disciplines, programme  # noqa: F401  (fixtures)
from tests.api.notification_data import world  # noqa: F401
from tests.api.survey_results_data import answered  # noqa: F401
from tests.api.test_surveys import public  # noqa: F401

LINK = re.compile(r"/s/([A-Za-z0-9_-]{43})")


async def test_the_coordinator_reads_results_attaches_and_prints(person, answered, public, programme):  # noqa: F811
    desk = await person("coordinator", programme_ids=[uuid.UUID(programme["id"])])
    base = f"/coordinator/modules/{answered['module']['id']}/surveys"
    module_page = await desk.get(f"/coordinator/modules/{answered['module']['id']}")
    assert f'href="{base}"' in module_page.text
    page = await desk.get(base)
    assert page.status_code == 200, page.text
    text = page.text
    assert "Reaction survey" in text and "Reaction questionnaire" in text
    assert "withheld" in text  # the women's and the men's means: one man answered
    assert "3.75" in text and "<meter" in text and "Too long" in text  # mean, bars, free texts
    assert "Issue links now" in text and "Print links" in text
    for label in ('for="attach-questionnaire"', 'for="attach-kind"', 'for="attach-after"', 'for="attach-for"'):
        assert label in text

    attached = await desk.submit(base, {"questionnaire_id": answered["questionnaire"]["id"], "kind": "followup"})
    assert attached.status_code == 303 and attached.headers["location"] == f"{base}?done=attached"
    after = await desk.get(attached.headers["location"])
    assert "The survey is attached." in after.text and "Follow-up survey" in after.text and "Scheduled" in after.text
    twice = await desk.submit(base, {"questionnaire_id": answered["questionnaire"]["id"], "kind": "followup"})
    assert twice.status_code == 409
    bad = await desk.submit(base, {"questionnaire_id": "nope", "kind": "reaction"})
    assert bad.status_code == 422

    survey = answered["survey"]["id"]
    printed = await desk.submit(f"{base}/{survey}/print")
    assert printed.status_code == 200
    tokens = LINK.findall(printed.text)
    assert len(tokens) == 1  # the one who has not answered; the four who did are listed as answered
    assert printed.text.count("answered") >= 4
    assert (await public.get(f"/api/v1/survey-responses/{tokens[0]}")).status_code == 200
    issued = await desk.submit(f"{base}/{survey}/issue")
    assert issued.status_code == 303

    arabic = await person("coordinator", programme_ids=[uuid.UUID(programme["id"])], language="ar")
    shown = await arabic.get(base)
    assert shown.status_code == 200 and 'dir="rtl"' in shown.text
    assert "استبيان رد الفعل" in shown.text and "محجوب" in shown.text  # the questionnaire's title, "withheld"


async def test_others_get_the_missing_page(person, answered):  # noqa: F811
    stranger = await person("coordinator", programme_ids=[])
    base = f"/coordinator/modules/{answered['module']['id']}/surveys"
    assert (await stranger.get(base)).status_code == 404
    observer = await person("observer")
    assert (await observer.get(base)).status_code == 404


async def test_the_dashboard_lists_a_module_below_the_cycles_alert(person, client, answered, programme):  # noqa: F811
    desk = await person("coordinator", programme_ids=[uuid.UUID(programme["id"])])
    assert (
        await client.patch(f"/cycles/{answered['cycle']['id']}", json={"reaction_alert_below": 80})
    ).status_code == 200
    page = await desk.get("/coordinator")
    section = page.text.split('id="reaction"')[1].split("</section>")[0]
    assert f"/coordinator/modules/{answered['module']['id']}/surveys" in section
    assert "Score 74.65 of 100 from 4 respondents" in section


async def test_another_programmes_coordinator_cannot_print_or_issue(person, answered, db):  # noqa: F811
    stranger = await person("coordinator", programme_ids=[])
    base = f"/coordinator/modules/{answered['module']['id']}/surveys/{answered['survey']['id']}"
    before = list(await db.scalars(select(SurveyInvitation.token_hash).order_by(SurveyInvitation.id)))
    assert (await stranger.submit(f"{base}/print")).status_code == 404
    assert (await stranger.submit(f"{base}/issue")).status_code == 404
    assert list(await db.scalars(select(SurveyInvitation.token_hash).order_by(SurveyInvitation.id))) == before
