"""The module page's other sections: its sessions (with clashes, calendar warnings, trainers and
marks taken), the choices its forms offer, its certificates with their holders, and its
participants whose vetting is not in order. A fixed number of statements each."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import and_, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.need_to_know import internal
from domain.attention.schedule import session_problems
from domain.auth.principal import Principal
from domain.catalogue.module_service import module_dates
from domain.models.agencies import Agency
from domain.models.attendance import AttendanceMark
from domain.models.catalogue import Module, Trainer, TrainingSession, Venue, VettingType, session_trainers
from domain.models.certificates import Certificate
from domain.models.enrolment import HOLDS_SEAT, ON_ROSTER, Nomination
from domain.models.officers import Officer
from domain.models.vetting import Vetting, VettingStatus
from domain.module_desk.schemas import CertificateRow, Option, SessionRow, VettingRow
from domain.pagination import decode_cursor, encode_cursor
from domain.vetting.rules import VettingFact, blocker_reason

CERTIFICATES_PAGE = 50
FACTS = (
    "id",
    "type",
    "status",
    "unit_agency_id",
    "requested_on",
    "needed_by",
    "result_on",
    "valid_from",
    "valid_until",
)


async def sessions(session: AsyncSession, module_id: uuid.UUID) -> list[SessionRow]:
    """Every session of the module, soonest first (five statements whatever their number)."""
    problems = await session_problems(session, where=TrainingSession.module_id == module_id)
    if not problems:
        return []
    details = {
        r.id: r
        for r in await session.execute(
            select(
                TrainingSession.id,
                TrainingSession.version,
                TrainingSession.venue_id,
                TrainingSession.override_reason,
                Venue.name.label("venue_name"),
            )
            .outerjoin(Venue, Venue.id == TrainingSession.venue_id)
            .where(TrainingSession.module_id == module_id)
        )
    }
    teaching: dict[uuid.UUID, list[Option]] = defaultdict(list)
    for session_id, trainer_id, name, organisation in await session.execute(
        select(session_trainers.c.session_id, Trainer.id, Trainer.name, Trainer.organisation)
        .join(Trainer, Trainer.id == session_trainers.c.trainer_id)
        .join(TrainingSession, TrainingSession.id == session_trainers.c.session_id)
        .where(TrainingSession.module_id == module_id)
        .order_by(Trainer.name)
    ):
        teaching[session_id].append(Option(id=trainer_id, name=name, detail=organisation))
    marked_stmt = (
        select(AttendanceMark.session_id, func.count())
        .join(TrainingSession, TrainingSession.id == AttendanceMark.session_id)
        .join(
            Nomination,
            and_(
                Nomination.module_id == TrainingSession.module_id,
                Nomination.officer_id == AttendanceMark.officer_id,
                Nomination.status.in_(ON_ROSTER),
            ),
        )
        .where(TrainingSession.module_id == module_id)
        .group_by(AttendanceMark.session_id)
    )
    marked = dict((await session.execute(internal(marked_stmt, "marks taken per session: counts only"))).all())
    return [
        SessionRow(
            id=p.id,
            version=details[p.id].version,
            title=p.title,
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            venue_id=details[p.id].venue_id,
            venue_name=details[p.id].venue_name,
            trainers=teaching.get(p.id, []),
            override_reason=details[p.id].override_reason,
            marked=marked.get(p.id, 0),
            clashes=p.clashes,
            warnings=p.warnings,
        )
        for p in problems
    ]


async def choices(session: AsyncSession) -> tuple[list[Option], list[Option], list[Option]]:
    """Venues, trainers and agencies for the forms (reference data, three statements)."""
    venues = [
        Option(id=v.id, name=v.name, detail=f"{v.city} · {v.capacity}")
        for v in await session.execute(select(Venue.id, Venue.name, Venue.city, Venue.capacity).order_by(Venue.name))
    ]
    trainers = [
        Option(id=t.id, name=t.name, detail=t.organisation)
        for t in await session.execute(select(Trainer.id, Trainer.name, Trainer.organisation).order_by(Trainer.name))
    ]
    agencies = [
        Option(id=a.id, name=a.name_en, name_ar=a.name_ar, depth=a.path.count("/") - 2)
        for a in await session.execute(
            select(Agency.id, Agency.name_en, Agency.name_ar, Agency.path).order_by(Agency.path)
        )
    ]
    return venues, trainers, agencies


async def certificates(
    session: AsyncSession, *, principal: Principal, module_id: uuid.UUID, cursor: str | None
) -> tuple[list[CertificateRow], str | None]:
    """The module's certificates the principal may see, with their holders, a page at a time."""
    order = (Certificate.id,)
    stmt = (
        select(Certificate, Officer.name_latin, Officer.full_name_ar)
        .join(Officer, Officer.id == Certificate.officer_id)
        .where(Certificate.module_id == module_id, need_to_know.certificates(principal))
    )
    if cursor:
        stmt = stmt.where(tuple_(*order) > tuple_(*decode_cursor(cursor, order)))
    rows = (await session.execute(stmt.order_by(*order).limit(CERTIFICATES_PAGE + 1))).all()
    found = [
        CertificateRow(
            id=c.id,
            version=c.version,
            officer_id=c.officer_id,
            name_latin=name_latin,
            full_name_ar=full_name_ar,
            kind=c.kind,
            verification_code=c.verification_code,
            issued_at=c.issued_at,
            revoked_at=c.revoked_at,
            revoked_reason=c.revoked_reason,
        )
        for c, name_latin, full_name_ar in rows[:CERTIFICATES_PAGE]
    ]
    more = len(rows) > CERTIFICATES_PAGE
    return found, encode_cursor([found[-1].id]) if more else None


async def vetting(session: AsyncSession, *, principal: Principal, module: Module) -> list[VettingRow] | None:
    """The participants holding a seat whose vetting would block confirmation (domain rule 11), each
    with the request still open, if any, whose result can be recorded; None when the module needs
    no vetting. Two statements."""
    required = module.vetting_required
    if required is VettingType.none:
        return None
    rows = (
        await session.execute(
            select(
                Officer.id.label("officer_id"),
                Officer.full_name_ar,
                Officer.name_latin,
                Officer.agency_id,
                Vetting.version.label("v_version"),
                *(getattr(Vetting, f).label(f"v_{f}") for f in FACTS),
            )
            .join(Nomination, Nomination.officer_id == Officer.id)
            .outerjoin(Vetting, and_(Vetting.officer_id == Officer.id, Vetting.type == required))
            .where(
                Nomination.module_id == module.id,
                Nomination.status.in_(HOLDS_SEAT),
                need_to_know.officers(principal),
            )
            .order_by(Officer.name_latin_key, Officer.id)
        )
    ).all()
    if not rows:
        return []
    starts_on, ends_on = (await module_dates(session, [module.id])).get(module.id, (None, None))
    people: dict[uuid.UUID, Any] = {}
    facts: dict[uuid.UUID, list[tuple[VettingFact, int]]] = defaultdict(list)
    for r in rows:
        people.setdefault(r.officer_id, r)
        if r.v_id is not None:
            facts[r.officer_id].append((VettingFact(**{f: getattr(r, f"v_{f}") for f in FACTS}), r.v_version))
    found = []
    for officer_id, person in people.items():
        known = facts.get(officer_id, [])
        reason = blocker_reason(
            [f for f, _ in known], required=required, agency_id=person.agency_id, starts_on=starts_on, ends_on=ends_on
        )
        if reason is None:
            continue
        open_request = max(
            ((f, v) for f, v in known if f.status is VettingStatus.requested),
            key=lambda fv: (fv[0].requested_on, str(fv[0].id)),
            default=None,
        )
        found.append(
            VettingRow(
                officer_id=officer_id,
                full_name_ar=person.full_name_ar,
                name_latin=person.name_latin,
                reason=reason,
                vetting_id=open_request[0].id if open_request else None,
                vetting_version=open_request[1] if open_request else None,
                status=open_request[0].status if open_request else None,
                needed_by=open_request[0].needed_by if open_request else None,
            )
        )
    return found
