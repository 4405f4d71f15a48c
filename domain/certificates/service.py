"""Certificates (domain rule 15): issued once per participant and kind for a delivered module,
signed as Open Badges 3.0 VC-JWTs, listed within need-to-know, revoked with a reason, and
checked by anyone with the verification code, which reveals only what a check needs."""

from __future__ import annotations

import secrets
import uuid
from typing import Any, Protocol

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.plans import authorize_programme
from domain.audit.service import record_change, record_read
from domain.auth.policy import CERTIFICATES_ISSUE, CERTIFICATES_READ, authorize
from domain.auth.principal import Principal
from domain.catalogue.module_service import lock_module, module_dates
from domain.certificates.credential import MEDIA_TYPE, CredentialFacts, credential_claims
from domain.certificates.schemas import CertificateFilters, IssueResult, Revocation, Verification
from domain.crud import check_version, flush_or_conflict, get_or_404
from domain.db import utcnow
from domain.errors import Conflict, NotFound
from domain.i18n import translatable
from domain.ids import uuid7
from domain.models.attendance import Assessment
from domain.models.catalogue import DELIVERED, Module
from domain.models.certificates import Certificate, CertificateKind
from domain.models.cycles import Cycle
from domain.models.enrolment import Nomination, NominationStatus
from domain.models.officers import Officer
from domain.models.programmes import Programme
from domain.officers.agencies import agencies_of
from domain.officers.names import initials
from domain.outbox.service import emit
from domain.pagination import Paged, paginate

ENTITY = "certificate"


class Signer(Protocol):
    def sign(self, claims: dict[str, Any], *, typ: str = "JWT") -> str: ...


async def issue_certificates(
    session: AsyncSession, *, principal: Principal, keyring: Signer, module_id: uuid.UUID
) -> IssueResult:
    """For each participant who completed the module: a certificate of attendance; where the
    module is assessed (pass_mark) and the post-test reaches it, one of competence too. What
    exists already is kept as it is (a revoked certificate stays revoked)."""
    authorize(principal, CERTIFICATES_ISSUE)
    module = await lock_module(session, module_id)  # one issuing at a time per module
    await authorize_programme(session, principal, cycle_id=module.cycle_id)
    if module.status not in DELIVERED:
        raise Conflict(
            translatable(
                "The module is {status}; certificates are issued once it is delivered.", status=module.status.value
            ),
            code="module-not-delivered",
            title="Module not delivered",
            module_status=module.status.value,
        )
    programme_id, programme_name = (
        await session.execute(
            select(Programme.id, Programme.name)
            .join(Cycle, Cycle.programme_id == Programme.id)
            .where(Cycle.id == module.cycle_id)
        )
    ).one()
    starts_on, ends_on = (await module_dates(session, [module.id])).get(module.id, (None, None))
    # Everyone who completed it and whom the issuer may see (erased people are no one's): their
    # initials go on the credential. Anyone outside the issuer's reach waits for one who reaches them.
    completed = (
        await session.execute(
            select(Officer.id, Officer.name_latin, Assessment.post_test)
            .join(Nomination, Nomination.officer_id == Officer.id)
            .outerjoin(
                Assessment, and_(Assessment.module_id == Nomination.module_id, Assessment.officer_id == Officer.id)
            )
            .where(
                Nomination.module_id == module.id,
                Nomination.status == NominationStatus.completed,
                need_to_know.officers(principal),
            )
            .order_by(Officer.id)
        )
    ).all()
    existing = list(
        await session.scalars(
            select(Certificate).where(Certificate.module_id == module.id, need_to_know.certificates(principal))
        )
    )
    have = {(c.officer_id, c.kind) for c in existing}
    issued_at = utcnow()
    new: list[Certificate] = []
    already = 0
    for officer_id, name_latin, post_test in completed:
        kinds = [CertificateKind.attendance]
        if module.pass_mark is not None and post_test is not None and post_test >= module.pass_mark:
            kinds.append(CertificateKind.competence)
        for kind in kinds:
            if (officer_id, kind) in have:
                already += 1
                continue
            certificate_id = uuid7()
            claims = credential_claims(
                CredentialFacts(
                    certificate_id=certificate_id,
                    kind=kind,
                    issued_at=issued_at,
                    programme_id=programme_id,
                    programme_name=programme_name,
                    module_id=module.id,
                    module_title=module.title,
                    officer_id=officer_id,
                    completion_threshold=module.completion_threshold,
                    pass_mark=module.pass_mark,
                    starts_on=starts_on,
                    ends_on=ends_on,
                )
            )
            new.append(
                Certificate(
                    id=certificate_id,
                    module_id=module.id,
                    officer_id=officer_id,
                    kind=kind,
                    verification_code=secrets.token_urlsafe(12),
                    holder_initials=initials(name_latin)[:40],
                    credential=keyring.sign(claims, typ=MEDIA_TYPE),
                    issued_at=issued_at,
                )
            )
    if new:
        session.add_all(new)
        await flush_or_conflict(session, "A certificate")
        agencies = await agencies_of(session, [c.officer_id for c in new])
        for c in new:
            record_change(
                session,
                principal=principal,
                action="issued",
                entity=ENTITY,
                entity_id=c.id,
                changes={"module_id": (None, c.module_id), "officer_id": (None, c.officer_id), "kind": (None, c.kind)},
            )
            emit(
                session,
                "certificate.issued",
                resource_id=c.id,
                officer_id=c.officer_id,
                agency_id=agencies.get(c.officer_id),
                data={"module_id": c.module_id, "officer_id": c.officer_id},
            )
    certificates = sorted(existing + new, key=lambda c: c.id)
    return IssueResult(issued=len(new), already=already, certificates=certificates)


async def list_certificates(
    session: AsyncSession, *, principal: Principal, filters: CertificateFilters, limit: int, cursor: str | None
) -> Paged[Certificate]:
    authorize(principal, CERTIFICATES_READ)
    stmt = select(Certificate).where(need_to_know.certificates(principal))
    if filters.module_id:
        stmt = stmt.where(Certificate.module_id == filters.module_id)
    if filters.officer_id:
        stmt = stmt.where(Certificate.officer_id == filters.officer_id)
    items, next_cursor = await paginate(session, stmt, order=(Certificate.id,), limit=limit, cursor=cursor)
    if need_to_know.logs_reads(principal):
        record_read(
            session,
            principal=principal,
            entity=ENTITY,
            filters=filters.model_dump() | {"cursor": cursor},
            row_count=len(items),
        )
    return items, next_cursor


async def get_certificate(session: AsyncSession, *, principal: Principal, certificate_id: uuid.UUID) -> Certificate:
    authorize(principal, CERTIFICATES_READ)
    certificate = await get_or_404(session, Certificate, certificate_id, where=(need_to_know.certificates(principal),))
    if need_to_know.logs_reads(principal):
        record_read(session, principal=principal, entity=ENTITY, filters={"id": certificate_id}, row_count=1)
    return certificate


async def revoke_certificate(
    session: AsyncSession,
    *,
    principal: Principal,
    certificate_id: uuid.UUID,
    data: Revocation,
    expected_version: int | None = None,
) -> Certificate:
    """A revoked certificate stays on record; the public check answers "revoked" from now on."""
    authorize(principal, CERTIFICATES_ISSUE)
    certificate = await get_or_404(session, Certificate, certificate_id, where=(need_to_know.certificates(principal),))
    await authorize_programme(session, principal, module_id=certificate.module_id)
    check_version(certificate, expected_version)
    if certificate.revoked_at is not None:
        raise Conflict(
            translatable(
                "The certificate was already revoked on {revoked_at}.", revoked_at=certificate.revoked_at.isoformat()
            ),
            code="already-revoked",
            title="Already revoked",
            revoked_at=certificate.revoked_at.isoformat(),
        )
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = data.reason
    await session.flush()
    record_change(
        session,
        principal=principal,
        action="revoked",
        entity=ENTITY,
        entity_id=certificate.id,
        changes={"revoked_at": (None, certificate.revoked_at), "revoked_reason": (None, data.reason)},
    )
    agencies = await agencies_of(session, [certificate.officer_id])
    emit(
        session,
        "certificate.revoked",
        resource_id=certificate.id,
        officer_id=certificate.officer_id,
        agency_id=agencies.get(certificate.officer_id),
        data={"module_id": certificate.module_id, "officer_id": certificate.officer_id},
    )
    return certificate


async def verify(session: AsyncSession, *, code: str) -> Verification:
    """The public check: no sign-in, so no name, no person's id and no agency in the answer."""
    row = (
        await session.execute(
            select(Certificate, Module.title, Programme.name)
            .join(Module, Module.id == Certificate.module_id)
            .join(Cycle, Cycle.id == Module.cycle_id)
            .join(Programme, Programme.id == Cycle.programme_id)
            .where(need_to_know.certificate_check(code))
        )
    ).first()
    if row is None:
        raise NotFound(translatable("No certificate has this verification code."), entity="certificates")
    certificate, module_title, issuer = row
    starts_on, ends_on = (await module_dates(session, [certificate.module_id])).get(certificate.module_id, (None, None))
    return Verification(
        status="revoked" if certificate.revoked_at else "valid",
        kind=certificate.kind,
        module_title=module_title,
        starts_on=starts_on,
        ends_on=ends_on,
        issuer=issuer,
        holder_initials=certificate.holder_initials,
        issued_at=certificate.issued_at,
        revoked_at=certificate.revoked_at,
    )
