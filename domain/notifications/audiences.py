"""Each audience of kinds.RULES resolved for one cause: the people, and what each one's message
says beyond the cause (their seats, the names they follow, the sessions of their invitation)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.access.need_to_know import internal
from domain.enrolment.rules import Waiting, queue_key
from domain.models.agencies import Agency
from domain.models.enrolment import HOLDS_SEAT, ModuleQuota, Nomination, NominationStatus
from domain.notifications import recipients
from domain.notifications.facts import ModuleFacts, SessionFacts
from domain.notifications.kinds import Audience
from domain.notifications.recipients import Person


@dataclass(frozen=True)
class Cause:
    """What decides messages: an event of the change's transaction, or a reminder that fell due."""

    key: str  # "event:<id>" or "reminder:<kind>:<target>:<due date>": unique per cause
    on: str  # the event type, or "reminder:<ReminderKind>"
    facts: dict[str, Any]
    module_id: uuid.UUID | None
    session_id: uuid.UUID | None = None
    officer_id: uuid.UUID | None = None
    agency_id: uuid.UUID | None = None
    resource_id: str | None = None
    # The officer it is about as their record says, read once for all the cause's audiences (the
    # officer and the copy to their focal points): nothing is written between its decisions.
    about: dict[uuid.UUID, Person | None] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass
class Addressee:
    person: Person
    audience: str  # officer, copy, focal_point, trainer (as the log shows it)
    about: Person | None = None  # a copy: the officer it is about
    sessions: list[SessionFacts] = field(default_factory=list)  # of the invitation, if the rule sends one
    extra: dict[str, Any] = field(default_factory=dict)


def _cancelled_session(cause: Cause, module: ModuleFacts) -> SessionFacts | None:
    """A deleted session, as its cancellation event describes it."""
    starts, ends = cause.facts.get("starts_at"), cause.facts.get("ends_at")
    if cause.session_id is None or not starts or not ends:
        return None
    return SessionFacts(
        id=cause.session_id,
        title=module.title,
        starts_at=datetime.fromisoformat(starts),
        ends_at=datetime.fromisoformat(ends),
    )


def cause_session(cause: Cause, module: ModuleFacts) -> SessionFacts | None:
    return module.session(cause.session_id) or _cancelled_session(cause, module)


async def _about(session: AsyncSession, cause: Cause, officer_id: uuid.UUID) -> Person | None:
    if officer_id not in cause.about:
        cause.about[officer_id] = (await recipients.officers(session, [officer_id])).get(officer_id)
    return cause.about[officer_id]


async def _officer(session: AsyncSession, cause: Cause, module: ModuleFacts) -> list[Addressee]:
    if cause.officer_id is None:
        return []
    found = await _about(session, cause, cause.officer_id)
    if found is None:
        return []
    extra: dict[str, Any] = {}
    if cause.facts.get("status") == NominationStatus.waitlisted.value and cause.resource_id:
        extra["position"] = await waitlist_position(session, module.id, uuid.UUID(cause.resource_id))
    return [Addressee(found, "officer", sessions=list(module.sessions), extra=extra)]


async def _officer_focal_points(session: AsyncSession, cause: Cause, module: ModuleFacts) -> list[Addressee]:
    if cause.officer_id is None or cause.agency_id is None:
        return []
    about = await _about(session, cause, cause.officer_id)
    if about is None:
        return []
    extra: dict[str, Any] = {}
    if cause.facts.get("status") == NominationStatus.waitlisted.value and cause.resource_id:
        extra["position"] = await waitlist_position(session, module.id, uuid.UUID(cause.resource_id))
    focal = (await recipients.focal_points_over(session, [cause.agency_id]))[cause.agency_id]
    return [Addressee(p, "copy", about=about, extra=extra) for p in focal]


async def _quota_focal_points(session: AsyncSession, cause: Cause, module: ModuleFacts) -> list[Addressee]:
    agencies = [a for a, seats in module.quotas.items() if seats > 0]
    over = await recipients.focal_points_over(session, agencies)
    filled = await filled_by_quota(session, module.id)
    by_person: dict[str, Addressee] = {}
    for agency_id in agencies:
        for person in over[agency_id]:
            # A focal point over several agencies with quotas gets one message with their sum.
            addressee = by_person.setdefault(
                person.key, Addressee(person, "focal_point", extra={"seats": 0, "filled": 0})
            )
            addressee.extra["seats"] += module.quotas[agency_id]
            addressee.extra["filled"] += filled.get(agency_id, 0)
    return list(by_person.values())


async def _participants(session: AsyncSession, cause: Cause, module: ModuleFacts) -> list[Addressee]:
    one = cause_session(cause, module)
    return [
        Addressee(p, "officer", sessions=[one] if one else [])
        for p in await recipients.participants(session, module.id)
    ]


async def _participants_focal_points(session: AsyncSession, cause: Cause, module: ModuleFacts) -> list[Addressee]:
    people = await recipients.participants(session, module.id)
    over = await recipients.focal_points_over(session, {p.agency_id for p in people if p.agency_id})
    by_person: dict[str, Addressee] = {}
    for officer in people:
        for person in over.get(officer.agency_id, []) if officer.agency_id else []:
            addressee = by_person.setdefault(person.key, Addressee(person, "focal_point", extra={"followed": []}))
            addressee.extra["followed"].append(officer)
    return list(by_person.values())


async def _trainers(session: AsyncSession, cause: Cause, module: ModuleFacts) -> list[Addressee]:
    """The trainers of the cause's session, or of every session of the module (a module's
    cancellation: each trainer's invitation holds the sessions they teach)."""
    one = module.session(cause.session_id)
    sessions = [one] if one else ([] if cause.session_id else list(module.sessions))
    accounts = await recipients.trainer_accounts(session, {t for s in sessions for t in s.trainer_ids})
    found: dict[str, Addressee] = {}
    for s in sessions:
        for trainer_id in sorted(s.trainer_ids):
            person = accounts.get(trainer_id)
            if person is not None:
                found.setdefault(person.key, Addressee(person, "trainer")).sessions.append(s)
    return list(found.values())


def _changed_trainers(added: bool) -> Callable[[AsyncSession, Cause, ModuleFacts], Awaitable[list[Addressee]]]:
    async def resolve(session: AsyncSession, cause: Cause, module: ModuleFacts) -> list[Addressee]:
        now = {uuid.UUID(str(t)) for t in cause.facts.get("trainer_ids", [])}
        before = {uuid.UUID(str(t)) for t in cause.facts.get("previous_trainer_ids", [])}
        one = module.session(cause.session_id)
        if one is None:
            return []
        accounts = await recipients.trainer_accounts(session, (now - before) if added else (before - now))
        return [Addressee(p, "trainer", sessions=[one]) for p in accounts.values()]

    return resolve


async def _invited_trainers(session: AsyncSession, cause: Cause, module: ModuleFacts) -> list[Addressee]:
    one = cause_session(cause, module)
    if cause.session_id is None or one is None:
        return []
    return [
        Addressee(p, "trainer", sessions=[one]) for p in await recipients.invited_accounts(session, cause.session_id)
    ]


RESOLVERS: dict[Audience, Callable[[AsyncSession, Cause, ModuleFacts], Awaitable[list[Addressee]]]] = {
    Audience.officer: _officer,
    Audience.officer_focal_points: _officer_focal_points,
    Audience.quota_focal_points: _quota_focal_points,
    Audience.participants: _participants,
    Audience.participants_focal_points: _participants_focal_points,
    Audience.trainers: _trainers,
    Audience.added_trainers: _changed_trainers(added=True),
    Audience.removed_trainers: _changed_trainers(added=False),
    Audience.invited_trainers: _invited_trainers,
}


async def waitlist_position(session: AsyncSession, module_id: uuid.UUID, nomination_id: uuid.UUID) -> int | None:
    rows = await session.execute(
        internal(
            select(
                Nomination.id,
                Nomination.agency_id,
                Nomination.queue_rank,
                Nomination.priority,
                Nomination.created_at,
            ).where(Nomination.module_id == module_id, Nomination.status == NominationStatus.waitlisted),
            "the waiting list's order, to tell a waiting officer their position",
        )
    )
    order = sorted((Waiting(r[0], r[1], False, r[2], r[3], r[4]) for r in rows), key=queue_key)
    ids = [w.nomination_id for w in order]
    return ids.index(nomination_id) + 1 if nomination_id in ids else None


async def filled_by_quota(session: AsyncSession, module_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Seats each quota agency's nominees (its sub-units' included) hold now."""
    quota_agency, unit = aliased(Agency), aliased(Agency)
    rows = await session.execute(
        internal(
            select(ModuleQuota.agency_id, func.count(Nomination.id))
            .join(quota_agency, quota_agency.id == ModuleQuota.agency_id)
            .join(Nomination, Nomination.module_id == ModuleQuota.module_id)
            .join(unit, unit.id == Nomination.agency_id)
            .where(
                ModuleQuota.module_id == module_id,
                Nomination.status.in_(HOLDS_SEAT),
                func.substr(unit.path, 1, func.length(quota_agency.path)) == quota_agency.path,
            )
            .group_by(ModuleQuota.agency_id),
            "the seats each agency with a quota filled, counted for its focal points' message",
        )
    )
    return {agency_id: n for agency_id, n in rows}
