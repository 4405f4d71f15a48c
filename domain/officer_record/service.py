"""An officer's record as a person reads it on one page: the officer (with the same need-to-know
and read audit as GET /api/v1/officers/{id}), their agency, their participations with attendance
and scores, their certificates, their vettings and the officers that may be the same person.

A fixed number of statements whatever the number of participations, marks, certificates or
vettings: attendance is counted in SQL per module (GROUP BY), every list is one query."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.agencies.models import Agency
from domain.attendance import rules
from domain.attendance.models import Assessment, AttendanceMark, AttendanceStatus
from domain.audit.service import record_read
from domain.auth.policy import CERTIFICATES_READ, NOMINATIONS_READ, OFFICERS_ERASE, VETTING_READ, allowed
from domain.auth.principal import Principal
from domain.catalogue.models import Module, TrainingSession
from domain.certificates import service as certificates
from domain.certificates.models import Certificate
from domain.certificates.schemas import CertificateFilters
from domain.db import utcnow
from domain.enrolment.models import Nomination, NominationStatus
from domain.officers import service as officers
from domain.officers.duplicates import find_duplicates
from domain.officers.models import Officer
from domain.officers.schemas import DuplicateCandidate, ExternalId
from domain.vetting import service as vetting
from domain.vetting.models import Vetting

LIMIT = 100  # of each list on the page; the API pages further


@dataclass(frozen=True)
class Participation:
    nomination_id: uuid.UUID
    module_id: uuid.UUID
    module_code: str
    module_title: str
    status: NominationStatus
    role: str
    sessions_total: int
    sessions_held: int
    attended: int
    excused: int
    absent: int
    attendance_rate: float | None  # attended of the sessions held so far
    pre_test: float | None
    post_test: float | None


@dataclass
class OfficerRecord:
    officer: Officer
    agency: Agency | None
    participations: list[Participation] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    module_titles: dict[uuid.UUID, str] = field(default_factory=dict)
    vettings: list[Vetting] = field(default_factory=list)
    duplicates: list[DuplicateCandidate] = field(default_factory=list)
    may_erase: bool = False


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def _participations(
    session: AsyncSession, principal: Principal, officer_id: uuid.UUID, now: datetime
) -> list[Participation]:
    attended = AttendanceMark.status.in_(rules.ATTENDED)
    sessions = (
        select(
            TrainingSession.module_id.label("module_id"),
            func.count(TrainingSession.id).label("total"),
            _count_if(TrainingSession.starts_at <= now).label("held"),
        )
        .group_by(TrainingSession.module_id)
        .subquery("sessions")
    )
    marks = (
        select(
            TrainingSession.module_id.label("module_id"),
            _count_if(and_(attended, TrainingSession.starts_at <= now)).label("attended"),
            _count_if(AttendanceMark.status == AttendanceStatus.excused).label("excused"),
            _count_if(AttendanceMark.status == AttendanceStatus.absent).label("absent"),
        )
        .join(TrainingSession, TrainingSession.id == AttendanceMark.session_id)
        .where(AttendanceMark.officer_id == officer_id)
        .group_by(TrainingSession.module_id)
        .subquery("marks")
    )
    stmt = (
        select(
            Nomination.id,
            Nomination.status,
            Nomination.role,
            Module.id.label("module_id"),
            Module.code,
            Module.title,
            func.coalesce(sessions.c.total, 0).label("total"),
            func.coalesce(sessions.c.held, 0).label("held"),
            func.coalesce(marks.c.attended, 0).label("attended"),
            func.coalesce(marks.c.excused, 0).label("excused"),
            func.coalesce(marks.c.absent, 0).label("absent"),
            Assessment.pre_test,
            Assessment.post_test,
        )
        .join(Module, Module.id == Nomination.module_id)
        .outerjoin(sessions, sessions.c.module_id == Module.id)
        .outerjoin(marks, marks.c.module_id == Module.id)
        .outerjoin(Assessment, and_(Assessment.module_id == Module.id, Assessment.officer_id == officer_id))
        .where(Nomination.officer_id == officer_id, need_to_know.officer_rows(principal, Nomination.officer_id))
        .order_by(Module.code, Nomination.id)
        .limit(LIMIT)
    )
    return [
        Participation(
            nomination_id=row.id,
            module_id=row.module_id,
            module_code=row.code,
            module_title=row.title,
            status=row.status,
            role=str(row.role),
            sessions_total=int(row.total),
            sessions_held=int(row.held),
            attended=int(row.attended),
            excused=int(row.excused),
            absent=int(row.absent),
            attendance_rate=rules.rate(int(row.attended), int(row.held)),
            pre_test=row.pre_test,
            post_test=row.post_test,
        )
        for row in await session.execute(stmt)
    ]


async def read_officer_record(session: AsyncSession, *, principal: Principal, officer_id: uuid.UUID) -> OfficerRecord:
    """The record, or a 404 for an officer the principal may not see (or one erased)."""
    officer = await officers.get_officer(session, principal=principal, officer_id=officer_id)
    record = OfficerRecord(officer=officer, agency=await session.get(Agency, officer.agency_id))
    record.may_erase = allowed(principal, OFFICERS_ERASE)
    if allowed(principal, NOMINATIONS_READ):
        record.participations = await _participations(session, principal, officer.id, utcnow())
        if need_to_know.logs_reads(principal):  # as GET /api/v1/modules/{id}/nominations?officer_id= logs it
            record_read(
                session,
                principal=principal,
                entity="nomination",
                filters={"officer_id": officer.id},
                row_count=len(record.participations),
            )
    if allowed(principal, CERTIFICATES_READ):
        record.certificates, _ = await certificates.list_certificates(
            session, principal=principal, filters=CertificateFilters(officer_id=officer.id), limit=LIMIT, cursor=None
        )
        missing = {c.module_id for c in record.certificates} - {p.module_id for p in record.participations}
        record.module_titles = {p.module_id: p.module_title for p in record.participations}
        if missing:
            found = await session.execute(select(Module.id, Module.title).where(Module.id.in_(missing)))
            record.module_titles |= {module_id: title for module_id, title in found}
    if allowed(principal, VETTING_READ):
        record.vettings, _ = await vetting.list_vettings(
            session, principal=principal, officer_id=officer.id, limit=LIMIT, cursor=None
        )
    record.duplicates = await find_duplicates(
        session,
        principal=principal,
        agency_id=officer.agency_id,
        full_name_ar=officer.full_name_ar,
        external_ids=[ExternalId(source=e.source, id=e.external_id) for e in officer.external_ids],
        exclude=officer.id,
    )
    return record
