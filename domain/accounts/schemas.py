"""Accounts (people who sign in) and machine clients, as administrators manage them."""

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, Field, model_validator

from domain.auth.policy import CLIENT_SCOPES
from domain.auth.principal import Role
from domain.auth.schemas import Digits, LanguageTag
from domain.i18n import translatable
from domain.officers.schemas import Email
from domain.schemas import EntityRead, InputModel, PatchModel, ShortText

if TYPE_CHECKING:
    # mypy cannot read a Literal built at run time: to it, these are what validation yields.
    PersonRole = Role
    ClientScope = str
else:
    # The roles of people's accounts (machine clients are registered apart, under /clients).
    PersonRole = Annotated[Literal[tuple(r.value for r in Role if r is not Role.client)], AfterValidator(Role)]
    # The scopes a machine client may be granted, as the values a client may send.
    ClientScope = Literal[tuple(sorted(CLIENT_SCOPES))]
Username = Field(min_length=3, max_length=120, pattern=r"^[A-Za-z0-9._@-]+$")
Password = Field(min_length=12, max_length=200, description="At least 12 characters")


def check_binding(
    role: Role | None, agency_id: uuid.UUID | None, trainer_id: uuid.UUID | None, programme_ids: list[uuid.UUID]
) -> None:
    """Which record each role's account is bound to: a focal point to an agency unit, a trainer
    to a trainer record, a coordinator to programmes; nobody else to any of them."""
    if role is Role.focal_point and agency_id is None:
        raise ValueError(translatable("a focal_point must be bound to an agency (agency_id)"))
    if role is Role.trainer and trainer_id is None:
        raise ValueError(translatable("a trainer account must be bound to a trainer record (trainer_id)"))
    if role is not None and role is not Role.focal_point and agency_id is not None:
        raise ValueError(translatable("only a focal_point is bound to an agency"))
    if role is not None and role is not Role.trainer and trainer_id is not None:
        raise ValueError(translatable("only a trainer account is bound to a trainer record"))
    if role is not None and role is not Role.coordinator and programme_ids:
        raise ValueError(translatable("only a coordinator is assigned programmes"))


class UserCreate(InputModel):
    username: str = Username
    password: str = Password
    role: PersonRole
    agency_id: uuid.UUID | None = None
    trainer_id: uuid.UUID | None = None
    programme_ids: list[uuid.UUID] = Field(default_factory=list)
    language: LanguageTag | None = Field(None, description="BCP 47; null: each request's Accept-Language")
    digits: Digits | None = Field(None, description="latn (0-9) or arab (٠-٩); null: Latin")
    email: Email | None = Field(None, description="Where the messages meant for this person go; null: none is sent")

    @model_validator(mode="after")
    def _binding(self) -> Self:
        check_binding(self.role, self.agency_id, self.trainer_id, self.programme_ids)
        return self


class UserUpdate(PatchModel):
    nullable = frozenset({"agency_id", "trainer_id", "language", "digits", "email"})

    password: str | None = Field(
        None, min_length=12, max_length=200, description="A new password (at least 12 characters)"
    )
    role: PersonRole | None = None
    agency_id: uuid.UUID | None = None
    trainer_id: uuid.UUID | None = None
    programme_ids: list[uuid.UUID] | None = None
    disabled: bool | None = None
    language: LanguageTag | None = None
    digits: Digits | None = None
    email: Email | None = None


class UserRead(EntityRead):
    username: str
    role: Role
    agency_id: uuid.UUID | None
    trainer_id: uuid.UUID | None
    programme_ids: list[uuid.UUID]
    disabled: bool
    language: str | None
    digits: str | None
    email: str | None


class ClientCreate(InputModel):
    name: ShortText = Field(examples=["Mission HR system"])
    scopes: list[ClientScope] = Field(examples=[["officers:read", "officers:write"]])
    agency_id: uuid.UUID | None = Field(
        None,
        description="Binds the client to an agency: it then reaches only the officers "
        "of that agency and its sub-units, like a focal point. Unbound: the whole mission.",
    )


class ClientUpdate(PatchModel):
    nullable = frozenset({"agency_id"})

    name: ShortText | None = None
    scopes: list[ClientScope] | None = None
    agency_id: uuid.UUID | None = None
    disabled: bool | None = None


class ClientRead(EntityRead):
    client_id: str
    name: str
    scopes: list[str]
    agency_id: uuid.UUID | None
    disabled: bool
    previous_secret_until: datetime | None = Field(
        description="After a rotation: the previous secret works beside the new one until then"
    )


class ClientCreated(ClientRead):
    client_secret: str = Field(description="Shown once; only its hash is stored")


class ClientSecretRotated(BaseModel):
    client_id: str
    client_secret: str = Field(description="The new secret, shown once; only its hash is stored")
    previous_secret_until: datetime | None = Field(
        description="The previous secret works too until then; null: it stopped working at once"
    )
