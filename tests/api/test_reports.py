"""Reports against figures computed here, independently, from the known scenario of
report_data.py; who sees what (exact, suppressed, own agency); and a statement count that does
not grow with the data."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import update

from domain.models.catalogue import Module
from tests.api import report_data
from tests.api.catalogue_data import disciplines, make_cycle, make_module, programme  # noqa: F401  (fixtures)
from tests.api.report_data import STAGE, expected_results, expected_stages, plays


@pytest.fixture
async def scenario(client, db, programme, disciplines):  # noqa: F811
    return await report_data.build(client, db, programme)


def observed_stages(row) -> dict:
    return {
        stage: {m: {x: row[stage][m][x] for x in ("female", "male", "total")} for m in ("persons", "participations")}
        for stage in STAGE
    }


def by_label(report) -> dict:
    return {r["label"]: r for r in report["rows"]}


async def get_balance(caller, **params):
    r = await caller.get("/reports/gender-balance", params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def test_module_rows_and_totals_agree_with_the_scenario(client, scenario):
    s = scenario
    report = await get_balance(client, cycle_id=s.cycle_id)
    rows = by_label(report)
    assert list(rows) == ["DIGEV-1 — Module DIGEV-1", "ILP-1 — Module ILP-1", "OSINT-1 — Module OSINT-1"]
    ilp = rows["ILP-1 — Module ILP-1"]
    # The headline: 30 enrolled, 9 of them women; 2 no-shows never attended; 3 more did not complete.
    assert ilp["enrolled"]["persons"] == {"female": 9, "male": 21, "total": 30, "suppressed": []}
    assert ilp["attended"]["persons"]["total"] == 28
    assert ilp["completed"]["persons"]["total"] == 25
    assert ilp["female_share_enrolled"]["participations"] == 0.3 and ilp["below_target"] is False
    assert ilp["target"] == 0.25 and ilp["target_basis"] == "module"
    for key, label in (
        ("ilp", "ILP-1 — Module ILP-1"),
        ("osint", "OSINT-1 — Module OSINT-1"),
        ("digev", "DIGEV-1 — Module DIGEV-1"),
    ):
        assert observed_stages(rows[label]) == expected_stages(s, plays(s, (key,))), label
    assert rows["DIGEV-1 — Module DIGEV-1"]["target"] == 0.4  # the module's override
    assert rows["OSINT-1 — Module OSINT-1"]["below_target"] is True  # 1 woman of 5
    # Totals count a person once across modules: W0 completed two; W0, M0 and M1 are enrolled in two.
    totals = report["totals"]
    assert observed_stages(totals) == expected_stages(s, plays(s))
    assert totals["completed"]["persons"]["female"] == 7 and totals["completed"]["participations"]["female"] == 8
    assert totals["enrolled"]["persons"]["total"] == totals["enrolled"]["participations"]["total"] - 3
    assert report["suppression"]["applied"] is False


@pytest.mark.parametrize("group_by", ["agency", "discipline", "cycle"])
async def test_other_groupings(client, scenario, group_by):
    s = scenario
    report = await get_balance(client, cycle_id=s.cycle_id, group_by=group_by)
    rows = by_label(report)
    n = s.serial  # in agency and cycle names
    if group_by == "agency":
        expected = {
            f"Ministry of Interior {n}": plays(s, agencies=("moi", "police", "unit")),
            f"National Intelligence Service {n}": plays(s, agencies=("inis",)),
        }
    elif group_by == "discipline":
        expected = {
            "Intelligence-led policing": plays(s, ("ilp",)),
            "Open-source intelligence": plays(s, ("osint",)),
            "Digital evidence": plays(s, ("digev",)),
        }
    else:
        expected = {f"EU–Iraq cycle (test {n})": plays(s)}
    assert set(rows) == set(expected)
    for label, selected in expected.items():
        assert observed_stages(rows[label]) == expected_stages(s, selected), label
    if group_by == "cycle":
        assert rows[f"EU–Iraq cycle (test {n})"]["target"] == 0.25
    else:
        assert all(r["target_basis"] == "weighted" for r in report["rows"])
    # Weighted by enrolled participations: 35 at 25% (ILP-1, OSINT-1) and 1 at 40% (DIGEV-1).
    assert report["totals"]["target"] == pytest.approx((35 * 0.25 + 0.4) / 36, abs=1e-4)


async def test_a_period_keeps_modules_with_a_session_on_those_local_dates(client, scenario):
    s = scenario
    # OSINT-1's last session starts at 01:30 on 3 March in Baghdad: still 2 March in UTC.
    march_3 = await get_balance(client, cycle_id=s.cycle_id, **{"from": "2025-03-03", "to": "2025-03-03"})
    assert [r["label"] for r in march_3["rows"]] == ["OSINT-1 — Module OSINT-1"]
    early_feb = await get_balance(client, cycle_id=s.cycle_id, **{"from": "2025-02-01", "to": "2025-02-05"})
    assert [r["label"] for r in early_feb["rows"]] == ["ILP-1 — Module ILP-1"]
    bad = await client.get("/reports/gender-balance", params={"from": "2025-03-01", "to": "2025-02-01"})
    assert bad.status_code == 422


async def test_filters_by_agency_subtree_and_discipline(client, scenario):
    s = scenario
    police = await get_balance(client, cycle_id=s.cycle_id, agency_id=s.agencies["police"], group_by="agency")
    assert observed_stages(police["totals"]) == expected_stages(s, plays(s, agencies=("police", "unit")))
    # Within a subtree, agencies are grouped by the root's children (and the root for its own).
    assert len(police["rows"]) == 2
    osint = await get_balance(client, discipline="osint")
    assert observed_stages(osint["totals"]) == expected_stages(s, plays(s, ("osint",)))


async def test_cycle_results_agree_with_the_scenario(client, scenario):
    s = scenario
    r = await client.get(f"/reports/cycles/{s.cycle_id}/results")
    assert r.status_code == 200, r.text
    body, want = r.json(), expected_results(s)
    for key in ("individuals_trained", "participations", "knowledge_increased", "assessed"):
        assert body[key] == want[key], key
    # 28 unique persons trained (W0 completed two modules), 29 completed participations.
    assert body["individuals_trained"]["total"] == 28 and body["participations"]["total"] == 29
    assert body["activities"]["total"] == 2
    assert {a["key"]: a["activities"] for a in body["activities"]["by_discipline"]} == {"ilp": 1, "osint": 1}
    assert {a["key"]: a["activities"] for a in body["activities"]["by_format"]} == {"course": 1, "workshop": 1}
    # ILP-1: 5 local dates; OSINT-1: 6 Feb, 2 and 3 March (3 March at 01:30 local is 2 March in UTC).
    assert body["days"]["training_days"] == 8 and body["days"]["calendar_days"] == 7
    assert body["days"]["person_days"] == want["person_days"]
    assert body["female_share"] == {"female_share": 0.25, "target": 0.25, "below_target": False, "suppressed": []}
    n = s.serial
    labels = {"moi": f"Ministry of Interior {n}", "inis": f"National Intelligence Service {n}"}
    card = {row["label"]: row for row in body["scorecard"]}
    assert set(card) == set(labels.values())
    for top, figures in want["scorecard"].items():
        row = card[labels[top]]
        assert {k: row[k] for k in figures} == figures, top
        assert row["attendance_rate"] == round(figures["attended_marks"] / figures["marks_recorded"], 4)
        assert row["no_show_rate"] == round(figures["no_show_marks"] / figures["marks_recorded"], 4)
    trained = {a["label"]: a["persons"]["total"] for a in body["trained_by_agency"]}
    assert trained == {labels["moi"]: 23, labels["inis"]: 5}


async def test_cycle_results_for_a_period(client, scenario):
    s = scenario
    r = await client.get(f"/reports/cycles/{s.cycle_id}/results", params={"from": "2025-02-01", "to": "2025-02-28"})
    assert r.status_code == 200, r.text
    body, want = r.json(), expected_results(s, ("ilp",))
    assert body["individuals_trained"] == want["individuals_trained"]  # OSINT-1 ends in March
    assert body["days"]["training_days"] == 5 and body["days"]["person_days"] == want["person_days"]
    assert body["period"]["from"] == "2025-02-01"
    march = (
        await client.get(f"/reports/cycles/{s.cycle_id}/results", params={"from": "2025-03-01", "to": "2025-03-31"})
    ).json()
    assert march["individuals_trained"]["total"] == 4
    missing = await client.get(f"/reports/cycles/{uuid.uuid4()}/results")
    assert missing.status_code == 404


def lone_withheld_sums(report: dict) -> list[str]:
    """Sums (female + male = total, groups = totals row) with exactly one withheld cell."""
    problems = []
    rows = [*report["rows"], report["totals"]]
    for stage in STAGE:
        for m in ("persons", "participations"):
            for i, row in enumerate(rows):
                cells = [row[stage][m][x] for x in ("female", "male", "total")]
                if cells.count(None) == 1:
                    problems.append(f"row {i} {stage} {m}")
            for x in ("female", "male", "total"):
                cells = [row[stage][m][x] for row in rows]
                if cells.count(None) == 1:
                    problems.append(f"column {stage} {m} {x}")
    return problems


def visible_counts(report: dict) -> list[int]:
    return [
        row[stage][m][x]
        for row in [*report["rows"], report["totals"]]
        for stage in STAGE
        for m in ("persons", "participations")
        for x in ("female", "male", "total")
    ]


async def test_observers_see_small_counts_withheld_and_coordinators_do_not(client, sign_in, scenario):
    s = scenario
    observer = await sign_in("observer")
    coordinator = await sign_in("coordinator", programme_ids=[uuid.UUID(s.programme_id)])
    params = {"cycle_id": s.cycle_id, "group_by": "agency"}
    exact = await get_balance(coordinator, **params)
    hidden = await get_balance(observer, **params)
    n = s.serial
    inis_exact = by_label(exact)[f"National Intelligence Service {n}"]
    inis_hidden = by_label(hidden)[f"National Intelligence Service {n}"]
    assert inis_exact["enrolled"]["persons"]["female"] == 1  # W8: one woman from one agency
    assert inis_hidden["enrolled"]["persons"]["female"] is None
    assert "female" in inis_hidden["enrolled"]["persons"]["suppressed"]
    # The total of the row stays, so the men are withheld too; and so is another agency's women.
    assert inis_hidden["enrolled"]["persons"]["male"] is None
    assert by_label(hidden)[f"Ministry of Interior {n}"]["enrolled"]["persons"]["female"] is None
    assert inis_hidden["female_share_enrolled"]["persons"] is None
    assert hidden["suppression"] == {"applied": True, "threshold": 3, "rule": hidden["suppression"]["rule"]}
    assert exact["suppression"]["applied"] is False and lone_withheld_sums(exact) == []
    assert lone_withheld_sums(hidden) == []
    assert all(v is None or v == 0 or v >= 3 for v in visible_counts(hidden))
    assert None not in visible_counts(exact)
    # Nothing names a person, in any report an observer reads.
    results = await observer.get(f"/reports/cycles/{s.cycle_id}/results")
    assert results.status_code == 200
    text = json.dumps(hidden, ensure_ascii=False) + results.text
    assert not any(name in text for name in s.names)
    assert "Testofficer" not in text


async def test_the_threshold_is_configurable(app, sign_in, scenario, monkeypatch):
    monkeypatch.setattr(app.state.settings, "report_suppression_threshold", 6)
    observer = await sign_in("observer")
    report = await get_balance(observer, cycle_id=scenario.cycle_id)
    osint = by_label(report)["OSINT-1 — Module OSINT-1"]  # 5 enrolled: 1 woman, 4 men
    assert report["suppression"]["threshold"] == 6
    assert osint["enrolled"]["persons"] == {
        "female": None,
        "male": None,
        "total": None,
        "suppressed": ["female", "male", "total"],
    }
    assert lone_withheld_sums(report) == []


async def test_observer_cycle_results_are_suppressed_consistently(sign_in, scenario):
    s = scenario
    observer = await sign_in("observer")
    body = (await observer.get(f"/reports/cycles/{s.cycle_id}/results")).json()
    assert body["suppression"]["applied"] is True
    inis = [a for a in body["trained_by_agency"] if a["label"].startswith("National Intelligence Service")][0]
    assert inis["persons"]["female"] is None and inis["persons"]["male"] is None  # 1 woman, so her complement too
    moi = [a for a in body["trained_by_agency"] if a["label"].startswith("Ministry of Interior")][0]
    assert moi["persons"]["female"] is None  # else 7 - moi's women would give her away
    assert body["individuals_trained"]["total"] == 28
    assert body["activities"]["total"] == 2  # activities and days are not about persons
    for split in (body["individuals_trained"], body["participations"], inis["persons"], moi["persons"]):
        assert [split[x] for x in ("female", "male", "total")].count(None) != 1


async def test_machine_clients_get_suppressed_figures(client, anonymous, scenario):
    created = await client.post("/clients", json={"name": "donor dashboard", "scopes": ["reports:read"]})
    assert created.status_code == 201, created.text
    token = await anonymous.post(
        "/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(created.json()["client_id"], created.json()["client_secret"]),
    )
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    r = await anonymous.get(
        "/reports/gender-balance", params={"cycle_id": scenario.cycle_id, "group_by": "agency"}, headers=headers
    )
    assert r.status_code == 200, r.text
    assert r.json()["suppression"]["applied"] is True


async def test_focal_points_see_their_own_agency_only(sign_in, scenario):
    s = scenario
    fp = await sign_in("focal_point", agency_id=uuid.UUID(s.agencies["police"]))
    report = await get_balance(fp, cycle_id=s.cycle_id, group_by="agency")
    assert report["suppression"]["applied"] is False
    assert observed_stages(report["totals"]) == expected_stages(s, plays(s, agencies=("police", "unit")))
    n = s.serial
    assert {r["label"] for r in report["rows"]} == {f"Federal Police {n}", f"Unit X {n}"}
    unit = by_label(report)[f"Unit X {n}"]
    assert observed_stages(unit) == expected_stages(s, plays(s, agencies=("unit",)))
    assert (await fp.get("/reports/gender-balance", params={"agency_id": s.agencies["inis"]})).status_code == 403
    assert (await fp.get("/reports/gender-balance", params={"agency_id": s.agencies["moi"]})).status_code == 403
    results = (await fp.get(f"/reports/cycles/{s.cycle_id}/results")).json()
    want = expected_results(s, agencies=("police", "unit"))
    assert results["individuals_trained"] == want["individuals_trained"]
    assert results["days"]["person_days"] == want["person_days"]
    assert {row["label"] for row in results["scorecard"]} == {f"Federal Police {n}", f"Unit X {n}"}


async def test_coordinators_see_their_programmes_only(sign_in, scenario):
    s = scenario
    coordinator = await sign_in("coordinator", programme_ids=[uuid.UUID(s.programme_id)])
    everything = await get_balance(coordinator, group_by="cycle")
    assert [r["key"] for r in everything["rows"]] == [s.cycle_id]  # narrowed: the other programme's cycle is left out
    assert (await coordinator.get("/reports/gender-balance", params={"cycle_id": s.other_cycle_id})).status_code == 403
    assert (
        await coordinator.get("/reports/gender-balance", params={"programme_id": s.other_programme_id})
    ).status_code == 403
    assert (await coordinator.get(f"/reports/cycles/{s.other_cycle_id}/results")).status_code == 403
    assert (await coordinator.get(f"/reports/cycles/{s.cycle_id}/results")).status_code == 200
    assert (await coordinator.get("/reports/gender-balance", params={"cycle_id": str(uuid.uuid4())})).status_code == 404
    trainer = await sign_in("trainer")
    assert (await trainer.get("/reports/gender-balance")).status_code == 403


async def test_statement_count_does_not_grow_with_the_data(client, db, sign_in, scenario, statements):
    s = scenario
    observer = await sign_in("observer")
    urls = [
        ("/reports/gender-balance", {"cycle_id": s.cycle_id, "group_by": g, "from": "2025-01-01", "to": "2025-12-31"})
        for g in ("module", "agency")
    ] + [(f"/reports/cycles/{s.cycle_id}/results", {"from": "2025-01-01", "to": "2025-12-31"})]

    async def counts():
        out = []
        for caller in (client, observer):
            for url, params in urls:
                before = statements.count
                r = await caller.get(url, params=params)
                assert r.status_code == 200, r.text
                out.append(statements.count - before)
        return out

    small = await counts()
    # Ten times the people: another module of 60 participants, each with marks and scores.
    people = {f"X{i}": ("female" if i % 3 == 0 else "male", "unit" if i % 2 else "inis") for i in range(60)}
    big = await report_data.add_crowd(client, db, s, people)
    assert big > 60
    assert await counts() == small


async def test_days_are_counted_in_the_cycles_own_time_zone_across_daylight_saving(client, db, programme, disciplines):  # noqa: F811
    cycle = await make_cycle(client, programme["id"], title="Madrid cycle (test)", time_zone="Europe/Madrid")
    # Each module meets twice on one Madrid date; the early session is still the day before in UTC
    # (UTC+2 in July, UTC+1 in January).
    for code, day in (("SUMMER", "2025-07-01"), ("WINTER", "2025-01-15")):
        offset = "+02:00" if day.startswith("2025-07") else "+01:00"
        module = await make_module(client, cycle["id"], code)
        for starts, ends in (
            (f"{day}T00:30:00{offset}", f"{day}T02:00:00{offset}"),
            (f"{day}T10:00:00{offset}", f"{day}T12:00:00{offset}"),
        ):
            r = await client.post(
                f"/modules/{module['id']}/sessions", json={"title": "Session", "starts_at": starts, "ends_at": ends}
            )
            assert r.status_code == 201, r.text
        await db.execute(update(Module).where(Module.id == uuid.UUID(module["id"])).values(status="delivered"))
    body = (await client.get(f"/reports/cycles/{cycle['id']}/results")).json()
    assert (body["days"]["training_days"], body["days"]["calendar_days"]) == (2, 2)
    july = (
        await client.get(f"/reports/cycles/{cycle['id']}/results", params={"from": "2025-07-01", "to": "2025-07-01"})
    ).json()
    assert july["activities"]["total"] == 1 and july["days"]["training_days"] == 1
