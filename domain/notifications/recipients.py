"""Who receives a message, with the address and language of their record at the time it is
decided: officers (read under domain/access/messages.recipients: only the people written to),
focal points (accounts bound to the officer's agency or to an agency above it) and trainers (the
accounts of the session's trainers). A person without an address still gets a message, kept
unsent, so that a coordinator sees who was not reached."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.access import messages as access
from domain.access.need_to_know import internal
from domain.auth.principal import Role
from domain.i18n import DEFAULT, supported
from domain.models.agencies import Agency
from domain.models.auth import User
from domain.models.catalogue import TrainingSession, session_trainers
from domain.models.enrolment import HOLDS_SEAT, ModuleQuota, Nomination
from domain.models.notifications import Message
from domain.models.officers import Officer


@dataclass(frozen=True)
class Person:
    """A recipient as their record says now."""

    key: str  # "officer:<id>" or "user:<id>": one message per cause, kind and person
    officer_id: uuid.UUID | None
    user_id: uuid.UUID | None
    address: str | None
    language: str
    name_ar: str | None = None  # officers: the authoritative Arabic-script name
    name_latin: str | None = None
    agency_id: uuid.UUID | None = None

    def name(self, tag: str) -> str | None:
        return self.name_ar if tag == "ar" else self.name_latin


def language_of(tag: str | None) -> str:
    """The served language a person's saved tag asks for; English when none or unserved."""
    return (supported(tag) if tag else None) or DEFAULT


def _officer(row: Any) -> Person:
    id_, agency_id, name_ar, name_latin, email, language = row
    return Person(f"officer:{id_}", id_, None, email, language_of(language), name_ar, name_latin, agency_id)


def _user(id_: uuid.UUID, email: str | None, language: str | None, agency_id: uuid.UUID | None = None) -> Person:
    return Person(f"user:{id_}", None, id_, email, language_of(language), agency_id=agency_id)


_OFFICER_COLUMNS = (
    Officer.id,
    Officer.agency_id,
    Officer.full_name_ar,
    Officer.name_latin,
    Officer.email,
    Officer.language,
)


# Built once (every accepted seat's messages read the officer and their focal points in the
# transaction of the decision): run with the ids as an expanding parameter.
_OFFICERS = select(*_OFFICER_COLUMNS).where(access.recipients(bindparam("officer_ids", expanding=True)))


async def officers(session: AsyncSession, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Person]:
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await session.execute(_OFFICERS, {"officer_ids": wanted})
    return {row[0]: _officer(row) for row in rows}


async def participants(session: AsyncSession, module_id: uuid.UUID) -> list[Person]:
    """The officers holding a seat on the module now."""
    seated = select(Nomination.officer_id).where(Nomination.module_id == module_id, Nomination.status.in_(HOLDS_SEAT))
    rows = await session.execute(
        select(*_OFFICER_COLUMNS).where(access.recipients(seated)).order_by(Officer.name_latin_key, Officer.id)
    )
    return [_officer(row) for row in rows]


def _focal_points_over() -> Any:
    theirs, target = aliased(Agency), aliased(Agency)
    return (
        select(User.id, User.email, User.language, User.agency_id, target.id)
        .join(theirs, theirs.id == User.agency_id)
        .join(target, func.substr(target.path, 1, func.length(theirs.path)) == theirs.path)
        .where(
            User.role == Role.focal_point,
            User.disabled.is_(False),
            target.id.in_(bindparam("agency_ids", expanding=True)),
        )
        .order_by(User.username)
    )


# Built once: its two aliases of the agencies cost more to build per call than the query takes.
_FOCAL_POINTS_OVER = _focal_points_over()


async def focal_points_over(session: AsyncSession, agency_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Person]]:
    """For each agency, the enabled focal points whose unit is that agency or one above it (a
    focal point of a ministry follows its directorates' officers)."""
    wanted = list(set(agency_ids))
    if not wanted:
        return {}
    rows = await session.execute(_FOCAL_POINTS_OVER, {"agency_ids": wanted})
    found: dict[uuid.UUID, list[Person]] = {a: [] for a in wanted}
    for user_id, email, language, unit, agency_id in rows:
        found[agency_id].append(_user(user_id, email, language, unit))
    return found


async def quota_agencies(session: AsyncSession, module_id: uuid.UUID) -> list[uuid.UUID]:
    """The agencies with seats reserved on the module (quotas not released)."""
    rows = await session.scalars(
        select(ModuleQuota.agency_id).where(
            ModuleQuota.module_id == module_id, ModuleQuota.seats > 0, ModuleQuota.released_at.is_(None)
        )
    )
    return list(rows)


async def trainer_accounts(session: AsyncSession, trainer_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Person]:
    """The enabled accounts of these trainers, by trainer id (a trainer without one has no address here)."""
    wanted = list(set(trainer_ids))
    if not wanted:
        return {}
    rows = await session.execute(
        select(User.id, User.email, User.language, User.trainer_id).where(
            User.role == Role.trainer, User.disabled.is_(False), User.trainer_id.in_(wanted)
        )
    )
    return {
        trainer_id: _user(user_id, email, language)
        for user_id, email, language, trainer_id in rows
        if trainer_id is not None
    }


async def trainers_of_sessions(
    session: AsyncSession, session_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, set[uuid.UUID]]:
    """Each session's trainer ids."""
    wanted = list(set(session_ids))
    found: dict[uuid.UUID, set[uuid.UUID]] = {s: set() for s in wanted}
    if wanted:
        rows = await session.execute(
            select(session_trainers.c.session_id, session_trainers.c.trainer_id).where(
                session_trainers.c.session_id.in_(wanted)
            )
        )
        for session_id, trainer_id in rows:
            found[session_id].add(trainer_id)
    return found


async def invited_accounts(session: AsyncSession, session_id: uuid.UUID) -> list[Person]:
    """The trainers' accounts that were sent an invitation to the session (its cancellation goes
    to them, the session and its trainers being gone)."""
    invited = internal(
        select(Message.user_id)
        .where(Message.session_id == session_id, Message.audience == "trainer", Message.ics_method == "REQUEST")
        .distinct(),
        "who was invited to a session, to send them its cancellation",
    )
    ids = [i for i in await session.scalars(invited) if i is not None]
    if not ids:
        return []
    rows = await session.execute(
        select(User.id, User.email, User.language).where(User.id.in_(ids), User.disabled.is_(False))
    )
    return [_user(user_id, email, language) for user_id, email, language in rows]


async def sessions_of(session: AsyncSession, module_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(TrainingSession.id).where(TrainingSession.module_id == module_id).order_by(TrainingSession.starts_at)
    )
    return list(rows)
