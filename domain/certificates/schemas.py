"""Certificates: what the issuing, listing and public verification answer."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from domain.models.certificates import CertificateKind
from domain.schemas import EntityRead, InputModel, ReadModel


class CertificateRead(EntityRead):
    module_id: uuid.UUID
    officer_id: uuid.UUID
    kind: CertificateKind
    verification_code: str = Field(
        description="Public: GET /api/v1/certificates/verify/{code} checks it without sign-in"
    )
    holder_initials: str
    credential: str = Field(
        description="Open Badges 3.0 credential as a VC-JWT (RS256; keys at /.well-known/jwks.json)"
    )
    issued_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None


class IssueResult(ReadModel):
    issued: int = Field(description="Certificates issued by this request")
    already: int = Field(description="Certificates that existed already (issuing again changes nothing)")
    certificates: list[CertificateRead] = Field(description="All the module's certificates")


class Revocation(InputModel):
    reason: str = Field(min_length=1, max_length=2000)


class CertificateFilters(BaseModel):
    module_id: uuid.UUID | None = None
    officer_id: uuid.UUID | None = None


class Verification(ReadModel):
    """What anyone may learn from a verification code: no name, no person's id, no agency."""

    status: Literal["valid", "revoked"]
    kind: CertificateKind
    module_title: str
    starts_on: date | None = Field(description="Local date of the module's first session")
    ends_on: date | None = Field(description="Local date of the module's last session")
    issuer: str = Field(description="The programme that issued it")
    holder_initials: str
    issued_at: datetime
    revoked_at: datetime | None
