"""The roster and the nomination list as CSV and XLSX: Excel-friendly, injection-safe, and
scoped exactly like the JSON (a focal point exports only their agency's people)."""

import csv
import io
import uuid

import openpyxl
import pytest

from tests.api.catalogue_data import cycle, disciplines, programme  # noqa: F401  (fixtures)
from tests.api.enrolment_data import agency, decide, nominate, officer, open_module


@pytest.fixture
async def module_with_people(client, cycle):
    mine, theirs = await agency(client, "Unit A"), await agency(client, "Unit B")
    module = await open_module(client, cycle["id"], "EXP-1")
    a = await officer(client, mine, full_name_ar="زينب عباس جاسم")
    b = await officer(client, theirs, full_name_ar="عمر خالد سلمان")
    for oid, note in ((a, '=HYPERLINK("http://x")'), (b, "+1 reliable")):
        nom = (await nominate(client, module["id"], oid, note=note)).json()
        await decide(client, nom["id"])
    return {"module": module, "mine": mine, "a": a, "b": b}


def read_csv(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf")  # BOM, so Excel shows Arabic
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


async def test_roster_csv_and_xlsx(client, module_with_people):
    m = module_with_people["module"]["id"]
    r = await client.get(f"/modules/{m}/roster", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = read_csv(r.content)
    assert {row["Name (Arabic)"] for row in rows} == {"زينب عباس جاسم", "عمر خالد سلمان"}
    x = await client.get(
        f"/modules/{m}/roster", headers={"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(x.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][1] == "Name (Arabic)" and len(values) == 3


async def test_nomination_csv_neutralises_formulas(client, module_with_people):
    m = module_with_people["module"]["id"]
    rows = read_csv((await client.get(f"/modules/{m}/nominations", params={"format": "csv"})).content)
    notes = {row["Note"] for row in rows}
    assert notes == {'\'=HYPERLINK("http://x")', "'+1 reliable"}


async def test_a_focal_point_exports_only_their_agency(client, sign_in, module_with_people):
    fp = await sign_in("focal_point", agency_id=uuid.UUID(module_with_people["mine"]))
    m = module_with_people["module"]["id"]
    roster = read_csv((await fp.get(f"/modules/{m}/roster", params={"format": "csv"})).content)
    assert [row["Officer id"] for row in roster] == [module_with_people["a"]]
    noms = read_csv((await fp.get(f"/modules/{m}/nominations", params={"format": "csv"})).content)
    assert [row["Officer id"] for row in noms] == [module_with_people["a"]]
    sheet = openpyxl.load_workbook(
        io.BytesIO((await fp.get(f"/modules/{m}/roster", params={"format": "xlsx"})).content)
    ).active
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [module_with_people["a"]]
