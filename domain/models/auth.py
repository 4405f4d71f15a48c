import uuid
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.db import Base, Entity, utcnow
from domain.enums import enum_column
from domain.ids import uuid7


class Role(StrEnum):
    admin = "admin"
    coordinator = "coordinator"
    focal_point = "focal_point"
    trainer = "trainer"
    observer = "observer"
    client = "client"  # a machine client: its scopes say what it may do


if TYPE_CHECKING:  # a leaf: the relationship is resolved by name, without importing the area
    from domain.models.programmes import Programme

user_programmes = Table(
    "user_programmes",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("programme_id", ForeignKey("programmes.id"), primary_key=True, index=True),
)


class User(Entity):
    """A person who signs in. A focal point is bound to an agency unit, a trainer to a trainer
    record, a coordinator to the programmes they run."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    trainer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("trainers.id"), index=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rises with every change or reset of the password; tokens carry it, and older ones stop working.
    credentials_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The person's language (a BCP 47 tag such as "ar"; None: the browser's) and digits ("latn" or
    # "arab"; None: Latin), for pages, problem titles and the messages they are sent.
    language: Mapped[str | None] = mapped_column(String(35))
    digits: Mapped[str | None] = mapped_column(String(8))
    # Where the messages meant for this person go (domain/notifications); none: they are kept unsent.
    email: Mapped[str | None] = mapped_column(String(254))

    programmes: Mapped[list["Programme"]] = relationship(secondary=user_programmes, lazy="raise")

    @property
    def programme_ids(self) -> list[uuid.UUID]:
        return [p.id for p in self.programmes]


class ApiClient(Entity):
    """A machine client (mission HR system). Its secret is shown once and stored hashed. Bound to
    an agency, it reaches only that agency's officers and its sub-units', like a focal point;
    unbound, its officer scopes reach the whole mission."""

    __tablename__ = "api_clients"

    client_id: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(300))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    agency_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # While a rotation overlaps: the secret before the current one, accepted until then.
    previous_secret_hash: Mapped[str | None] = mapped_column(String(300))
    previous_secret_until: Mapped[datetime | None] = mapped_column()
    # Rises when a rotation revokes the previous secret at once: tokens carry it, older ones stop.
    credentials_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class WebSession(Base):
    """A person signed in to the pages (web/). The cookie holds a random token; only its SHA-256
    is stored, so the table cannot be replayed. Kept in the database because several API processes
    share one PostgreSQL and none keeps business state. The account's credentials version at sign-in
    is kept: a password change (or a disabled account) ends every session at once."""

    __tablename__ = "web_sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credentials_version: Mapped[int] = mapped_column(Integer)
    # The form token bound to this session (CSRF): every state-changing page request carries it.
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)  # the absolute end, whatever the activity


class SignInFailures(Base):
    """Failed sign-ins of one user name (or `client:<id>`) from one address, kept in the database
    so that every API process sees the same count (domain/auth/throttle.py). One row per pair: a
    refused attempt counts too, and a flood of them updates a row rather than adding one each."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (UniqueConstraint("username", "address"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    username: Mapped[str] = mapped_column(String(320))  # "client:" + a client id of up to 300
    address: Mapped[str] = mapped_column(String(64), index=True)  # an IPv6 address counts by its /64
    failures: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[datetime] = mapped_column(index=True)
    # The failure before the last: when the attempt just counted was let through, or refused.
    previous_at: Mapped[datetime | None] = mapped_column()
