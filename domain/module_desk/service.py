"""The module page in one call: the module and its cycle, its status ladder, sessions, quotas,
balance, nominations to decide, waitlist, roster, certificates, vetting and audit trail. About
thirty statements whatever the module holds (tests/web/test_module_page_statements.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.teaching import module_for
from domain.attendance.roster import get_roster
from domain.auth.policy import PLANNING_WRITE, authorize
from domain.auth.principal import Principal
from domain.catalogue.module_service import read_module, session_span
from domain.catalogue.transitions import allowed_transitions
from domain.enrolment.balance import get_balance
from domain.enrolment.quotas import get_quotas
from domain.enrolment.seats import SeatBook
from domain.enrolment.tags import quotas_tag, waitlist_tag
from domain.models.catalogue import Venue
from domain.models.cycles import Cycle
from domain.module_desk import nominees, sections
from domain.module_desk.schemas import ModuleDesk, Paging
from domain.module_desk.trail import PAGE as TRAIL_PAGE
from domain.module_desk.trail import module_trail


async def read_module_desk(
    session: AsyncSession,
    *,
    principal: Principal,
    module_id: uuid.UUID,
    now: datetime,
    paging: Paging | None = None,
    agency_id: uuid.UUID | None = None,
) -> ModuleDesk:
    """For those who plan (coordinators of the module's programme, administrators); a module of
    another programme is a 404 to a coordinator, as if it did not exist. `agency_id` narrows the
    nominations to decide to one agency and its sub-units."""
    authorize(principal, PLANNING_WRITE)
    paging = paging or Paging()
    module = await module_for(session, principal, module_id, write=False)
    read = await read_module(session, principal=principal, module_id=module.id)
    cycle = (
        await session.execute(
            select(Cycle.title, Cycle.programme_id, Cycle.time_zone, Cycle.female_share_target, Venue.name)
            .outerjoin(Venue, Venue.id == module.venue_id)
            .where(Cycle.id == module.cycle_id)
        )
    ).one()
    first_start, last_end = await session_span(session, module.id)
    venues, trainers, agencies = await sections.choices(session)
    quotas = await get_quotas(session, principal=principal, module_id=module.id)
    balance = await get_balance(session, principal=principal, module_id=module.id)
    book = await SeatBook.load(session, module)
    to_decide, to_decide_next = await nominees.to_decide(
        session,
        principal=principal,
        module=module,
        book=book,
        balance=balance,
        cursor=paging.nominations,
        agency_id=agency_id,
    )
    waitlist = await nominees.waitlist(session, principal=principal, module=module, book=book, balance=balance)
    certificates, certificates_next = await sections.certificates(
        session, principal=principal, module_id=module.id, cursor=paging.certificates
    )
    trail, trail_next = await module_trail(
        session, principal=principal, module_id=module.id, limit=TRAIL_PAGE, cursor=paging.trail
    )
    return ModuleDesk(
        module=read,
        cycle_title=cycle.title,
        programme_id=cycle.programme_id,
        time_zone=cycle.time_zone,
        target=read.female_share_target if read.female_share_target is not None else cycle.female_share_target,
        venue_name=cycle.name,
        transitions=allowed_transitions(read.status),
        first_start=first_start,
        last_end=last_end,
        sessions=await sections.sessions(session, module.id),
        venues=venues,
        trainers=trainers,
        agencies=agencies,
        quotas=quotas,
        quotas_tag=quotas_tag(quotas),
        balance=balance,
        to_decide=to_decide,
        to_decide_next=to_decide_next,
        waitlist=waitlist,
        waitlist_tag=waitlist_tag(n.nomination_id for n in waitlist),
        roster=await get_roster(session, principal=principal, module_id=module.id),
        certificates=certificates,
        certificates_next=certificates_next,
        vetting=await sections.vetting(session, principal=principal, module=module),
        trail=trail,
        trail_next=trail_next,
        now=now,
    )
