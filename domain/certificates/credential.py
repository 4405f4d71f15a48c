"""The Open Badges 3.0 credential a certificate carries, as VC-JWT claims (pure: no database,
no keys). Anyone can verify it with the keys at /.well-known/jwks.json. The holder is named by
an opaque URN, never by name: the credential may be shown to third parties."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from domain.models.certificates import CertificateKind

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
MEDIA_TYPE = "vc+jwt"


def programme_urn(programme_id: uuid.UUID) -> str:
    return f"urn:tadrib:programme:{programme_id}"


def officer_urn(officer_id: uuid.UUID) -> str:
    return f"urn:tadrib:officer:{officer_id}"


def achievement_urn(module_id: uuid.UUID, kind: CertificateKind) -> str:
    return f"urn:tadrib:module:{module_id}:{kind.value}"


@dataclass(frozen=True)
class CredentialFacts:
    certificate_id: uuid.UUID
    kind: CertificateKind
    issued_at: datetime
    programme_id: uuid.UUID
    programme_name: str
    module_id: uuid.UUID
    module_title: str
    officer_id: uuid.UUID
    completion_threshold: float
    pass_mark: float | None
    starts_on: date | None
    ends_on: date | None


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _period(f: CredentialFacts) -> str:
    if f.starts_on is None:
        return ""
    return f", held from {f.starts_on.isoformat()} to {(f.ends_on or f.starts_on).isoformat()}"


def criteria(f: CredentialFacts) -> str:
    attendance = f"attendance >= {f.completion_threshold:.0%} of all the module's sessions"
    if f.kind is CertificateKind.competence and f.pass_mark is not None:
        return f"{attendance}, and a post-test score >= {f.pass_mark:g} out of 100"
    return attendance


def credential_claims(f: CredentialFacts) -> dict[str, Any]:
    """VC-JWT claims (VC Data Model 2.0 / Open Badges 3.0): iss is the programme, sub the holder's
    URN, jti the certificate's URN, nbf and iat the time of issue. No expiry: a certificate stays
    valid until revoked, which the public verification endpoint tells."""
    issued = int(f.issued_at.timestamp())
    credential_id = f"urn:uuid:{f.certificate_id}"
    issuer = programme_urn(f.programme_id)
    holder = officer_urn(f.officer_id)
    noun = "Certificate of attendance" if f.kind is CertificateKind.attendance else "Certificate of competence"
    what = "attended" if f.kind is CertificateKind.attendance else "attended and passed the assessment of"
    return {
        "iss": issuer,
        "sub": holder,
        "jti": credential_id,
        "nbf": issued,
        "iat": issued,
        "vc": {
            "@context": CONTEXT,
            "id": credential_id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": issuer, "type": ["Profile"], "name": f.programme_name},
            "validFrom": _iso(f.issued_at),
            "name": f"{noun}: {f.module_title}",
            "credentialSubject": {
                "id": holder,
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": achievement_urn(f.module_id, f.kind),
                    "type": ["Achievement"],
                    "name": f"{f.module_title} ({f.kind.value})",
                    "description": f"The holder {what} the training module {f.module_title}{_period(f)}.",
                    "criteria": {"narrative": criteria(f)},
                },
            },
        },
    }
