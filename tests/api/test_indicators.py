"""A cycle's logframe indicators (issue 22, item 5): writing them, the approved indicator's fixed
disaggregation, entered values with evidence, and the indicator report for a period, whose
computed figures are those of the existing reports for the same filters."""

from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from domain.models.indicators import IndicatorValue
from tests.api import report_data
from tests.api.catalogue_data import disciplines, programme  # noqa: F401  (fixtures)

INDICATORS = [
    ("OP-1", "Individuals trained", "persons", "trained_individuals", "sex"),
    ("OP-2", "Women's share of individuals trained", "percent", "women_share", "none"),
    ("OP-3", "Individuals with increased knowledge", "persons", "increased_knowledge", "sex"),
    ("OP-4", "Participants rating the course useful", "mean score", "reaction_mean", "none"),
    ("OP-5", "Trainees applying what they learnt", "percent", "followup_application_rate", "sex"),
    ("OP-6", "SOPs adopted by partner agencies", "documents", "entered", "none"),
]


@pytest.fixture
async def scenario(client, db, programme, disciplines):  # noqa: F811
    return await report_data.build(client, db, programme)


async def add(client, cycle_id: str, code, title, unit, source, disaggregation, **extra) -> dict:
    body = {"code": code, "title": title, "unit": unit, "source": source, "disaggregation": disaggregation}
    r = await client.post(f"/cycles/{cycle_id}/indicators", json=body | {"baseline": 0, "target": 100} | extra)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture
async def logframe(client, scenario) -> dict[str, dict]:
    return {spec[0]: await add(client, scenario.cycle_id, *spec) for spec in INDICATORS}


async def report(caller, cycle_id: str, **params) -> dict:
    r = await caller.get(f"/cycles/{cycle_id}/indicator-report", params=params)
    assert r.status_code == 200, r.text
    return {row["code"]: row for row in r.json()["indicators"]}


async def test_write_read_and_the_approved_disaggregation(client, db, scenario):
    s = scenario
    made = await add(client, s.cycle_id, "OC-1", "Individuals trained", "persons", "trained_individuals", "sex")
    url = f"/cycles/{s.cycle_id}/indicators/{made['id']}"
    assert made["approved"] is False and made["cycle_id"] == s.cycle_id
    again = await client.post(f"/cycles/{s.cycle_id}/indicators", json={**made_body(), "code": "OC-1"})
    assert again.status_code == 409  # a code is unique in its cycle
    r = await client.patch(url, json={"disaggregation": "none", "approved": True}, headers={"If-Match": '"1"'})
    assert r.status_code == 200 and r.json()["approved"] is True, r.text
    refused = await client.patch(url, json={"disaggregation": "sex"})
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["field"] == "disaggregation" and "disaggregation" in refused.json()["detail"]
    assert (await client.patch(url, json={"approved": False})).json()["field"] == "approved"
    same = await client.patch(url, json={"disaggregation": "none", "target": 250})  # unchanged: allowed
    assert same.status_code == 200 and same.json()["target"] == 250
    assert (await client.delete(url)).status_code == 409  # an approved indicator stays
    listed = (await client.get(f"/cycles/{s.cycle_id}/indicators")).json()["items"]
    assert [i["code"] for i in listed] == ["OC-1"]
    audit = (await client.get("/audit", params={"entity": "indicator", "entity_id": made["id"]})).json()["items"]
    assert {e["action"] for e in audit} >= {"created", "updated"}
    draft = await add(client, s.cycle_id, "OC-2", "Draft", "persons", "entered", "none")
    assert (await client.delete(f"/cycles/{s.cycle_id}/indicators/{draft['id']}")).status_code == 204
    assert (await client.get(f"/cycles/{s.cycle_id}/indicators/{draft['id']}")).status_code == 404
    assert (await client.get(f"/cycles/{s.other_cycle_id}/indicators/{made['id']}")).status_code == 404


def made_body() -> dict:
    return {"title": "Again", "unit": "persons", "source": "entered", "disaggregation": "none"}


async def test_who_writes_and_who_reads(sign_in, client, scenario, logframe):
    s = scenario
    mine = await sign_in("coordinator", programme_ids=[uuid.UUID(s.programme_id)])
    other = await sign_in("coordinator", programme_ids=[uuid.UUID(s.other_programme_id)])
    body = {"code": "OC-9", "title": "T", "unit": "u", "source": "entered"}
    assert (await mine.post(f"/cycles/{s.cycle_id}/indicators", json=body)).status_code == 201
    assert (await other.post(f"/cycles/{s.cycle_id}/indicators", json=body | {"code": "OC-8"})).status_code == 403
    assert (await other.get(f"/cycles/{s.cycle_id}/indicator-report")).status_code == 403
    assert (await other.get(f"/cycles/{s.cycle_id}/indicators")).status_code == 403
    observer = await sign_in("observer")
    assert (await observer.post(f"/cycles/{s.cycle_id}/indicators", json=body)).status_code == 403
    assert (await observer.get(f"/cycles/{s.cycle_id}/indicators")).status_code == 200
    assert (await client.get(f"/cycles/{uuid.uuid4()}/indicator-report")).status_code == 404


async def test_computed_figures_equal_the_existing_reports(client, scenario, logframe):
    s = scenario
    for period, params in (({}, {}), ({"period_start": "2025-02-01", "period_end": "2025-02-28"}, None)):
        params = params if params is not None else {"from": period["period_start"], "to": period["period_end"]}
        rows = await report(client, s.cycle_id, **period)
        results = (await client.get(f"/reports/cycles/{s.cycle_id}/results", params=params)).json()
        knowledge = (await client.get(f"/reports/cycles/{s.cycle_id}/knowledge-gain", params=params)).json()
        trained = results["individuals_trained"]
        assert (rows["OP-1"]["current_value"], rows["OP-1"]["female"], rows["OP-1"]["male"]) == (
            trained["total"],
            trained["female"],
            trained["male"],
        )
        assert rows["OP-2"]["current_value"] == round(results["female_share"]["female_share"] * 100, 1)
        assert rows["OP-2"]["female"] is None  # no disaggregation
        gained = knowledge["increased"]
        assert (rows["OP-3"]["current_value"], rows["OP-3"]["female"], rows["OP-3"]["male"]) == (
            gained["total"],
            gained["female"],
            gained["male"],
        )
        assert rows["OP-3"]["denominator"] == knowledge["tested"]["total"]
        assert all(rows[c]["status"] == "computed" for c in ("OP-1", "OP-2", "OP-3"))
    whole = await report(client, s.cycle_id)
    assert whole["OP-1"]["current_value"] == 28 and whole["OP-3"]["current_value"] == 18
    # No survey in the scenario: computed, with nothing to show.
    assert whole["OP-4"]["status"] == whole["OP-5"]["status"] == "computed"
    assert whole["OP-4"]["current_value"] is None and whole["OP-4"]["denominator"] == 0
    assert whole["OP-6"]["status"] == "not_entered"
    assert [r["code"] for r in whole.values()] == [spec[0] for spec in INDICATORS]
    assert whole["OP-1"]["baseline"] == 0 and whole["OP-1"]["target"] == 100 and whole["OP-1"]["unit"] == "persons"


async def test_entered_values_with_their_evidence(client, db, scenario, logframe):
    s = scenario
    values = f"/cycles/{s.cycle_id}/indicators/{logframe['OP-6']['id']}/values"
    for start, end, value in (("2025-01-01", "2025-06-30", 2), ("2025-07-01", "2025-12-31", 5)):
        r = await client.post(
            values,
            json={
                "period_start": start,
                "period_end": end,
                "value": value,
                "evidence": f"Adoption letters, {start[:7]}",
                "evidence_url": "https://example.org/letters",
            },
        )
        assert r.status_code == 201, r.text
    assert (await client.get(values)).json()["items"][0]["value"] == 2
    first = await report(client, s.cycle_id, period_start="2025-01-01", period_end="2025-06-30")
    assert first["OP-6"]["status"] == "entered" and first["OP-6"]["current_value"] == 2
    assert first["OP-6"]["evidence"] == "Adoption letters, 2025-01"
    year = await report(client, s.cycle_id, period_start="2025-01-01", period_end="2025-12-31")
    assert year["OP-6"]["current_value"] == 5  # the latest period within the one asked for
    twice = await client.post(
        values, json={"period_start": "2025-01-01", "period_end": "2025-06-30", "value": 3, "evidence": "Again"}
    )
    assert twice.status_code == 409
    computed = f"/cycles/{s.cycle_id}/indicators/{logframe['OP-1']['id']}/values"
    refused = await client.post(
        computed, json={"period_start": "2025-01-01", "period_end": "2025-06-30", "value": 3, "evidence": "No"}
    )
    assert refused.status_code == 409 and refused.json()["field"] == "source"
    backwards = await client.post(
        values, json={"period_start": "2025-06-30", "period_end": "2025-01-01", "value": 3, "evidence": "No"}
    )
    assert backwards.status_code == 422
    value_id = (await client.get(values)).json()["items"][0]["id"]
    assert (await client.delete(f"{values}/{value_id}")).status_code == 204
    assert len((await client.get(values)).json()["items"]) == 1
    # A draft indicator goes with its values.
    assert (await client.delete(f"/cycles/{s.cycle_id}/indicators/{logframe['OP-6']['id']}")).status_code == 204
    left = await db.scalar(
        select(func.count())
        .select_from(IndicatorValue)
        .where(IndicatorValue.indicator_id == uuid.UUID(logframe["OP-6"]["id"]))
    )
    assert left == 0


async def test_observers_get_small_cells_withheld(sign_in, client, scenario, logframe):
    s = scenario
    observer = await sign_in("observer")
    march = {"period_start": "2025-03-01", "period_end": "2025-03-31"}  # OSINT-1 alone: 1 woman, 3 men trained
    hidden = await report(observer, s.cycle_id, **march)
    exact = await report(client, s.cycle_id, **march)
    assert exact["OP-1"]["female"] == 1 and exact["OP-1"]["suppressed"] == []
    assert hidden["OP-1"]["female"] is None and "female" in hidden["OP-1"]["suppressed"]
    assert hidden["OP-1"]["male"] is None  # else the total would give her away
    assert hidden["OP-2"]["current_value"] is None and hidden["OP-2"]["suppressed"] == ["current_value"]
    r = await observer.get(f"/cycles/{s.cycle_id}/indicator-report", params=march)
    assert r.json()["suppression_applied"] is True


async def test_as_csv_and_xlsx_for_opsys(client, scenario, logframe):
    s = scenario
    url = f"/cycles/{s.cycle_id}/indicator-report"
    r = await client.get(url, params={"format": "csv", "period_start": "2025-01-01", "period_end": "2025-12-31"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv"), r.text
    assert 'filename="indicator-report.csv"' in r.headers["content-disposition"]
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Code,Title,Unit,Baseline,Target,Current value,Female,Male,Denominator")
    assert lines[1] == "OP-1,Individuals trained,persons,0,100,28,7,21,,sex,computed,,,,2025-01-01,2025-12-31"
    x = await client.get(url, headers={"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    assert x.status_code == 200
    sheet = load_workbook(io.BytesIO(x.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Code", "Title", "Unit", "Baseline", "Target", "Current value")
    assert rows[3][0] == "OP-3" and rows[3][5] == 18
