"""The planner costs the same number of SQL statements with one module as with twenty (each with its
sessions, a clash and a calendar warning), in the month and the week view, filtered or not."""

from __future__ import annotations

from tests.web.desk_data import TZ, desk_world
from tests.web.test_desk_statements import _count


async def test_the_planner_costs_the_same_with_1_and_with_20_modules(db, person, statements):
    counts = []
    for size in (1, 20):
        world = await desk_world(db, modules=size)
        on = world.modules[0].unready.starts_at.astimezone(TZ).date().isoformat()
        browser = await person("coordinator", programme_ids=[world.programme.id])
        base = f"/coordinator/cycles/{world.cycle.id}/planner?on={on}"
        month = await _count(statements, browser, base)
        week = await _count(statements, browser, base + "&view=week")
        filtered = await _count(statements, browser, base + f"&trainer={world.trainer.id}&agency={world.b.id}")
        page = (await browser.get(base)).text
        assert page.count('class="slot clashing"') >= size + 1  # every module's clash, and the companion's
        counts.append((month, week, filtered))
    assert counts[0] == counts[1], counts
    month, week, filtered = counts[0]
    print(f"\nplanner: {month} statements (month), {week} (week), {filtered} (filtered), with 1 or 20 modules")
