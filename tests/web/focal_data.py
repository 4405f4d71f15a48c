"""The focal point's world: the coordinator's desk world (tests/web/desk_data.py), seen by the focal
point of its agency A, with more officers of A (a sub-unit's too) to nominate."""

from __future__ import annotations

from domain.agencies.schemas import AgencyCreate
from domain.agencies.service import create_agency
from tests.api.catalogue_data import ARRANGER
from tests.web.desk_data import desk_world, people


async def focal_world(db, *, officers: str = "fm"):
    world = await desk_world(db)
    world.unit = await create_agency(
        db,
        principal=ARRANGER,
        data=AgencyCreate(name_en="Sub-unit of A", name_ar="وحدة", kind="police", parent_id=world.a.id),
    )
    world.mine = await people(db, world.unit.id, officers, "mine")
    world.m = world.modules[0]
    await db.flush()
    return world
