import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Entity
from domain.enums import enum_column


class CertificateKind(StrEnum):
    attendance = "attendance"
    competence = "competence"


class Certificate(Entity):
    """A signed Open Badges 3.0 credential (VC-JWT). The verification code is public; the public
    check reveals the module, its dates, the issuer and the holder's initials, nothing more."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("module_id", "officer_id", "kind"),)

    module_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("modules.id"), index=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id"), index=True)
    kind: Mapped[CertificateKind] = mapped_column(enum_column(CertificateKind, "kind"))
    verification_code: Mapped[str] = mapped_column(String(40), unique=True)
    holder_initials: Mapped[str] = mapped_column(String(40))
    credential: Mapped[str] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_reason: Mapped[str | None] = mapped_column(Text)
