"""The knowledge-gain and indicator reports send the same number of SQL statements for 1
participation in 1 module and for 200 in 5 modules (more agencies, modules and scores), as JSON,
CSV and XLSX, with and without a period, for an administrator, an observer and a focal point."""

from __future__ import annotations

import uuid

import pytest

from tests.api.catalogue_data import disciplines, programme  # noqa: F401  (fixtures)
from tests.api.test_statement_counts_reports import add_rows, plan  # noqa: F401  (fixture)

SOURCES = ("trained_individuals", "women_share", "increased_knowledge", "reaction_mean", "entered")


@pytest.fixture
async def indicators(client, plan):  # noqa: F811
    for i, source in enumerate(SOURCES):
        r = await client.post(
            f"/cycles/{plan['cycle_id']}/indicators",
            json={"code": f"OP-{i}", "title": source, "unit": "persons", "source": source},
        )
        assert r.status_code == 201, r.text
    r = await client.post(
        f"/cycles/{plan['cycle_id']}/indicators/{r.json()['id']}/values",
        json={"period_start": "2025-01-01", "period_end": "2025-06-30", "value": 4, "evidence": "Letters"},
    )
    assert r.status_code == 201, r.text
    return plan


def requests(cycle_id: str) -> list[tuple[str, dict]]:
    report, gain = f"/cycles/{cycle_id}/indicator-report", f"/reports/cycles/{cycle_id}/knowledge-gain"
    period = {"period_start": "2025-01-01", "period_end": "2025-12-31"}
    out = [(report, {}), (report, period)] + [(report, {"format": f, **period}) for f in ("csv", "xlsx")]
    return out + [(gain, {}), (gain, {"from": "2025-01-01", "to": "2025-12-31"}), (gain, {"format": "csv"})]


async def count(callers: dict, cycle_id: str, statements) -> dict[str, int]:
    counts = {}
    for who, caller in callers.items():
        for url, params in requests(cycle_id):
            before = statements.count
            r = await caller.get(url, params=params)
            assert r.status_code == 200, (url, params, r.text)
            counts[f"{who} {url.split('/')[-1]} {sorted(params.items())}"] = statements.count - before
    return counts


async def test_statements_do_not_grow_with_modules_and_participants(client, db, sign_in, indicators, statements):
    plan = indicators
    callers = {
        "admin": client,
        "observer": await sign_in("observer"),
        "focal point": await sign_in("focal_point", agency_id=uuid.UUID(plan["agencies"]["root"])),
    }
    await add_rows(client, db, plan, 1, modules=1)
    one = await count(callers, plan["cycle_id"], statements)
    await add_rows(client, db, plan, 199, modules=4)
    many = await count(callers, plan["cycle_id"], statements)
    body = (await client.get(f"/cycles/{plan['cycle_id']}/indicator-report")).json()
    assert body["indicators"][0]["current_value"] > 1  # the 200 participations are really counted
    assert many == one
    assert min(one.values()) > 0
