"""The demo's CT JUST cycle has its logframe indicators, and its report shows "individuals with
increased knowledge, by sex" equal to a hand-written SQL query over the demo's test scores.
Loads the demo once more (about five seconds)."""

from __future__ import annotations

from sqlalchemy import select

import seeds
from domain.models.cycles import Cycle
from seeds.indicators import CYCLE
from tests.api.test_knowledge_gain import by_hand


async def test_the_demo_cycle_reports_its_indicators(client, db):
    await seeds.load(db, "demo")
    cycle_id = str(await db.scalar(select(Cycle.id).where(Cycle.title == CYCLE)))
    r = await client.get(f"/cycles/{cycle_id}/indicator-report")
    assert r.status_code == 200, r.text
    rows = {row["code"]: row for row in r.json()["indicators"]}
    assert {row["status"] for row in rows.values()} == {"computed", "entered"}
    # ILP-01's surveys (seeds/surveys.py): a reaction score and an application rate, as the results say.
    reaction = (await client.get(f"/cycles/{cycle_id}/survey-results", params={"kind": "reaction"})).json()
    followup = (await client.get(f"/cycles/{cycle_id}/survey-results", params={"kind": "followup"})).json()
    assert rows["CT-1.4"]["current_value"] == round(reaction["overall"]["score"]["total"], 1) > 0
    assert rows["CT-2.1"]["current_value"] == round(followup["application"]["rate"]["total"] * 100, 1) > 0
    assert 0 < reaction["response"]["answered"] < reaction["response"]["invited"]
    assert {v["audience"] for v in followup["versions"]} == {"participants", "supervisors"}
    want = await by_hand(db, cycle_id, "post_above_pre")
    knowledge = rows["CT-1.3"]
    assert want["increased"]["total"] > 0
    assert (knowledge["current_value"], knowledge["female"], knowledge["male"]) == (
        want["increased"]["total"],
        want["increased"]["female"],
        want["increased"]["male"],
    )
    assert knowledge["denominator"] == want["tested"]["total"]
    assert rows["CT-1.1"]["current_value"] >= knowledge["current_value"] > 0
    year = await client.get(
        f"/cycles/{cycle_id}/indicator-report", params={"period_start": "2025-01-01", "period_end": "2025-12-31"}
    )
    entered = {row["code"]: row for row in year.json()["indicators"]}["CT-3.1"]
    assert entered["status"] == "entered" and entered["current_value"] == 1 and entered["evidence"]
    later = await client.get(
        f"/cycles/{cycle_id}/indicator-report", params={"period_start": "2026-01-01", "period_end": "2026-06-30"}
    )
    assert {row["code"]: row for row in later.json()["indicators"]}["CT-3.1"]["status"] == "not_entered"
