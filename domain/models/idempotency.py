import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, LargeBinary, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from domain.db import Base, utcnow
from domain.enums import enum_column
from domain.ids import uuid7


class KeyState(StrEnum):
    processing = "processing"  # claimed; the request holding it runs until locked_until at most
    completed = "completed"  # the work committed; the answer below is what a retry gets


class IdempotencyKey(Base):
    """One Idempotency-Key of one principal: claimed before the request runs, completed in the
    request's own transaction (so the answer is stored exactly when the work committed).

    `attempt` fences the claim: a request whose claim was taken over after its lease ran out
    finds another attempt here when it tries to complete, and its work is rolled back.
    `body` is None when the answer was not kept (Cache-Control: no-store: it carried a secret).
    Rows past `expires_at` count as absent and are purged when keys are claimed."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("principal", "key"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    principal: Mapped[str] = mapped_column(String(80))  # the token's subject, e.g. "user:<uuid>"
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[KeyState] = mapped_column(enum_column(KeyState, "state"))
    attempt: Mapped[uuid.UUID] = mapped_column(Uuid)
    locked_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[int | None] = mapped_column()
    headers: Mapped[list[list[str]] | None] = mapped_column(JSON)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
