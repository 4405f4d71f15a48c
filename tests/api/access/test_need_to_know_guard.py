"""The guard that every API test runs under (tests/need_to_know_guard.py) catches a personal-data
query that carries no need-to-know condition, and lets through one that does or says why not."""

from sqlalchemy import func, select

from domain.access import need_to_know
from domain.auth.principal import Principal, Role
from domain.enrolment.models import Nomination
from domain.officers.models import Officer
from tests.need_to_know_guard import GUARDED, NeedToKnowGuard


async def test_a_query_without_need_to_know_is_caught(db):
    db.info[GUARDED] = True
    focal = Principal(id=None, name="probe", role=Role.focal_point)
    with NeedToKnowGuard() as guard:
        await db.execute(select(Officer.name_latin))
        await db.execute(select(Nomination.id).where(Nomination.officer_id.in_(select(Officer.id))))
    assert len(guard.bypasses) == 2
    with NeedToKnowGuard() as guard:
        await db.execute(select(Officer.name_latin).where(need_to_know.officers(focal)))
        await db.execute(select(Nomination.id).where(need_to_know.nominations(focal)))
        await db.execute(need_to_know.internal(select(func.count(Officer.id)), "a count for the probe"))
    assert guard.bypasses == []
