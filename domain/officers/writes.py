"""The one way an officer is created or changed, whoever asks: the REST routes, the upsert by
external id and SCIM provisioning come through here (reach, duplicates, name keys, unique account
name, audit, events); imports write in bulk through bulk.py, which takes its name keys and event
shapes from here. Callers check the permission their route needs first."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.auth.principal import Principal
from domain.crud import create_entity, update_entity
from domain.db import utcnow
from domain.errors import Conflict, InvalidInput
from domain.i18n import translatable
from domain.models.agencies import Agency
from domain.models.officers import Officer, OfficerExternalId
from domain.officers.duplicates import conflict, find_duplicates
from domain.officers.names import arabic_key, latin_key, user_name_key
from domain.officers.schemas import ExternalId, OfficerCreate
from domain.outbox.service import emit

ENTITY = "officer"


async def ensure_agency_in_reach(session: AsyncSession, principal: Principal, agency_id: uuid.UUID | None) -> None:
    """An agency outside the principal's reach answers exactly like one that does not exist."""
    if agency_id is None:
        return
    in_reach = select(Agency.id).where(Agency.id == agency_id, need_to_know.agency_in_reach(principal, Agency.id))
    if await session.scalar(in_reach) is None:
        raise InvalidInput(
            translatable("agency_id refers to no existing agency."),
            errors=[{"field": "agency_id", "message": f"unknown agency {agency_id}"}],
        )


async def ensure_user_name_free(
    session: AsyncSession, principal: Principal, user_name: str | None, *, exclude: uuid.UUID | None = None
) -> None:
    """An account name is unique within an agency; a holder within the caller's reach is a 409
    naming them, one outside it is as if there were none (see Officer: it cannot collide)."""
    if user_name is None:
        return
    taken = select(Officer.id).where(
        Officer.user_name_key == user_name_key(user_name), need_to_know.officers(principal)
    )
    if exclude is not None:
        taken = taken.where(Officer.id != exclude)
    holder = await session.scalar(taken.limit(1))
    if holder is not None:
        raise Conflict(
            translatable("The user name {user_name!r} is already taken.", user_name=user_name),
            code="user-name-taken",
            title="User name taken",
            field="user_name",
            officer_id=str(holder),
        )


def derived_keys(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The search keys derived from the names among `fields` (a new officer's columns, or a change's)."""
    keys: dict[str, Any] = {}
    if "full_name_ar" in fields:
        keys["full_name_ar_key"] = arabic_key(fields["full_name_ar"])
    if "name_latin" in fields:
        keys["name_latin_key"] = latin_key(fields["name_latin"])
    if "user_name" in fields:
        keys["user_name_key"] = user_name_key(fields["user_name"]) if fields["user_name"] else None
    return keys


def name_keys(full_name_ar: str, name_latin: str) -> dict[str, str]:
    return derived_keys({"full_name_ar": full_name_ar, "name_latin": name_latin})


def officer_event(officer_id: uuid.UUID, agency_id: uuid.UUID | None, **data: Any) -> dict[str, Any]:
    """An officer event as `emit` (keywords) and `emit_many` (items) take it: filed under the
    officer and their agency, its thin data led by the agency."""
    return {
        "resource_id": officer_id,
        "officer_id": officer_id,
        "agency_id": agency_id,
        "data": {"agency_id": agency_id, **data},
    }


def event_fields(names: Iterable[str]) -> list[str]:
    """The changed fields an officer event names: `active` for its column, derived keys left out."""
    return sorted({"active" if f in ("deactivated_at", "active") else f for f in names} - KEYS)


async def add_officer(
    session: AsyncSession, *, principal: Principal, data: OfficerCreate, allow_duplicate: bool = False
) -> Officer:
    await ensure_agency_in_reach(session, principal, data.agency_id)
    candidates = await find_duplicates(
        session,
        principal=principal,
        agency_id=data.agency_id,
        full_name_ar=data.full_name_ar,
        external_ids=data.external_ids,
    )
    if any(c.matched_on == "external_id" for c in candidates) or (candidates and not allow_duplicate):
        raise conflict(candidates)
    await ensure_user_name_free(session, principal, data.user_name)
    fields = data.model_dump(exclude={"external_ids", "active"})
    officer = Officer(
        **fields,
        **derived_keys(fields),
        deactivated_at=None if data.active else utcnow(),
        # Their officer_id and agency_id are the officer's (the relationship's composite key).
        external_ids=[OfficerExternalId(source=e.source, external_id=e.id) for e in data.external_ids],
    )
    await create_entity(session, principal=principal, entity=ENTITY, obj=officer, audit_fields=list(fields))
    emit(session, "officer.created", **officer_event(officer.id, officer.agency_id, active=officer.active))
    return officer


async def change_officer(
    session: AsyncSession,
    *,
    principal: Principal,
    officer: Officer,
    changes: dict[str, Any],
    expected_version: int | None,
    extra_changes: dict[str, tuple[Any, Any]] | None = None,
) -> Officer:
    """Apply the fields in `changes` (as OfficerUpdate.changes() gives them) to a visible officer.
    `extra_changes` are audited changes made alongside (a provisioning link's profile)."""
    changes = dict(changes)
    extra = dict(extra_changes or {})
    await ensure_agency_in_reach(session, principal, changes.get("agency_id"))
    # A move takes the officer's keys to the new agency (the database's cascade): they are checked
    # there as if sent again, against the officers the caller sees (the new agency's among them).
    moving = changes.get("agency_id", officer.agency_id) != officer.agency_id
    sent = changes.pop("external_ids", None)
    if sent is not None or moving:
        wanted = (
            [ExternalId(**e) for e in sent] if sent is not None else await _external_ids(session, principal, officer)
        )
        clashes = await find_duplicates(
            session, principal=principal, agency_id=None, full_name_ar=None, external_ids=wanted, exclude=officer.id
        )
        if clashes:
            raise conflict(clashes)
    if sent is not None:
        before = [(e.source, e.external_id) for e in officer.external_ids]
        after = [(e.source, e.id) for e in wanted]
        if sorted(before) != sorted(after):
            # Keep rows that stay so the unique (source, id, agency) index never sees a delete-and-insert swap.
            kept = [e for e in officer.external_ids if (e.source, e.external_id) in after]
            added = [OfficerExternalId(source=s, external_id=i) for s, i in after if (s, i) not in before]
            officer.external_ids = kept + added
            extra["external_ids"] = (before, after)
    if "active" in changes:
        active = changes.pop("active")
        if active != officer.active:
            changes["deactivated_at"] = None if active else utcnow()
    if "user_name" in changes or moving:
        await ensure_user_name_free(session, principal, changes.get("user_name", officer.user_name), exclude=officer.id)
    changes |= derived_keys({"full_name_ar": officer.full_name_ar, "name_latin": officer.name_latin} | changes)
    earlier = {f: getattr(officer, f) for f in changes}
    was_active = officer.active
    await update_entity(
        session,
        principal=principal,
        entity=ENTITY,
        obj=officer,
        data=changes,
        expected_version=expected_version,
        extra_changes=extra,
    )
    changed = event_fields({f for f in changes if getattr(officer, f) != earlier[f]} | extra.keys())
    if changed:
        type_ = "officer.deactivated" if was_active and not officer.active else "officer.updated"
        emit(session, type_, **officer_event(officer.id, officer.agency_id, active=officer.active, changed=changed))
    return officer


async def _external_ids(session: AsyncSession, principal: Principal, officer: Officer) -> list[ExternalId]:
    stmt = (
        select(OfficerExternalId.source, OfficerExternalId.external_id)
        .join(Officer)
        .where(OfficerExternalId.officer_id == officer.id, need_to_know.officers(principal))
    )
    return [ExternalId(source=source, id=key) for source, key in await session.execute(stmt)]


# Derived columns: a change of the name they are derived from is reported, not they.
KEYS = frozenset({"full_name_ar_key", "name_latin_key", "user_name_key"})
