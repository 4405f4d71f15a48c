"""What the token endpoint and /me answer."""

import uuid

from domain.auth.principal import Role
from domain.schemas import ReadModel


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
