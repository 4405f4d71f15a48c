"""The results pages cost the same number of SQL statements however many people the figures count:
the report scenario, then sixty more participants with marks and scores."""

from __future__ import annotations

import uuid

import pytest

from tests.api import report_data
from tests.api.catalogue_data import disciplines, programme  # noqa: F401  (fixtures)
from tests.web.test_desk_statements import _count


@pytest.fixture
async def scenario(client, db, programme, disciplines):  # noqa: F811
    return await report_data.build(client, db, programme)


async def test_the_results_pages_cost_the_same_with_ten_times_the_people(client, db, person, scenario, statements):
    s = scenario
    observer = await person("observer")
    coordinator = await person("coordinator", programme_ids=[uuid.UUID(s.programme_id)])
    urls = [
        f"/results?cycle={s.cycle_id}&group_by=agency&from=2025-01-01&to=2025-12-31",
        "/results?group_by=module",
        f"/results/cycle?cycle={s.cycle_id}",
        f"/results/gender-balance.xlsx?cycle={s.cycle_id}",
    ]

    async def counts() -> list[int]:
        return [await _count(statements, b, url) for b in (observer, coordinator) for url in urls]

    small = await counts()
    people = {f"X{i}": ("female" if i % 3 == 0 else "male", "unit" if i % 2 else "inis") for i in range(60)}
    assert await report_data.add_crowd(client, db, s, people) > 60
    assert await counts() == small, small
    print(f"\nresults: {small[0]} statements (gender balance), {small[2]} (cycle results), with 10x the people")
