"""The survey results send the same number of SQL statements for four responses and for two
hundred more (and a second agency), per module and per cycle, for a coordinator (free texts read),
an observer and a focal point."""

from __future__ import annotations

from tests.api.catalogue_data import disciplines, programme  # noqa: F401  (fixtures)
from tests.api.enrolment_data import agency
from tests.api.notification_data import world  # noqa: F401
from tests.api.survey_results_data import add_responses, answered  # noqa: F401
from tests.api.test_surveys import public  # noqa: F401


async def _count(callers: dict, urls: list[tuple[str, dict]], statements) -> dict[str, int]:
    counts = {}
    for who, caller in callers.items():
        for url, params in urls:
            before = statements.count
            r = await caller.get(url, params=params)
            assert r.status_code == 200, (url, r.text)
            counts[f"{who} {url} {params}"] = statements.count - before
    return counts


async def test_statements_do_not_grow_with_responses(client, db, sign_in, answered, statements):  # noqa: F811
    survey, cycle = answered["survey"]["id"], answered["cycle"]["id"]
    urls = [
        (f"/module-surveys/{survey}/results", {}),
        (f"/cycles/{cycle}/survey-results", {"kind": "reaction"}),
        (f"/cycles/{cycle}/survey-results", {"kind": "reaction", "from": "2020-01-01", "to": "2040-12-31"}),
    ]
    callers = {
        "coordinator": answered["coordinator"],
        "observer": await sign_in("observer"),
        "focal": answered["focal"],
    }
    one = await _count(callers, urls, statements)
    other = await agency(client, "Counted Ministry")
    await add_responses(db, survey, 120, agency_id=other, sex="female")
    await add_responses(db, survey, 80, agency_id=answered["police"], sex="male")
    many = await _count(callers, urls, statements)
    body = (await answered["coordinator"].get(urls[0][0])).json()
    assert body["versions"][0]["respondents"]["total"] == 204  # the new responses are really counted
    assert len(body["versions"][0]["questions"][0]["by_agency"]) == 2
    assert many == one
    assert min(one.values()) > 0
