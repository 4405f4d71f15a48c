"""Donor results as pages: the gender balance and a cycle's results show the very figures of the
API's report for the same filters, in English and in Arabic; an observer reads what the API gives an
observer (small counts withheld, shown as withheld with the reason), and lands there; the CSV and
XLSX files are headed in the person's language; focal points and trainers get the missing page."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from openpyxl import load_workbook

from tests.api import report_data
from tests.api.catalogue_data import disciplines, programme  # noqa: F401  (fixtures)
from tests.web.test_desk_pages import like_missing

STAGES = ("nominated", "enrolled", "attended", "completed")
WITHHELD = {"en": "Suppressed", "ar": "محجوب"}


@pytest.fixture
async def scenario(client, db, programme, disciplines):  # noqa: F811
    return await report_data.build(client, db, programme)


def cells(page: str, row_id: str) -> list[str]:
    """The texts of a table row's data cells, as a person reads them."""
    found = re.search(rf'<tr id="{re.escape(row_id)}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"no row {row_id}"
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", found.group(1), re.S)]


def expected(split: dict, lang: str) -> list[str]:
    return [WITHHELD[lang] if split[x] is None else str(split[x]) for x in ("female", "male", "total")]


def balance_cells(row: dict, measure: str, lang: str) -> list[str]:
    return [c for stage in STAGES for c in expected(row[stage][measure], lang)]


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("role", ["observer", "coordinator"])
async def test_the_gender_balance_page_shows_the_api_figures(sign_in, person, scenario, lang, role):
    s = scenario
    binding = {"programme_ids": [uuid.UUID(s.programme_id)]} if role == "coordinator" else {}
    api = await sign_in(role, **binding)
    browser = await person(role, language=lang, **binding)
    for params in ({"group_by": "agency"}, {"group_by": "module", "discipline": "ilp"}):
        report = (await api.get("/reports/gender-balance", params={"cycle_id": s.cycle_id, **params})).json()
        page = await browser.get("/results", params={"cycle": s.cycle_id, **params})
        assert page.status_code == 200
        for row in report["rows"] + [report["totals"]]:
            for measure in ("participations", "persons"):
                shown = cells(page.text, f"{measure}-{row['key'] or 'totals'}")
                assert shown[:12] == balance_cells(row, measure, lang), (row["label"], measure)
        if role == "observer":
            assert report["suppression"]["applied"] and WITHHELD[lang] in page.text
            reason = "Suppressed: counts from 1 to 2 could identify a person" if lang == "en" else "من ١ إلى ٢"
            assert reason in page.text or (lang == "ar" and "من 1 إلى 2" in page.text)
        else:
            assert not report["suppression"]["applied"] and 'class="suppressed"' not in page.text
        assert 'src="/results/gender-balance.svg?' in page.text
        assert 'href="/results/gender-balance.csv?' in page.text and 'href="/results/gender-balance.xlsx?' in page.text


@pytest.mark.parametrize("lang", ["en", "ar"])
async def test_the_cycle_results_page_shows_the_api_figures(sign_in, person, scenario, lang):
    s = scenario
    api = await sign_in("observer")
    browser = await person("observer", language=lang)
    report = (await api.get(f"/reports/cycles/{s.cycle_id}/results")).json()
    page = (await browser.get("/results/cycle", params={"cycle": s.cycle_id})).text
    assert cells(page, "individuals-trained") == expected(report["individuals_trained"], lang)
    assert cells(page, "knowledge-increased") == expected(report["knowledge_increased"], lang)
    for a in report["trained_by_agency"]:
        assert cells(page, f"agency-{a['agency_id']}") == expected(a["persons"], lang) + expected(
            a["participations"], lang
        )
    for row in report["scorecard"]:
        counts = [WITHHELD[lang] if row[k] is None else str(row[k]) for k in ("nominated", "enrolled", "completed")]
        assert cells(page, f"scorecard-{row['agency_id']}")[:3] == counts
    assert WITHHELD[lang] in page  # an observer's small counts
    assert not any(name in page for name in s.names)  # aggregates only


async def test_observers_land_on_the_results_and_the_chart_is_the_api_chart(sign_in, person, scenario):
    s = scenario
    observer = await person("observer")
    home = await observer.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/results"
    page = (await observer.get("/results")).text
    assert '<a href="/results" aria-current="page">Results</a>' in page
    chart = await observer.get("/results/gender-balance.svg", params={"cycle": s.cycle_id})
    api = await (await sign_in("observer")).get(
        "/reports/gender-balance", params={"cycle_id": s.cycle_id, "format": "svg"}
    )
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.text == api.text  # the same chart, in English
    arabic = await person("observer", language="ar")
    drawn = (await arabic.get("/results/gender-balance.svg", params={"cycle": s.cycle_id})).text
    assert "الحصة" in drawn or "النساء" in drawn
    assert re.findall(r'data-share="[^"]+"', drawn) == re.findall(r'data-share="[^"]+"', api.text)


async def test_the_files_are_headed_in_the_persons_language(person, sign_in, scenario):
    s = scenario
    api = await sign_in("observer")
    english = await person("observer")
    arabic = await person("observer", language="ar")
    params = {"cycle": s.cycle_id, "group_by": "agency"}
    mine = await english.get("/results/gender-balance.csv", params=params)
    theirs = await api.get(
        "/reports/gender-balance", params={"cycle_id": s.cycle_id, "group_by": "agency", "format": "csv"}
    )
    assert mine.status_code == 200 and "attachment" in mine.headers["content-disposition"]
    assert mine.content == theirs.content  # English: the API's very file
    csv_ar = (await arabic.get("/results/gender-balance.csv", params=params)).content.decode("utf-8-sig")
    header = csv_ar.splitlines()[0]
    assert "المجموعة" in header and "Group" not in header
    assert csv_ar.splitlines()[1:] != [] and "محجوب" in csv_ar  # withheld cells say so, in Arabic
    xlsx = await arabic.get("/results/cycle.xlsx", params={"cycle": s.cycle_id})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    first = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert "القسم" in first and "Section" not in first


async def test_those_who_may_not_read_results_get_the_missing_page(person, scenario, db):
    s = scenario
    for role, binding in (("focal_point", {}), ("trainer", {})):
        browser = await person(role, **binding)
        gone = await browser.get(f"/coordinator/cycles/{uuid.uuid4()}/planner")
        for url in ("/results", f"/results/cycle?cycle={s.cycle_id}", "/results/gender-balance.csv"):
            assert like_missing(await browser.get(url), gone), (role, url)
    outsider = await person("coordinator", programme_ids=[])
    missing = await outsider.get(f"/results/cycle?cycle={s.cycle_id}")
    assert missing.status_code == 404  # another programme's cycle
    reversed_period = await outsider.get("/results", params={"from": "2025-03-01", "to": "2025-01-01"})
    assert reversed_period.status_code == 422 and "The period ends before it starts." in reversed_period.text
