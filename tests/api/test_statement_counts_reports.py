"""Every report route sends the same number of SQL statements for a dataset of 1 row and of 200
rows (issue 12, item 4): gender balance by each group_by, with and without filters, as JSON, CSV,
XLSX and SVG; cycle results with and without a period, as JSON, CSV and XLSX. As an
administrator (exact figures), an observer (small counts withheld) and a focal point (their
agency subtree). Statements are counted on the test engine (before_cursor_execute)."""

from __future__ import annotations

import itertools
import uuid

import pytest
from sqlalchemy import update

from domain.models.catalogue import Module
from tests.api.catalogue_data import disciplines, make_cycle, make_module, programme  # noqa: F401  (fixtures)
from tests.api.report_data import Participation, insert_officers, insert_participations

SESSIONS = [
    ("2025-04-06T09:00:00+03:00", "2025-04-06T12:00:00+03:00"),
    ("2025-04-07T09:00:00+03:00", "2025-04-07T12:00:00+03:00"),
]
STATUSES = ["completed", "not_completed", "enrolled", "rejected", "waitlisted"]
MARKS = [["present", "late"], ["present", "no_show"], ["late", "excused"], [], []]
_serial = itertools.count()


@pytest.fixture
async def plan(client, programme, disciplines):  # noqa: F811
    agencies = {}
    for key, parent in (("root", None), ("unit", "root"), ("other", None)):
        r = await client.post(
            "/agencies",
            json={
                "name_en": f"Agency {key} {uuid.uuid4().hex[:6]}",
                "name_ar": "جهة",
                "kind": "police",
                "parent_id": agencies.get(parent),
            },
        )
        assert r.status_code == 201, r.text
        agencies[key] = r.json()["id"]
    cycle = await make_cycle(client, programme["id"], title=f"Counted cycle {uuid.uuid4().hex[:6]}")
    return {"agencies": agencies, "cycle_id": cycle["id"], "programme_id": programme["id"]}


async def add_rows(client, db, plan: dict, n: int, *, modules: int) -> None:
    """n nominations (with their marks and scores) spread over `modules` new delivered modules of
    the cycle, in two disciplines, nominated by the three agencies in turn."""
    ids, sessions = {}, {}
    for i in range(modules):
        module = await make_module(
            client,
            plan["cycle_id"],
            f"COUNT-{next(_serial)}",
            capacity=max(n, 1),
            discipline=("ilp", "osint")[i % 2],
            format=("course", "workshop")[i % 2],
        )
        ids[str(i)], sessions[str(i)] = module["id"], []
        for starts, ends in SESSIONS:
            r = await client.post(
                f"/modules/{module['id']}/sessions", json={"title": "Session", "starts_at": starts, "ends_at": ends}
            )
            assert r.status_code == 201, r.text
            sessions[str(i)].append(r.json()["id"])
        await db.execute(update(Module).where(Module.id == uuid.UUID(module["id"])).values(status="delivered"))
    serial = next(_serial)
    people = {
        f"P{serial}-{i}": ("female" if i % 3 == 0 else "male", ("root", "unit", "other")[i % 3]) for i in range(n)
    }
    officer_ids, _ = await insert_officers(db, people, plan["agencies"], serial)
    plays = [
        Participation(key, str(i % modules), STATUSES[i % 5], MARKS[i % 5], pre=50, post=50 + i % 7)
        for i, key in enumerate(people)
    ]
    await insert_participations(db, people, officer_ids, plan["agencies"], ids, sessions, plays)


def requests(plan: dict) -> list[tuple[str, dict]]:
    cycle_id, root = plan["cycle_id"], plan["agencies"]["root"]
    period = {"from": "2025-01-01", "to": "2025-12-31"}
    balance = "/reports/gender-balance"
    results = f"/reports/cycles/{cycle_id}/results"
    out = [(balance, {"group_by": g}) for g in ("module", "cycle", "agency", "discipline")]
    out += [
        (balance, {"group_by": g, "cycle_id": cycle_id, "agency_id": root, "discipline": "ilp", **period})
        for g in ("module", "cycle", "agency", "discipline")
    ]
    out += [(balance, {"group_by": "module", "programme_id": plan["programme_id"], **period})]
    out += [(balance, {"group_by": g, "format": f}) for g in ("module", "agency") for f in ("csv", "xlsx", "svg")]
    out += [(results, {}), (results, period)] + [(results, {"format": f}) for f in ("csv", "xlsx")]
    return out


async def count(callers: dict, plan: dict, statements) -> tuple[dict[str, int], int]:
    """The statements each request sent, and the nominations the administrator's totals show."""
    counts = {}
    for who, caller in callers.items():
        for url, params in requests(plan):
            before = statements.count
            r = await caller.get(url, params=params)
            assert r.status_code == 200, (url, params, r.text)
            counts[f"{who} {url.split('/')[-1]} {sorted(params.items())}"] = statements.count - before
    r = await callers["admin"].get("/reports/gender-balance", params={"cycle_id": plan["cycle_id"]})
    return counts, r.json()["totals"]["nominated"]["participations"]["total"]


async def test_report_statements_do_not_grow_from_1_row_to_200(client, db, sign_in, plan, statements):
    callers = {
        "admin": client,
        "observer": await sign_in("observer"),
        "focal point": await sign_in("focal_point", agency_id=uuid.UUID(plan["agencies"]["root"])),
    }
    await add_rows(client, db, plan, 1, modules=1)
    one, shown = await count(callers, plan, statements)
    assert shown == 1
    await add_rows(client, db, plan, 199, modules=4)  # more rows, and more groups: modules, disciplines, agencies
    many, shown = await count(callers, plan, statements)
    assert shown == 200
    assert many == one
    assert min(one.values()) > 0
