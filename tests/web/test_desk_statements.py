"""The dashboard costs the same number of SQL statements with one module as with twenty (each
holding an item of every kind), through the API and as the coordinator's page."""

from __future__ import annotations

from datetime import timedelta

from domain.certificates.service import issue_certificates
from domain.db import utcnow
from domain.models.attendance import AttendanceMark, AttendanceStatus
from domain.models.enrolment import Nomination, NominationRole, NominationStatus
from tests.api.catalogue_data import ARRANGER
from tests.web.desk_data import desk_world, nominate, people, session


class Unsigned:
    """Signs nothing: the certificates' credentials do not matter to a count of statements."""

    def sign(self, claims: dict, *, typ: str = "JWT") -> str:
        return "unsigned"


async def _count(statements, client, url: str) -> int:
    await client.get(url)  # the first touch warms what is cached per process
    statements.count = 0
    r = await client.get(url)
    assert r.status_code == 200, r.text
    return statements.count


async def test_the_attention_api_and_page_cost_the_same_with_1_and_with_20_modules(db, sign_in, person, statements):
    api, page = [], []
    for size in (1, 20):
        world = await desk_world(db, modules=size)
        coordinator = await sign_in("coordinator", programme_ids=[world.programme.id])
        api.append(await _count(statements, coordinator, "/attention?limit=200"))
        body = (await coordinator.get("/attention?limit=200")).json()
        assert body["pending_nominations"]["total"] == size and body["upcoming_sessions"]["total"] >= size
        browser = await person("coordinator", programme_ids=[world.programme.id])
        page.append(await _count(statements, browser, "/coordinator"))
    assert api[0] == api[1], api
    assert page[0] == page[1], page
    print(f"\nattention: {api[0]} statements through the API, {page[0]} as the page, with 1 or 20 modules")


async def _grow(db, world, size: int) -> None:
    """`size` more of everything the module page lists: nominations to decide, waiting ones,
    sessions, participants on the roster (with marks), and certificates of the delivered module."""
    m = world.modules[0]
    sexes = "fm" * size
    for officer_id in await people(db, world.b.id, sexes[:size], f"grow-{size}-pending"):
        await nominate(db, m.module.id, officer_id)
    for officer_id in await people(db, world.b.id, sexes[:size], f"grow-{size}-waiting"):
        await nominate(db, m.module.id, officer_id, "waitlist")
    start = utcnow().replace(microsecond=0) - timedelta(days=60)
    held = [await session(db, m.module.id, f"Extra {i}", start + timedelta(days=i), hours=2) for i in range(size)]
    for officer_id in await people(db, world.b.id, sexes[:size], f"grow-{size}-roster"):
        db.add(
            Nomination(
                module_id=m.module.id,
                officer_id=officer_id,
                agency_id=world.b.id,
                role=NominationRole.participant,
                status=NominationStatus.enrolled,
                nominated_by="test",
            )
        )
        for s in held:
            db.add(
                AttendanceMark(session_id=s.id, officer_id=officer_id, status=AttendanceStatus.present, recorded_by="t")
            )
    for officer_id in await people(db, world.a.id, sexes[:size], f"grow-{size}-done"):
        db.add(
            Nomination(
                module_id=world.delivered.id,
                officer_id=officer_id,
                agency_id=world.a.id,
                role=NominationRole.participant,
                status=NominationStatus.completed,
                nominated_by="test",
            )
        )
    await db.flush()
    await issue_certificates(db, principal=ARRANGER, keyring=Unsigned(), module_id=world.delivered.id)
    await db.flush()


async def test_the_module_page_costs_the_same_however_many_rows_it_shows(db, person, statements):
    counts = []
    for size in (1, 25):
        world = await desk_world(db)
        await _grow(db, world, size)
        browser = await person("coordinator", programme_ids=[world.programme.id])
        module = await _count(statements, browser, f"/coordinator/modules/{world.modules[0].module.id}")
        delivered = await _count(statements, browser, f"/coordinator/modules/{world.delivered.id}")
        page = (await browser.get(f"/coordinator/modules/{world.modules[0].module.id}")).text
        assert page.count('class="card nominee"') >= 2 * size
        counts.append((module, delivered))
    assert counts[0] == counts[1], counts
    print(f"\nmodule page: {counts[0][0]} statements (a delivered one: {counts[0][1]}), with 1 or 25 rows of each kind")
