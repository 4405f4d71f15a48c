"""The focal point's pages cost the same number of SQL statements with 1 row of each kind as with
25: open calls, my nominations (waiting, declined, enrolled), officers to choose from."""

from __future__ import annotations

from tests.web.desk_data import nominate, people
from tests.web.focal_data import focal_world


async def _count(statements, client, url: str) -> int:
    await client.get(url)  # the first touch warms what is cached per process
    statements.count = 0
    r = await client.get(url)
    assert r.status_code == 200, r.text
    return statements.count


async def test_the_focal_pages_cost_the_same_however_many_rows_they_show(db, person, statements):
    counts = []
    for size in (1, 25):
        world = await focal_world(db, officers="fm" * size)
        module = world.m.module.id
        for officer_id in world.mine[:size]:
            await nominate(db, module, officer_id, "waitlist")
        for officer_id in (await people(db, world.unit.id, "fm" * size, f"declined-{size}"))[:size]:
            await nominate(db, module, officer_id, "reject")
        for officer_id in (await people(db, world.unit.id, "f" * size, f"vetted-{size}"))[:size]:
            await nominate(db, world.vetted.id, officer_id, "waitlist")
        focal = await person("focal_point", agency_id=world.a.id)
        home = await _count(statements, focal, "/focal?")
        page = await _count(statements, focal, f"/focal/modules/{module}")
        meter = await _count(statements, focal, f"/focal/modules/{module}/meter?officer={world.mine[0]}")
        one = await _count(statements, focal, f"/focal/nominations/{world.m.enrolled}")
        text = (await focal.get("/focal")).text
        assert text.count('class="card mine"') == min(20, 3 * size + 4)
        counts.append((home, page, meter, one))
    assert counts[0] == counts[1], counts
    home, page, meter, one = counts[0]
    print(
        f"\nfocal: home {home}, a call's page {page}, meter {meter}, a nomination {one} statements, with 1 or 25 rows"
    )
