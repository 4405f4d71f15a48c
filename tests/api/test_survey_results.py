"""Survey results over HTTP: a module's reaction survey answered by four of five participants,
read by its coordinator (exact response counts, free texts, small cells of answers withheld), by
an observer (no free text), by a focal point (their agency), and the cycle's results equal to the
module's for the same survey."""

from __future__ import annotations

import uuid

from tests.api.catalogue_data import disciplines, programme  # noqa: F401  (fixtures)
from tests.api.notification_data import world  # noqa: F401
from tests.api.survey_results_data import answered, followed_up  # noqa: F401
from tests.api.test_surveys import public  # noqa: F401


def _question(body: dict, key: str) -> dict:
    [version] = body["versions"]
    return next(q for q in version["questions"] if q["key"] == key)


async def test_a_coordinator_reads_the_module_results_with_small_cells_withheld(answered):  # noqa: F811
    r = await answered["coordinator"].get(f"/module-surveys/{answered['survey']['id']}/results")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["response"] == {"invited": 5, "answered": 4, "rate": 0.8, "suppressed": []}
    [agency] = body["response_by_agency"]
    assert agency["label"] == "Mail Ministry" and (agency["invited"], agency["answered"]) == (5, 4)
    [version] = body["versions"]
    assert (version["version"], version["audience"], version["surveys"]) == (1, "participants", 1)
    # One man answered: his cell is withheld, and the women's with it (else total - women gives him away).
    assert version["respondents"] == {"female": None, "male": None, "total": 4, "suppressed": ["female", "male"]}
    overall = _question(body, "overall")
    assert overall["answers"]["total"] == 4 and overall["answers"]["male"] is None
    assert overall["mean"] == {"female": None, "male": None, "total": 3.75, "suppressed": ["female", "male"]}
    assert overall["score"]["total"] == 68.75  # (3.75 - 1) / 4 x 100
    assert [d["total"] for d in overall["distribution"]] == [0, None, 0, None, None]  # 2, 4, 4, 5: all small
    assert overall["by_agency"] == [
        {"agency_id": answered["moi"], "label": "Mail Ministry", "answers": 4, "mean": 3.75, "suppressed": []}
    ]
    pace = _question(body, "pace")
    # "fast" once: withheld, and "right" (3) with it, since the choices add up to the 4 answers.
    assert {c["key"]: c["total"] for c in pace["choices"]} == {"slow": 0, "right": None, "fast": None}
    assert _question(body, "comments")["texts"] == ["Clear", "Too long", "Useful"]
    assert body["free_text_shown"] is True and body["application"] is None
    assert body["overall"]["answers"]["total"] == 8  # two rating questions, four answers each
    # trainer: 9, 10, 8, 6 on 1-10 -> mean 8.25 -> score 80.56; over both questions' eight answers:
    assert body["overall"]["score"]["total"] == round((68.75 + (8.25 - 1) / 9 * 100) / 2, 2) == 74.65


async def test_observers_and_focal_points_read_no_free_text(answered, sign_in):  # noqa: F811
    url = f"/module-surveys/{answered['survey']['id']}/results"
    observer = await sign_in("observer")
    body = (await observer.get(url)).json()
    assert body["free_text_shown"] is False and _question(body, "comments")["texts"] is None
    assert _question(body, "comments")["answers"]["total"] == 3  # counted, never shown
    assert body["response"]["invited"] == 5 and body["suppression"]["response_counts_exact"] is False
    focal = (await answered["focal"].get(url)).json()
    assert focal["free_text_shown"] is False and focal["response"]["answered"] == 4
    assert _question(focal, "overall")["mean"]["total"] == 3.75


async def test_the_cycles_results_equal_the_modules_and_others_are_refused(answered, sign_in):  # noqa: F811
    coordinator = answered["coordinator"]
    module = (await coordinator.get(f"/module-surveys/{answered['survey']['id']}/results")).json()
    cycle_url = f"/cycles/{answered['cycle']['id']}/survey-results"
    cycle = (await coordinator.get(cycle_url, params={"kind": "reaction"})).json()
    for field in ("response", "response_by_agency", "overall", "versions"):
        assert cycle[field] == module[field], field
    by_agency = (await coordinator.get(cycle_url, params={"agency_id": answered["moi"]})).json()
    assert by_agency["overall"] == module["overall"] and by_agency["response"] == module["response"]
    # Within an agency, its sub-units are the groups.
    assert [a["label"] for a in _question(by_agency, "overall")["by_agency"]] == ["Mail Police Directorate"]
    followup = (await coordinator.get(cycle_url, params={"kind": "followup"})).json()
    assert followup["versions"] == [] and followup["response"]["invited"] == 0
    assert followup["application"]["rate"]["total"] is None
    stranger = await sign_in("coordinator", programme_ids=[])
    assert (await stranger.get(f"/module-surveys/{answered['survey']['id']}/results")).status_code == 403
    assert (await stranger.get(cycle_url)).status_code == 403
    assert (await coordinator.get(f"/module-surveys/{uuid.uuid4()}/results")).status_code == 404
    trainer = answered["trainer"]
    assert (await trainer.get(f"/module-surveys/{answered['survey']['id']}/results")).status_code == 403


async def test_the_indicators_equal_the_survey_results(answered, public):  # noqa: F811
    coordinator, cycle = answered["coordinator"], answered["cycle"]["id"]
    followup = await followed_up(answered, public)
    for code, source in (("R-1", "reaction_mean"), ("R-2", "followup_application_rate")):
        body = {"code": code, "title": source, "unit": "score", "source": source, "disaggregation": "sex"}
        assert (await coordinator.post(f"/cycles/{cycle}/indicators", json=body)).status_code == 201
    r = await coordinator.get(f"/cycles/{cycle}/indicator-report")
    assert r.status_code == 200, r.text
    rows = {row["code"]: row for row in r.json()["indicators"]}
    reaction = (await coordinator.get(f"/cycles/{cycle}/survey-results", params={"kind": "reaction"})).json()
    assert rows["R-1"]["status"] == "computed"
    assert rows["R-1"]["current_value"] == round(reaction["overall"]["score"]["total"], 1)
    assert rows["R-1"]["denominator"] == reaction["overall"]["answers"]["total"] == 8
    assert (rows["R-1"]["female"], rows["R-1"]["male"]) == (None, None)  # one man: withheld, women with him
    assert rows["R-1"]["suppressed"] == ["female", "male"]
    results = (await coordinator.get(f"/cycles/{cycle}/survey-results", params={"kind": "followup"})).json()
    application = results["application"]
    assert application["rate"]["total"] == 0.75 and application["answered"]["total"] == 4
    assert rows["R-2"]["current_value"] == 75.0 and rows["R-2"]["denominator"] == 4
    module = (await coordinator.get(f"/module-surveys/{followup['id']}/results")).json()
    assert module["application"] == application


async def test_the_dashboard_flags_a_module_scoring_below_its_cycles_threshold(client, answered):  # noqa: F811
    coordinator, cycle = answered["coordinator"], answered["cycle"]["id"]
    score = (await coordinator.get(f"/module-surveys/{answered['survey']['id']}/results")).json()["overall"]["score"]
    assert (await coordinator.get("/attention")).json()["reaction_below_threshold"] == {"total": 0, "items": []}
    r = await client.patch(f"/cycles/{cycle}", json={"reaction_alert_below": 80})
    assert r.status_code == 200 and r.json()["reaction_alert_below"] == 80, r.text
    [alert] = (await coordinator.get("/attention")).json()["reaction_below_threshold"]["items"]
    assert alert["module"]["id"] == answered["module"]["id"] and alert["survey_id"] == answered["survey"]["id"]
    assert (alert["score"], alert["respondents"], alert["threshold"]) == (score["total"], 4, 80)
    assert (await client.patch(f"/cycles/{cycle}", json={"reaction_alert_below": 70})).status_code == 200
    assert (await coordinator.get("/attention")).json()["reaction_below_threshold"]["total"] == 0
    assert (await client.patch(f"/cycles/{cycle}", json={"reaction_alert_below": 101})).status_code == 422
    assert (await client.patch(f"/cycles/{cycle}", json={"reaction_alert_below": None})).status_code == 200
