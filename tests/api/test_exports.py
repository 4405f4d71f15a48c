"""Reports as CSV (UTF-8 with BOM, formula injection neutralised), XLSX (read back with
openpyxl) and the gender-balance chart as SVG (parsed with xml.etree), by ?format= or Accept."""

from __future__ import annotations

import csv
import io
import uuid
import xml.etree.ElementTree as ET

import openpyxl
import pytest

from domain.models.enrolment import Nomination, NominationStatus
from tests.api import report_data
from tests.api.catalogue_data import disciplines, programme  # noqa: F401  (fixtures)
from tests.api.report_data import insert_officers

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SVG_NS = "{http://www.w3.org/2000/svg}"
RISKY_NAMES = ['=HYPERLINK("http://example.invalid","x")', "+1+2", "-2+3", "@SUM(A1)"]


@pytest.fixture
async def scenario(client, db, programme, disciplines):  # noqa: F811
    s = await report_data.build(client, db, programme)
    # Agencies whose names a spreadsheet would run as formulas, each with one enrolled officer.
    for i, name in enumerate(RISKY_NAMES):
        r = await client.post("/agencies", json={"name_en": name, "name_ar": "جهة خطرة", "kind": "police"})
        assert r.status_code == 201, r.text
        ids, _ = await insert_officers(db, {f"R{i}": ("male", "risky")}, {"risky": r.json()["id"]}, s.serial)
        db.add(
            Nomination(
                module_id=uuid.UUID(s.modules["ilp"]),
                officer_id=ids[f"R{i}"],
                agency_id=uuid.UUID(r.json()["id"]),
                role="participant",
                status=NominationStatus.submitted,
                nominated_by="test",
            )
        )
    await db.flush()
    return s


def read_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


async def test_gender_balance_as_csv_matches_the_json(client, scenario):
    params = {"cycle_id": scenario.cycle_id, "group_by": "agency"}
    data = (await client.get("/reports/gender-balance", params=params)).json()
    r = await client.get("/reports/gender-balance", params=params | {"format": "csv"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="gender-balance-by-agency.csv"'
    rows = read_csv(r.content)
    assert len(rows) == len(data["rows"]) + 1 and rows[-1]["Group"] == "Total"
    by_group = {row["Group"]: row for row in rows}
    moi = next(x for x in data["rows"] if x["label"].startswith("Ministry of Interior"))
    assert by_group[moi["label"]]["Enrolled: persons, female"] == str(moi["enrolled"]["persons"]["female"])
    assert by_group["Total"]["Completed: participations, total"] == str(
        data["totals"]["completed"]["participations"]["total"]
    )
    # Every formula-looking label is neutralised with a leading apostrophe.
    for name in RISKY_NAMES:
        assert "'" + name in by_group, name
        assert name not in by_group


async def test_accept_header_picks_the_format(client, scenario):
    url = f"/reports/cycles/{scenario.cycle_id}/results"
    as_csv = await client.get(url, headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = read_csv(as_csv.content)
    trained = next(r for r in rows if r["Section"] == "individuals_trained")
    assert (trained["Female"], trained["Male"], trained["Total"]) == ("7", "21", "28")
    preferred = await client.get(url, headers={"Accept": "application/json;q=0.5, text/csv;q=0.9"})
    assert preferred.headers["content-type"].startswith("text/csv")
    as_json = await client.get(url, headers={"Accept": "text/html, */*;q=0.1"})
    assert as_json.headers["content-type"].startswith("application/json")
    query_wins = await client.get(url, params={"format": "json"}, headers={"Accept": "text/csv"})
    assert query_wins.headers["content-type"].startswith("application/json")


async def test_xlsx_reads_back_with_openpyxl(client, scenario):
    params = {"cycle_id": scenario.cycle_id, "group_by": "agency"}
    data = (await client.get("/reports/gender-balance", params=params)).json()
    r = await client.get("/reports/gender-balance", params=params, headers={"Accept": XLSX})
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert r.headers["content-disposition"] == 'attachment; filename="gender-balance-by-agency.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    table = list(sheet.iter_rows(values_only=True))
    header = list(table[0])
    assert header[:3] == ["Key", "Group", "Nominated: persons, female"]
    rows = {row[1]: dict(zip(header, row)) for row in table[1:]}
    totals = rows["Total"]
    assert totals["Enrolled: persons, total"] == data["totals"]["enrolled"]["persons"]["total"]
    assert totals["Female share of enrolled participations"] == pytest.approx(
        data["totals"]["female_share_enrolled"]["participations"]
    )
    for name in RISKY_NAMES:
        assert name in rows  # kept as text...
    for row in sheet.iter_rows(min_row=2, max_col=2):
        assert row[1].data_type == "s"  # ...never as a formula
    results = await client.get(f"/reports/cycles/{scenario.cycle_id}/results", params={"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(results.content))
    assert book.active.cell(1, 1).value == "Section"


async def test_observer_exports_say_suppressed(sign_in, scenario):
    observer = await sign_in("observer")
    r = await observer.get(
        "/reports/gender-balance", params={"cycle_id": scenario.cycle_id, "group_by": "agency", "format": "csv"}
    )
    rows = read_csv(r.content)
    inis = next(row for row in rows if row["Group"].startswith("National Intelligence Service"))
    assert inis["Enrolled: persons, female"] == "suppressed"
    assert "Testofficer" not in r.content.decode("utf-8-sig")


def _svg(body: bytes):
    root = ET.fromstring(body)
    assert root.tag == f"{SVG_NS}svg"
    return root


def _by_class(root, tag: str, cls: str) -> list:
    return [e for e in root.iter(f"{SVG_NS}{tag}") if e.get("class") == cls]


async def test_gender_balance_chart(client, scenario):
    params = {"cycle_id": scenario.cycle_id}
    data = (await client.get("/reports/gender-balance", params=params)).json()
    r = await client.get("/reports/gender-balance", params=params | {"format": "svg"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    root = _svg(r.content)
    bars = _by_class(root, "rect", "bar")
    with_share = [
        row for row in [*data["rows"], data["totals"]] if row["female_share_enrolled"]["participations"] is not None
    ]
    assert len(bars) == len(with_share) == 4
    shares = sorted(float(b.get("data-share")) for b in bars)
    assert shares == sorted(row["female_share_enrolled"]["participations"] for row in with_share)
    targets = _by_class(root, "line", "target")
    assert len(targets) == 4 and all(t.get("stroke-dasharray") for t in targets)
    assert sorted(float(t.get("data-target")) for t in targets) == sorted([0.25, 0.25, 0.4, data["totals"]["target"]])
    labels = [t.text for t in _by_class(root, "text", "label")]
    assert labels == [row["label"] for row in data["rows"]] + ["Total"]
    values = " ".join(t.text for t in _by_class(root, "text", "value"))
    assert "30%  (n=30)" in values and "20%  (n=5)" in values
    legend = " ".join(t.text for t in _by_class(root, "text", "legend"))
    assert "Target" in legend and "below target" in legend
    by_accept = await client.get("/reports/gender-balance", params=params, headers={"Accept": "image/svg+xml"})
    assert by_accept.headers["content-type"].startswith("image/svg+xml")


async def test_unknown_or_unoffered_formats_are_refused(client, scenario):
    r = await client.get(f"/reports/cycles/{scenario.cycle_id}/results", params={"format": "svg"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    r = await client.get("/reports/gender-balance", params={"format": "pdf"})
    assert r.status_code == 422
