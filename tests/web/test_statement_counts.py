"""The pages' statements do not grow with the rows shown: a roster of 40 participants costs what
a roster of 1 does, "My sessions" with 20 sessions what it costs with 1 (and so do the API reads
behind them). Counted on the test engine (the `statements` fixture)."""

from __future__ import annotations

from datetime import timedelta

from tests.web.teaching_data import cycle, disciplines, programme, session, teaching_world  # noqa: F401


async def _count(statements, browser, url: str) -> int:
    statements.count = 0
    r = await browser.get(url)
    assert r.status_code == 200, r.text
    return statements.count


async def test_a_roster_of_40_costs_the_statements_of_a_roster_of_1(person, db, cycle, statements):
    counts = []
    for size in (1, 40):
        world = await teaching_world(db, cycle["id"], participants=size)
        trainer = await person("trainer", trainer_id=world.trainer.id)
        await _count(statements, trainer, f"/trainer/sessions/{world.started.id}")  # the session's first touch
        page = await trainer.get(f"/trainer/sessions/{world.started.id}")
        assert page.text.count('class="participant') == size
        counts.append(await _count(statements, trainer, f"/trainer/sessions/{world.started.id}"))
    assert counts[0] == counts[1], counts


async def test_my_sessions_with_20_earlier_sessions_costs_what_it_costs_with_1(person, db, cycle, statements):
    counts = []
    for extra in (1, 20):  # earlier sessions with attendance to take, beside the two coming ones
        world = await teaching_world(db, cycle["id"], participants=2)
        for i in range(extra):
            await session(db, world.module.id, world.trainer.id, timedelta(days=-10 - i, hours=i), f"Past {i}")
        trainer = await person("trainer", trainer_id=world.trainer.id)
        await _count(statements, trainer, "/trainer/sessions")
        counts.append(await _count(statements, trainer, "/trainer/sessions"))
    assert counts[0] == counts[1], counts


async def test_the_api_reads_behind_the_pages_do_not_grow_either(sign_in, db, cycle, statements):
    counts = []
    for size in (1, 40):
        world = await teaching_world(db, cycle["id"], participants=size)
        trainer = await sign_in("trainer", trainer_id=world.trainer.id)
        statements.count = 0
        assert (await trainer.get(f"/sessions/{world.started.id}/attendance-sheet")).status_code == 200
        assert (await trainer.get("/me/sessions")).status_code == 200
        counts.append(statements.count)
    assert counts[0] == counts[1], counts
