"""Erasure: the person is pseudonymised, their participations stay for aggregate reports
(sex and agency are kept, nothing that names or reaches them)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.service import record_change
from domain.auth.policy import OFFICERS_ERASE, authorize
from domain.auth.principal import Principal
from domain.db import utcnow
from domain.models.audit import AuditEntry
from domain.models.officers import Officer, ProvisioningLink
from domain.officers.names import arabic_key, latin_key
from domain.outbox.service import emit

# Areas above this one that keep a person's data of their own (the planned rows of imports)
# register how to redact it; erasure runs each of them.
Redactor = Callable[[AsyncSession, uuid.UUID], Awaitable[None]]
REDACTORS: list[Redactor] = []

PERSONAL_FIELDS = (
    "full_name_ar",
    "name_latin",
    "name_parts",
    "rank",
    "job_title",
    "email",
    "phone",
    "national_id",
    "date_of_birth",
    "place_of_birth",
    "external_ids",
    "user_name",
    "provisioning_links",
)


async def erase_officer(session: AsyncSession, *, principal: Principal, officer_id: uuid.UUID) -> Officer:
    from domain.officers.service import find_officer  # the same visibility rules as any read

    authorize(principal, OFFICERS_ERASE)
    officer = await find_officer(session, principal=principal, officer_id=officer_id)
    pseudonym = f"erased-{officer.id.hex[:12]}"
    officer.full_name_ar = "محذوف"
    officer.name_latin = pseudonym
    officer.full_name_ar_key, officer.name_latin_key = arabic_key("محذوف"), latin_key(pseudonym)
    officer.name_parts = {}
    for field in (
        "rank",
        "job_title",
        "email",
        "phone",
        "national_id",
        "date_of_birth",
        "place_of_birth",
        "user_name",
        "user_name_key",
    ):
        setattr(officer, field, None)
    officer.external_ids = []
    # What provisioning sources sent about the person goes too; they will no longer find them.
    await session.execute(delete(ProvisioningLink).where(ProvisioningLink.officer_id == officer.id))
    officer.erased_at = utcnow()
    await session.flush()
    await _redact_history(session, officer.id)
    for redact in REDACTORS:
        await redact(session, officer.id)
    # The audit keeps the fact and the fields touched, never the erased values.
    record_change(
        session,
        principal=principal,
        action="erased",
        entity="officer",
        entity_id=officer.id,
        changes={f: (None, None) for f in PERSONAL_FIELDS},
        redact=True,
    )
    emit(
        session,
        "officer.erased",
        resource_id=officer.id,
        officer_id=officer.id,
        agency_id=officer.agency_id,
        data={"agency_id": officer.agency_id, "active": officer.active},
    )
    return officer


async def _redact_history(session: AsyncSession, officer_id: uuid.UUID) -> None:
    """Earlier audit entries of this person keep who changed what and when, but lose the values."""
    entries = await session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "officer", AuditEntry.entity_id == str(officer_id))
    )
    for entry in entries:
        if entry.changes:
            entry.changes = {f: ({"redacted": True} if f in PERSONAL_FIELDS else v) for f, v in entry.changes.items()}
