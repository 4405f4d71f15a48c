import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, ForeignKeyConstraint, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.db import Base, Entity, utcnow
from domain.enums import enum_column
from domain.ids import uuid7


class Sex(StrEnum):
    female = "female"
    male = "male"


class Officer(Entity):
    """A person an agency may put forward. The Arabic-script name is authoritative; Latin
    spellings vary, so both are kept with a normalised search key each.

    The keys that find a person (an external id per source, the account name, a provisioning
    source's externalId) are unique PER AGENCY in the database and checked WITHIN THE CALLER'S
    REACH by the application (domain/officers/writes.py): a key held only outside the caller's
    reach is as if nobody held it, so no answer tells that such a holder exists. Reach is a set of
    whole agencies, so whoever writes an officer into an agency sees every (unerased) officer of it,
    and erased officers hold no keys: a write can only collide in the database with a holder the
    writer sees, and is refused in the application first. The same key held in several agencies is
    a review list for coordinators and administrators (domain/officers/shared_keys.py)."""

    __tablename__ = "officers"
    __table_args__ = (
        UniqueConstraint("user_name_key", "agency_id"),
        # What the keys' tables refer to: their agency_id follows the officer's (ON UPDATE CASCADE).
        UniqueConstraint("id", "agency_id"),
    )

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    full_name_ar: Mapped[str] = mapped_column(String(300))
    full_name_ar_key: Mapped[str] = mapped_column(String(300), index=True)
    name_latin: Mapped[str] = mapped_column(String(300))
    name_latin_key: Mapped[str] = mapped_column(String(300), index=True)
    # {given, father, grandfather, great_grandfather, family}: no forced first/last split.
    name_parts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sex: Mapped[Sex] = mapped_column(enum_column(Sex, "sex"))
    rank: Mapped[str | None] = mapped_column(String(120))
    job_title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    # The language of the messages the person is sent (a BCP 47 tag: "ar", "en"); none: English.
    language: Mapped[str | None] = mapped_column(String(35))
    phone: Mapped[str | None] = mapped_column(String(40))
    # Identity fields: collected only where a module's vetting needs them (domain rule 9).
    national_id: Mapped[str | None] = mapped_column(String(60))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    place_of_birth: Mapped[str | None] = mapped_column(String(200))
    erased_at: Mapped[datetime | None] = mapped_column()
    # A deactivated officer keeps their history but can no longer be nominated.
    deactivated_at: Mapped[datetime | None] = mapped_column()
    # The account name identity providers know the person by (SCIM userName); unique within the
    # agency under user_name_key (NFC + casefold: SQLite's NOCASE folds ASCII only).
    user_name: Mapped[str | None] = mapped_column(String(300))
    user_name_key: Mapped[str | None] = mapped_column(String(300))

    @property
    def active(self) -> bool:
        return self.deactivated_at is None

    external_ids: Mapped[list["OfficerExternalId"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="OfficerExternalId.source"
    )


def _follows_officer() -> ForeignKeyConstraint:
    """A key row's (officer_id, agency_id) refers to its officer's: the database moves the key
    with the officer whichever write path changes the officer's agency, and deletes it with them."""
    return ForeignKeyConstraint(
        ["officer_id", "agency_id"],
        ["officers.id", "officers.agency_id"],
        ondelete="CASCADE",
        onupdate="CASCADE",
    )


class OfficerExternalId(Base):
    """An id the person carries in another system (mission HR, INVEST...): unique per source
    within an agency (the officer's, denormalised: see Officer)."""

    __tablename__ = "officer_external_ids"
    __table_args__ = (
        _follows_officer(),
        # (source, external_id) first: lookups by key within the caller's reach use this index.
        UniqueConstraint("source", "external_id", "agency_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    officer_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    source: Mapped[str] = mapped_column(String(60))
    external_id: Mapped[str] = mapped_column(String(200))


class ProvisioningLink(Base):
    """An officer as one provisioning source (a SCIM client: `scim:<client_id>`) knows them: its
    externalId and the profile it sent that has no officer column (display name, name parts,
    all e-mails and phones, enterprise fields). Unlinking (SCIM DELETE) removes the row and
    leaves the officer, deactivated, with their history. The externalId is unique per source
    within an agency (the officer's, denormalised: see Officer)."""

    __tablename__ = "provisioning_links"
    __table_args__ = (
        _follows_officer(),
        UniqueConstraint("source", "officer_id"),
        UniqueConstraint("source", "external_id", "agency_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    officer_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    source: Mapped[str] = mapped_column(String(120))
    external_id: Mapped[str | None] = mapped_column(String(200))
    display_name: Mapped[str | None] = mapped_column(String(300))
    given_name: Mapped[str | None] = mapped_column(String(300))
    family_name: Mapped[str | None] = mapped_column(String(300))
    formatted_name: Mapped[str | None] = mapped_column(String(300))
    # Comparison keys of the names (NFC + casefold), for filters: neither SQLite's nor a C-locale
    # PostgreSQL's lower() folds beyond ASCII.
    display_name_key: Mapped[str | None] = mapped_column(String(300))
    given_name_key: Mapped[str | None] = mapped_column(String(300))
    family_name_key: Mapped[str | None] = mapped_column(String(300))
    formatted_name_key: Mapped[str | None] = mapped_column(String(300))
    # The agency as the source named it (a code or an id); reported back while it still names the officer's agency.
    agency_ref: Mapped[str | None] = mapped_column(String(300))
    employee_number: Mapped[str | None] = mapped_column(String(300))
    department: Mapped[str | None] = mapped_column(String(300))
    organization: Mapped[str | None] = mapped_column(String(300))
    emails: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # The e-mail values' comparison keys between newlines ("\na@x.org\nb@y.org\n"), for filters.
    email_keys: Mapped[str | None] = mapped_column(String(4000))
    phones: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # preferredLanguage as the source sent it (returned as sent); the officer's language is the
    # served language it names, if any (domain/scim/mapping.py).
    preferred_language: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
