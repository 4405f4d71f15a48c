"""Officers imports through HTTP: the plan writes nothing, apply writes exactly it (or nothing
when a planned row changed), undo restores the earlier values (or names what changed since)."""

from __future__ import annotations

import json

from tests.api.imports.helpers import by_line, csv_file, plan
from tests.problems import assert_problem


async def _agency(client, name: str, parent: str | None = None, acronym: str | None = None) -> str:
    r = await client.post(
        "/agencies",
        json={"name_en": name, "name_ar": "جهة " + name, "kind": "police", "parent_id": parent, "acronym": acronym},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _stored(client, external_id: str) -> dict | None:
    r = await client.get(
        "/officers", params={"external_source": "mission-hr", "external_id": external_id, "status": "all"}
    )
    items = r.json()["items"]
    return items[0] if items else None


async def test_plan_writes_nothing_and_reports_every_row(client):
    agency = await _agency(client, "Import Police", acronym="IMP")
    existing = await client.put(
        "/officers/by-external-id/mission-hr/HR-1",
        json={
            "agency_id": agency,
            "full_name_ar": "علي حسن كريم",
            "name_latin": "Ali Hassan Kareem",
            "sex": "male",
            "rank": "Captain",
        },
    )
    namesake = await client.put(
        "/officers/by-external-id/other/X-1",
        json={"agency_id": agency, "full_name_ar": "زينب عباس جاسم", "name_latin": "Zainab Abbas", "sex": "female"},
    )
    content = csv_file(
        [
            ["HR-1", "علي حسن كريم", "Ali Hassan Kareem", "male", agency, "Major"],  # 2: update rank
            ["HR-2", "عمر خالد سلمان", "Omar Khalid", "male", agency, ""],  # 3: create
            ["HR-3", "Omar", "Omar", "male", agency, ""],  # 4: Arabic name in Latin script
            ["HR-4", "مريم ناصر", "Maryam Nasser", "x", agency, ""],  # 5: bad sex
            ["HR-2", "عمر خالد سلمان", "Omar Khalid", "male", agency, ""],  # 6: repeated key
            ["HR-5", "زينب عباس جاسم", "Zainab A.", "female", agency, ""],  # 7: namesake
        ]
    )
    planned = await plan(client, content)
    rows = by_line(planned)
    assert rows[2]["action"] == "update" and rows[2]["changes"] == {"rank": ["Captain", "Major"]}
    assert rows[2]["officer_id"] == existing.json()["id"]
    assert rows[3]["action"] == "create"
    assert rows[4]["action"] == "error" and rows[4]["problems"][0]["column"] == "full_name_ar"
    assert rows[5]["problems"][0] == {
        "column": "sex",
        "rule": "invalid-value",
        "message": rows[5]["problems"][0]["message"],
    }
    assert rows[6]["problems"][0]["rule"] == "key-repeated"
    assert rows[7]["action"] == "possible_duplicate" and rows[7]["candidates"][0]["id"] == namesake.json()["id"]
    assert (
        planned["counts"] | {} == planned["counts"]
        and planned["counts"]["create"] == 1
        and planned["counts"]["error"] == 3
    )
    assert planned["status"] == "planned" and len(planned["plan_hash"]) == 64
    assert (await _stored(client, "HR-2")) is None  # nothing written
    assert (await _stored(client, "HR-1"))["rank"] == "Captain"
    report = await client.get(f"/officers/imports/{planned['id']}", params={"format": "csv"})
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    assert "key-repeated" in report.text
    xlsx = await client.get(f"/officers/imports/{planned['id']}", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


async def test_apply_writes_exactly_the_plan_and_a_repeat_changes_nothing(client):
    agency = await _agency(client, "Apply Police")
    await client.put(
        "/officers/by-external-id/mission-hr/A-1",
        json={
            "agency_id": agency,
            "full_name_ar": "حيدر سالم",
            "name_latin": "Haider Salem",
            "sex": "male",
            "rank": "Captain",
        },
    )
    content = csv_file(
        [
            ["A-1", "حيدر سالم", "Haider Salem", "male", agency, "Major"],
            ["A-2", "سارة يوسف", "Sara Yousif", "female", agency, ""],
        ]
    )
    planned = await plan(client, content)
    assert_problem(
        await client.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": "0" * 64}),
        409,
        "/problems/plan-hash-mismatch",
    )
    applied = await client.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
    assert applied.status_code == 200, applied.text
    assert applied.json()["status"] == "applied" and applied.json()["result"]["written"] == {
        "create": 1,
        "update": 1,
        "deactivate": 0,
    }
    assert (await _stored(client, "A-1"))["rank"] == "Major"
    created = await _stored(client, "A-2")
    assert (
        created["sex"] == "female"
        and created["version"] == 1
        and created["external_ids"] == [{"source": "mission-hr", "id": "A-2"}]
    )
    again = await plan(client, content)
    assert again["counts"]["unchanged"] == 2 and again["counts"]["create"] == again["counts"]["update"] == 0
    audit = await client.get("/audit", params={"entity": "officer", "entity_id": created["id"]})
    assert [e["action"] for e in audit.json()["items"]] == ["created"]
    assert_problem(
        await client.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]}),
        409,
        "/problems/import-not-planned",
    )


async def test_a_plan_whose_rows_changed_before_apply_is_refused_and_nothing_is_written(client):
    agency = await _agency(client, "Stale Police")
    first = await client.put(
        "/officers/by-external-id/mission-hr/S-1",
        json={"agency_id": agency, "full_name_ar": "كريم فلاح", "name_latin": "Kareem Falah", "sex": "male"},
    )
    content = csv_file(
        [
            ["S-1", "كريم فلاح", "Kareem Falah", "male", agency, "Major"],
            ["S-2", "نور حميد", "Noor Hameed", "female", agency, ""],
        ]
    )
    planned = await plan(client, content)
    await client.patch(f"/officers/{first.json()['id']}", json={"job_title": "Analyst"})  # changed since planning
    r = await client.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
    body = assert_problem(r, 409, "/problems/plan-outdated")
    assert body["rows"] == [{"line": 2, "officer_id": first.json()["id"]}]
    assert (await _stored(client, "S-2")) is None
    assert (await _stored(client, "S-1"))["rank"] is None
    assert (await client.get(f"/officers/imports/{planned['id']}")).json()["status"] == "planned"


async def test_undo_restores_earlier_values_and_refuses_records_touched_since(client):
    agency = await _agency(client, "Undo Police")
    kept = await client.put(
        "/officers/by-external-id/mission-hr/U-1",
        json={
            "agency_id": agency,
            "full_name_ar": "يوسف رشيد",
            "name_latin": "Yousif Rasheed",
            "sex": "male",
            "rank": "Captain",
        },
    )
    content = csv_file(
        [
            ["U-1", "يوسف رشيد", "Yousif Rasheed", "male", agency, "Colonel"],
            ["U-2", "هدى جاسم", "Huda Jassim", "female", agency, "Lieutenant"],
        ]
    )
    planned = await plan(client, content)
    await client.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
    undone = await client.post(f"/officers/imports/{planned['id']}/undo")
    assert undone.status_code == 200, undone.text
    assert undone.json()["status"] == "undone"
    restored = await _stored(client, "U-1")
    assert restored["rank"] == "Captain" and restored["version"] == kept.json()["version"] + 2
    assert (await _stored(client, "U-2")) is None
    # Touched since: a second import, then a change by hand; undo names it and changes nothing.
    planned = await plan(client, content)
    await client.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
    await client.patch(f"/officers/{kept.json()['id']}", json={"job_title": "Chief"})
    body = assert_problem(await client.post(f"/officers/imports/{planned['id']}/undo"), 409, "/problems/touched-since")
    assert body["rows"] == [{"line": 2, "officer_id": kept.json()["id"]}]
    assert (await _stored(client, "U-1"))["rank"] == "Colonel" and (await _stored(client, "U-2")) is not None


async def test_complete_file_deactivates_the_missing_with_a_brake(client):
    agency = await _agency(client, "Complete Police")
    unit = await _agency(client, "Complete Unit", agency)
    for n in range(10):
        await client.put(
            f"/officers/by-external-id/mission-hr/C-{n}",
            json={"agency_id": unit, "full_name_ar": f"ضابط رقم {n}", "name_latin": f"Officer {n}", "sex": "male"},
        )
    content = csv_file([[f"C-{n}", f"ضابط رقم {n}", f"Officer {n}", "male", unit, ""] for n in range(8)])
    refused = await client.post(
        "/officers/imports",
        params={"source": "mission-hr", "complete_for_agency_id": agency},
        files={"file": ("o.csv", content, "text/csv")},
    )
    body = assert_problem(refused, 422, "/problems/deactivation-brake")
    assert body["deactivations"] == 2 and body["active"] == 10
    planned = await plan(client, content, complete_for_agency_id=agency, force="true")
    gone = [r for r in planned["rows"] if r["action"] == "deactivate"]
    assert len(gone) == 2 and all(r["line"] is None for r in gone)
    await client.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
    assert (await _stored(client, "C-9"))["active"] is False
    undone = await client.post(f"/officers/imports/{planned['id']}/undo")
    assert undone.status_code == 200 and (await _stored(client, "C-9"))["active"] is True
    lenient = await plan(client, content, complete_for_agency_id=agency, deactivation_threshold="0.25")
    assert lenient["counts"]["deactivate"] == 2


async def test_json_rows_xlsx_national_id_key_and_clearing_empty_cells(client):
    import io

    from openpyxl import Workbook

    await _agency(client, "Formats Police", acronym="FMT")
    rows = [
        {
            "national_id": "NI-1",
            "full_name_ar": "فاطمة كاظم",
            "name_latin": "Fatima Kadhim",
            "sex": "F",
            "agency_code": "fmt",
            "rank": "Captain",
        }
    ]
    r = await client.post(
        "/officers/imports",
        params={"key": "national_id"},
        content=json.dumps({"rows": rows}),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["rows"][0]["action"] == "create" and r.json()["file_format"] == "json"
    await client.post(f"/officers/imports/{r.json()['id']}/apply", json={"plan_hash": r.json()["plan_hash"]})
    book = Workbook()
    sheet = book.active
    sheet.append(["national_id", "rank", "job_title"])
    sheet.append(["NI-1", None, "Analyst"])
    buffer = io.BytesIO()
    book.save(buffer)
    planned = await plan(
        client,
        buffer.getvalue(),
        filename="o.xlsx",
        key="national_id",
        empty_cells="clear",
        media="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert planned["file_format"] == "xlsx"
    assert planned["rows"][0]["changes"] == {"rank": ["Captain", None], "job_title": [None, "Analyst"]}
    kept = await plan(client, buffer.getvalue(), filename="o.xlsx", key="national_id")
    assert kept["rows"][0]["changes"] == {"job_title": [None, "Analyst"]}


async def test_bad_files_and_options_are_422_naming_the_field(client):
    r = await client.post(
        "/officers/imports",
        params={"source": "mission-hr"},
        content=b"\xff\xfe garbage",
        headers={"Content-Type": "text/csv"},
    )
    assert {e["field"] for e in assert_problem(r, 422)["errors"]} == {"file"}
    r = await client.post("/officers/imports", content=b"external_id\nx\n", headers={"Content-Type": "text/csv"})
    assert assert_problem(r, 422)["errors"][0]["message"].startswith("Value error, key=external_id needs")
    r = await client.post(
        "/officers/imports", params={"source": "s"}, content=b"{}", headers={"Content-Type": "application/xml"}
    )
    assert_problem(r, 422)


async def test_erasure_redacts_the_persons_import_rows(client):
    agency = await _agency(client, "Erasure Police")
    planned = await plan(client, csv_file([["E-1", "رنا سالم", "Rana Salem", "female", agency, "Captain"]]))
    await client.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
    officer = await _stored(client, "E-1")
    assert (await client.post(f"/officers/{officer['id']}/erasure")).status_code == 200
    report = await client.get(f"/officers/imports/{planned['id']}", params={"format": "csv"})
    assert "E-1" not in report.text and "Rana" not in report.text and "create" in report.text
