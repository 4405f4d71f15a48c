"""One demo account per role, with published demo passwords (demo data only: never use these
anywhere real). `make run` prints them and the README lists them."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.accounts.schemas import UserCreate
from domain.accounts.service import create_user
from domain.auth.principal import Role
from domain.models.auth import User
from seeds.tally import SEED, Tally

# username, password, role, binding
DEMO_ACCOUNTS = [
    ("admin", "demo-admin-2026", Role.admin),
    ("coordinator", "demo-coordinator-2026", Role.coordinator),
    ("focal.moi", "demo-focal-point-2026", Role.focal_point),
    ("trainer", "demo-trainer-2026", Role.trainer),
    ("observer", "demo-observer-2026", Role.observer),
]
# Where their messages go (fictional, reserved example domains).
DEMO_EMAILS = {
    "admin": "admin@example.org",
    "coordinator": "coordinator@example.org",
    "focal.moi": "focal.moi@example.iq",
    "trainer": "trainer@example.org",
}


async def load_accounts(
    session: AsyncSession,
    tally: Tally,
    *,
    agency_ids: dict[str, uuid.UUID],
    programmes: dict[str, uuid.UUID],
    trainers: dict[str, uuid.UUID],
) -> None:
    existing = set(await session.scalars(select(User.username)))
    bindings = {
        Role.coordinator: {"programme_ids": [programmes["CT JUST"], programmes["CT PHARE"]]},
        Role.focal_point: {"agency_id": agency_ids["moi"]},
        Role.trainer: {"trainer_id": next(iter(trainers.values()))},
    }
    for username, password, role in DEMO_ACCOUNTS:
        if username in existing:
            tally.found("account")
            continue
        await create_user(
            session,
            principal=SEED,
            data=UserCreate(
                username=username,
                password=password,
                role=role,
                email=DEMO_EMAILS.get(username),
                **bindings.get(role, {}),
            ),
        )
        tally.made("account")


def credentials_text() -> str:
    return "\n".join(f"  {role.value:<12} {username:<12} {password}" for username, password, role in DEMO_ACCOUNTS)
