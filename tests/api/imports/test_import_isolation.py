"""A bound client and a focal point never see another agency's officer through imports, their
reports, or reports of figures; nominee lists go through the nomination rules row by row."""

from __future__ import annotations

import uuid

import pytest

from tests.api.catalogue_data import cycle, disciplines, programme  # noqa: F401  (fixtures)
from tests.api.enrolment_data import open_module
from tests.api.imports.helpers import by_line, csv_file, plan
from tests.problems import assert_problem


async def _agency(client, name: str, parent: str | None = None) -> str:
    r = await client.post(
        "/agencies", json={"name_en": name, "name_ar": "جهة " + name, "kind": "police", "parent_id": parent}
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.fixture
async def two_agencies(client, sign_in, machine):
    ours, theirs = await _agency(client, "Our Ministry"), await _agency(client, "Their Service")
    unit = await _agency(client, "Our Unit", ours)
    hidden = await client.put(
        "/officers/by-external-id/mission-hr/T-1",
        json={
            "agency_id": theirs,
            "full_name_ar": "سعد ناصر جاسم",
            "name_latin": "Saad Nasser",
            "sex": "male",
            "rank": "Major",
        },
    )
    return {
        "ours": ours,
        "unit": unit,
        "theirs": theirs,
        "hidden": hidden.json(),
        "focal": await sign_in("focal_point", agency_id=uuid.UUID(ours)),
        "bound": await machine(["imports:write", "officers:read", "reports:read"], agency_id=ours),
    }


@pytest.mark.parametrize("who", ["focal", "bound"])
async def test_imports_reach_only_their_agency(client, two_agencies, who):
    caller, w = two_agencies[who], two_agencies
    content = csv_file(
        [
            ["T-1", "سعد ناصر جاسم", "Saad Nasser", "male", "", "Colonel"],  # an id held only in another agency
            ["N-1", "ليث كريم", "Laith Kareem", "male", w["theirs"], ""],  # into another agency
            ["N-2", "ليث كريم", "Laith Kareem", "male", "", ""],  # defaults to their own agency
            ["N-3", "سعد ناصر جاسم", "Saad N.", "male", w["unit"], ""],  # the hidden namesake stays hidden
        ]
    )
    planned = await plan(caller, content)
    rows = by_line(planned)
    # As if nobody held it: a new officer of their own agency, nothing of the holder's shown.
    assert rows[2]["action"] == "create" and rows[2]["officer_id"] != w["hidden"]["id"]
    assert rows[2]["changes"] is None and rows[2]["candidates"] is None and rows[2]["problems"] is None
    assert rows[3]["problems"][0] == {
        "column": "agency_id",
        "rule": "unknown-agency",
        "message": "names no agency within your reach",
    }
    assert rows[4]["action"] == "create" and rows[5]["action"] == "create"
    assert w["hidden"]["id"] not in str(planned) and "Major" not in str(planned)  # the holder's id and rank
    report = await caller.get(f"/officers/imports/{planned['id']}", params={"format": "csv"})
    assert w["hidden"]["id"] not in report.text and "Major" not in report.text
    # The whole-file option cannot name another agency, and deactivates nobody outside their own.
    r = await caller.post(
        "/officers/imports",
        params={"source": "mission-hr", "complete_for_agency_id": w["theirs"]},
        files={"file": ("o.csv", content, "text/csv")},
    )
    assert {e["field"] for e in assert_problem(r, 422)["errors"]} == {"complete_for_agency_id"}
    applied = await caller.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
    assert applied.status_code == 200, applied.text
    assert (await client.get(f"/officers/{w['hidden']['id']}")).json()["rank"] == "Major"
    # Someone else's import does not exist for them, nor theirs for another agency's focal point.
    other = await client.post(
        "/officers/imports", params={"source": "mission-hr"}, files={"file": ("o.csv", content, "text/csv")}
    )
    assert (await caller.get(f"/officers/imports/{other.json()['id']}")).status_code == 404
    assert (await caller.post(f"/officers/imports/{other.json()['id']}/undo")).status_code == 404


async def test_a_bound_clients_reports_cover_its_agency_only(two_agencies):
    bound = two_agencies["bound"]
    assert (await bound.get("/reports/gender-balance", params={"agency_id": two_agencies["unit"]})).status_code == 200
    assert_problem(await bound.get("/reports/gender-balance", params={"agency_id": two_agencies["theirs"]}), 403)
    listed = await bound.get("/officers", params={"status": "all"})
    assert two_agencies["hidden"]["id"] not in {o["id"] for o in listed.json()["items"]}


async def test_a_list_of_nominees_goes_through_the_nomination_rules(client, two_agencies, cycle):  # noqa: F811
    focal = two_agencies["focal"]
    module = await open_module(client, cycle["id"], "IMP-NOM")
    officers = []
    for n, name in enumerate(["رامي كاظم", "هالة سلمان", "باسم جاسم", "وسام عباس"]):
        r = await client.put(
            f"/officers/by-external-id/mission-hr/M-{n}",
            json={"agency_id": two_agencies["unit"], "full_name_ar": name, "name_latin": f"Nominee {n}", "sex": "male"},
        )
        officers.append(r.json()["id"])
    await client.patch(f"/officers/{officers[2]}", json={"active": False})
    content = csv_file(
        [
            [officers[0], "participant", "1"],
            [officers[1], "alternate", "2"],
            [officers[2], "", ""],
            [two_agencies["hidden"]["id"], "", ""],
            [officers[0], "", ""],
            [officers[3], "chief", ""],
        ],
        header=["officer_id", "role", "priority"],
    )
    r = await focal.post(f"/modules/{module['id']}/nominations/imports", files={"file": ("n.csv", content, "text/csv")})
    assert r.status_code == 201, r.text
    rows = by_line(r.json())
    assert [rows[n]["action"] for n in (2, 3)] == ["create", "create"]
    assert rows[4]["problems"][0]["rule"] == "officer-deactivated"
    assert rows[5]["problems"][0]["rule"] == "unknown-officer"  # another agency's officer is no one
    assert rows[6]["problems"][0]["rule"] == "already-in-file"
    assert rows[7]["problems"][0]["column"] == "role"
    planned = r.json()
    applied = await focal.post(
        f"/modules/{module['id']}/nominations/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]}
    )
    assert applied.status_code == 200, applied.text
    nominated = await client.get(f"/modules/{module['id']}/nominations")
    assert {n["officer_id"] for n in nominated.json()["items"]} == {officers[0], officers[1]}
    again = await focal.post(
        f"/modules/{module['id']}/nominations/imports", files={"file": ("n.csv", content, "text/csv")}
    )
    assert by_line(again.json())[2]["problems"][0]["rule"] == "already-nominated"


async def test_nominees_refused_since_planning_make_apply_a_409_and_nothing_is_written(client, two_agencies, cycle):  # noqa: F811
    module = await open_module(client, cycle["id"], "IMP-NOM2")
    r = await client.put(
        "/officers/by-external-id/mission-hr/Z-1",
        json={"agency_id": two_agencies["unit"], "full_name_ar": "زيد فلاح", "name_latin": "Zaid Falah", "sex": "male"},
    )
    officer = r.json()["id"]
    content = csv_file([["Z-1"]], header=["external_id"])
    planned = await client.post(
        f"/modules/{module['id']}/nominations/imports",
        params={"key": "external_id", "source": "mission-hr"},
        files={"file": ("n.csv", content, "text/csv")},
    )
    assert planned.json()["counts"]["create"] == 1, planned.text
    await client.post(
        f"/modules/{module['id']}/nominations", json={"officer_id": officer}
    )  # nominated by hand meanwhile
    r = await client.post(
        f"/modules/{module['id']}/nominations/imports/{planned.json()['id']}/apply",
        json={"plan_hash": planned.json()["plan_hash"]},
    )
    body = assert_problem(r, 409, "/problems/plan-outdated")
    assert body["rows"] == [{"line": 2, "officer_id": officer, "rule": "already-nominated"}]


async def test_undoing_a_list_of_nominees_withdraws_them_unless_one_changed_since(client, two_agencies, cycle, sign_in):  # noqa: F811
    focal = two_agencies["focal"]
    module = await open_module(client, cycle["id"], "IMP-UNDO")
    officers = []
    for n in range(3):
        r = await client.put(
            f"/officers/by-external-id/mission-hr/U-{n}",
            json={
                "agency_id": two_agencies["unit"],
                "full_name_ar": f"ضابط {n}",
                "name_latin": f"Undo {n}",
                "sex": "male",
            },
        )
        officers.append(r.json()["id"])
    base = f"/modules/{module['id']}/nominations/imports"

    async def applied(rows: list[str]) -> dict:
        planned = (
            await focal.post(
                base, files={"file": ("n.csv", csv_file([[o] for o in rows], header=["officer_id"]), "text/csv")}
            )
        ).json()
        r = await focal.post(f"{base}/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
        assert r.status_code == 200, r.text
        return planned

    first = await applied(officers[:2])
    r = await focal.post(f"{base}/{first['id']}/undo")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "undone"
    listed = (await client.get(f"/modules/{module['id']}/nominations", params={"limit": 50})).json()["items"]
    assert {n["officer_id"]: n["status"] for n in listed} == {officers[0]: "withdrawn", officers[1]: "withdrawn"}
    assert_problem(await focal.post(f"{base}/{first['id']}/undo"), 409, "/problems/import-not-applied")  # once

    # A nominee decided since: undo names the row and withdraws no one.
    second = await applied([officers[2]])
    nomination = next(
        n
        for n in (await client.get(f"/modules/{module['id']}/nominations", params={"limit": 50})).json()["items"]
        if n["officer_id"] == officers[2]
    )
    assert (
        await client.post(f"/nominations/{nomination['id']}/decision", json={"decision": "accept"})
    ).status_code == 200
    body = assert_problem(await focal.post(f"{base}/{second['id']}/undo"), 409, "/problems/touched-since")
    assert body["rows"] == [{"line": 2, "nomination_id": nomination["id"]}]
    assert (await client.get(f"/nominations/{nomination['id']}")).json()["status"] == "enrolled"
    # Another agency's focal point cannot reach the import at all.
    theirs = await sign_in("focal_point", agency_id=uuid.UUID(two_agencies["theirs"]))
    assert_problem(await theirs.post(f"{base}/{second['id']}/undo"), 404)
