"""The demo holds at least one item of every kind on the demo coordinator's dashboard (and the
webhook kind on the administrator's), dated from the day it is loaded, and the planner's clashing
session. Loads the demo once more (about five seconds): the other demo tests pin an old day."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

import seeds
from domain.attention.service import get_attention
from domain.auth.principal import Principal
from domain.db import utcnow
from domain.models.auth import User

KINDS = (
    "upcoming_sessions",
    "pending_nominations",
    "nomination_deadlines",
    "vettings",
    "modules_below_target",
    "agencies_below_target",
    "schedule_warnings",
    "attendance_to_take",
    "certificates_to_issue",
)


async def _principal(db, username: str) -> Principal:
    user = await db.scalar(select(User).where(User.username == username).options(selectinload(User.programmes)))
    return Principal(id=user.id, name=user.username, role=user.role, programme_ids=frozenset(user.programme_ids))


async def test_the_demo_puts_every_kind_on_the_coordinators_dashboard(db):
    await seeds.load(db, "demo")
    coordinator = await get_attention(db, principal=await _principal(db, "coordinator"), now=utcnow())
    empty = [kind for kind in KINDS if getattr(coordinator, kind).total == 0]
    assert empty == []
    codes = {i.module.code for i in coordinator.pending_nominations.items}
    assert "PHARE-05" in codes
    clashing = [s for s in coordinator.schedule_warnings.items if s.clashes]
    assert {s.module.code for s in clashing} >= {"PHARE-05", "PHARE-06"}
    assert any(c.resource.kind == "trainer" for s in clashing for c in s.clashes)
    admin = await get_attention(db, principal=await _principal(db, "admin"), now=utcnow())
    assert admin.failing_webhooks is not None and admin.failing_webhooks.total >= 1
    assert coordinator.failing_webhooks is None
    again = await seeds.load(db, "demo")
    assert again.created["desk module"] == 0 and again.created["disabled webhook"] == 0
