"""What the token endpoint and /me answer."""

import uuid

from pydantic import Field

from domain.auth.principal import Role
from domain.schemas import InputModel, ReadModel


class PasswordChange(InputModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=12, max_length=200, description="At least 12 characters")


class TokenResponse(ReadModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    scope: str | None = None


class MeRead(ReadModel):
    id: uuid.UUID | None
    kind: str
    name: str
    role: Role
    agency_id: uuid.UUID | None
    trainer_id: uuid.UUID | None
    programme_ids: list[uuid.UUID]
    permissions: list[str]
