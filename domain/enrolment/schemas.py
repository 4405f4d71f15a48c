import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, PrivateAttr

from domain.i18n import Translatable
from domain.models.enrolment import NominationRole, NominationStatus
from domain.schemas import EntityRead, InputModel, ReadModel, Warning_

Reason = Field(None, max_length=2000)


class ModuleRef(ReadModel):
    """A module a rule points at (a missing prerequisite, an overlapping enrolment)."""

    module_id: uuid.UUID
    code: str
    title: str


class Violation(ReadModel):
    """One rule a request breaks: its stable name, a sentence, and what it is about."""

    rule: str
    message: str
    modules: list[ModuleRef] | None = None
    fields: list[str] | None = None
    _text: Translatable | None = PrivateAttr(None)  # the message, rendered in the reader's language

    @classmethod
    def of(cls, text: Translatable, **fields: Any) -> "Violation":
        violation = cls(message=str(text), **fields)
        violation._text = text
        return violation

    @property
    def text(self) -> str | Translatable:
        return self._text or self.message


class QuotaSet(InputModel):
    agency_id: uuid.UUID
    seats: int = Field(ge=0, le=10_000)


class QuotasPut(InputModel):
    """The module's quotas as a whole: agencies left out lose theirs."""

    quotas: list[QuotaSet]


class QuotaRead(ReadModel):
    agency_id: uuid.UUID
    seats: int
    enrolled: int
    released: bool


class QuotasRead(ReadModel):
    module_id: uuid.UUID
    capacity: int
    general_pool: int = Field(description="Seats not reserved by an active quota")
    quotas: list[QuotaRead]
    promoted: list["NominationRead"] = Field(
        default_factory=list, description="Enrolled from the waitlist by a release"
    )


class QuotaRelease(InputModel):
    reason: str | None = Reason


class NominationCreate(InputModel):
    officer_id: uuid.UUID
    role: NominationRole = NominationRole.participant
    priority: int = Field(100, ge=1, le=1000, description="Lower comes first")
    note: str | None = Field(None, max_length=2000)
    late_reason: str | None = Field(None, max_length=2000, description="Coordinators only: nominate after the deadline")


class NominationRead(EntityRead):
    module_id: uuid.UUID
    officer_id: uuid.UUID
    agency_id: uuid.UUID
    role: NominationRole
    priority: int
    queue_rank: int | None
    note: str | None
    late_reason: str | None
    status: NominationStatus
    nominated_by: str
    warnings: list[Warning_] = Field(default_factory=list)


class Decision(InputModel):
    decision: Literal["accept", "waitlist", "reject"]
    reason: str | None = Reason
    on_full: Literal["refuse", "waitlist"] = Field(
        "refuse",
        description="When capacity or the agency's quota is reached: answer 409 (refuse) or queue it (waitlist)",
    )


class Withdrawal(InputModel):
    reason: str | None = Reason


class Substitution(InputModel):
    officer_id: uuid.UUID = Field(description="The officer who takes the nomination's place")
    reason: str | None = Reason


class PromotionSkip(ReadModel):
    nomination_id: uuid.UUID
    officer_id: uuid.UUID
    reason: str


class SeatChanges(ReadModel):
    """What a freed seat did: who was enrolled from the waitlist, and who was passed over and why."""

    promoted: list[NominationRead] = Field(default_factory=list)
    skipped: list[PromotionSkip] = Field(default_factory=list)


class DecisionResult(ReadModel):
    nomination: NominationRead
    promoted: list[NominationRead] = Field(default_factory=list)
    skipped: list[PromotionSkip] = Field(default_factory=list)
    warnings: list[Warning_] = Field(default_factory=list)


class SubstitutionResult(ReadModel):
    replaced: NominationRead = Field(description="The nomination replaced, now withdrawn")
    nomination: NominationRead = Field(description="The substitute's nomination, in the replaced one's place")
    warnings: list[Warning_] = Field(default_factory=list)


class WaitlistOrder(InputModel):
    nomination_ids: list[uuid.UUID] = Field(min_length=1, description="The waitlist in the order wanted; others follow")


class HistoryEntry(ReadModel):
    at: datetime
    actor_name: str
    from_status: str | None
    to_status: str
    reason: str | None


class SexCounts(ReadModel):
    female: int = 0
    male: int = 0


class BalanceRead(ReadModel):
    module_id: uuid.UUID
    capacity: int
    enrolled: SexCounts
    pending: SexCounts
    female_share_now: float | None
    female_share_if_all_pending_accepted: float | None
    target: float
    target_source: Literal["module", "cycle"]
    below_target: bool


QuotasRead.model_rebuild()
