"""The nominations a coordinator decides on, with who the officers are (as the principal may see
them) and what accepting each one now would meet: the module's capacity or the agency's quota
(the seat rules of domain/enrolment/seats.py), and the roster's female share afterwards."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.agencies.tree import in_subtree
from domain.auth.principal import Principal
from domain.enrolment.rules import Waiting, female_share, queue_key
from domain.enrolment.schemas import BalanceRead
from domain.enrolment.seats import SeatBook
from domain.models.agencies import Agency
from domain.models.catalogue import Module
from domain.models.enrolment import Nomination, NominationStatus
from domain.models.officers import Officer, Sex
from domain.module_desk.schemas import Nominee
from domain.pagination import decode_cursor, encode_cursor

PAGE = 25
_ORDER = (Nomination.created_at, Nomination.id)


def _select(principal: Principal, module_id: uuid.UUID, status: NominationStatus) -> Select[*tuple[Any, ...]]:
    return (
        select(
            Nomination.id,
            Nomination.version,
            Nomination.status,
            Nomination.role,
            Nomination.priority,
            Nomination.queue_rank,
            Nomination.created_at,
            Officer.id.label("officer_id"),
            Officer.full_name_ar,
            Officer.name_latin,
            Officer.sex,
            Agency.id.label("agency_id"),
            Agency.path,
            Agency.name_en,
            Agency.name_ar,
        )
        .join(Officer, Officer.id == Nomination.officer_id)
        .join(Agency, Agency.id == Nomination.agency_id)
        .where(
            Nomination.module_id == module_id,
            Nomination.status == status,
            need_to_know.nominations(principal),
        )
    )


def _nominee(row: Any, book: SeatBook, balance: BalanceRead) -> Nominee:
    female = balance.enrolled.female + (1 if Sex(row.sex) is Sex.female else 0)
    male = balance.enrolled.male + (0 if Sex(row.sex) is Sex.female else 1)
    limit = book.limit_for(row.path)
    return Nominee(
        nomination_id=row.id,
        version=row.version,
        status=row.status,
        role=row.role,
        priority=row.priority,
        created_at=row.created_at,
        officer_id=row.officer_id,
        full_name_ar=row.full_name_ar,
        name_latin=row.name_latin,
        sex=Sex(row.sex),
        agency_id=row.agency_id,
        agency_name_en=row.name_en,
        agency_name_ar=row.name_ar,
        limit=limit if limit in ("capacity", "quota") else None,  # type: ignore[arg-type]
        share_if_accepted=female_share(female, male),
    )


async def to_decide(
    session: AsyncSession,
    *,
    principal: Principal,
    module: Module,
    book: SeatBook,
    balance: BalanceRead,
    cursor: str | None,
    agency_id: uuid.UUID | None = None,
) -> tuple[list[Nominee], str | None]:
    """Nominations awaiting a decision, oldest first, a page at a time; `agency_id` keeps one
    agency's (with its sub-units)."""
    stmt = _select(principal, module.id, NominationStatus.submitted)
    if agency_id is not None:
        root = select(Agency.path).where(Agency.id == agency_id).scalar_subquery()
        stmt = stmt.where(in_subtree(Agency.path, root))
    if cursor:
        stmt = stmt.where(tuple_(*_ORDER) > tuple_(*decode_cursor(cursor, _ORDER)))
    rows = (await session.execute(stmt.order_by(*_ORDER).limit(PAGE + 1))).all()
    next_cursor = encode_cursor([rows[PAGE - 1].created_at, rows[PAGE - 1].id]) if len(rows) > PAGE else None
    return [_nominee(r, book, balance) for r in rows[:PAGE]], next_cursor


async def waitlist(
    session: AsyncSession, *, principal: Principal, module: Module, book: SeatBook, balance: BalanceRead
) -> list[Nominee]:
    """The waitlist in promotion order (domain/enrolment/rules.queue_key), as the principal sees it."""
    rows = (await session.execute(_select(principal, module.id, NominationStatus.waitlisted))).all()
    ordered = sorted(
        rows, key=lambda r: queue_key(Waiting(r.id, r.agency_id, False, r.queue_rank, r.priority, r.created_at))
    )
    return [_nominee(r, book, balance) for r in ordered]
