"""The demo gives the demo focal point of the Ministry of Interior an open call to nominate for, with
officers of both sexes of the ministry (and its sub-units) not nominated yet; a second load adds
nothing. Loads the demo once more (about five seconds)."""

from __future__ import annotations

from sqlalchemy import select

import seeds
from domain.auth.models import User
from domain.auth.principal import Principal
from domain.db import utcnow
from domain.focal_desk.calls import open_calls
from domain.focal_desk.mine import my_nominations
from domain.officers.service import OfficerFilters, list_officers
from seeds.focal import CODE


async def test_the_demo_focal_point_has_an_open_call_and_officers_of_both_sexes(db):
    await seeds.load(db, "demo")
    user = await db.scalar(select(User).where(User.username == "focal.moi"))
    focal = Principal(id=user.id, name=user.username, role=user.role, agency_id=user.agency_id)
    calls, _ = await open_calls(db, principal=focal, now=utcnow(), limit=50, cursor=None)
    call = next(c for c in calls if c.code == CODE)
    assert call.accepting and call.quota == 6 and call.left == 6 and call.nominated == 0
    officers, _ = await list_officers(db, principal=focal, filters=OfficerFilters(), limit=200, cursor=None)
    assert {o.sex.value for o in officers} == {"female", "male"}
    mine, _ = await my_nominations(db, principal=focal, limit=200, cursor=None, module_id=call.module_id)
    assert mine == []
    again = await seeds.load(db, "demo")
    assert again.created["focal call"] == 0
