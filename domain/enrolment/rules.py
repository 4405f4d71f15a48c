"""Pure enrolment rules: seats against capacity and quotas, waitlist order, gender share."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Quota:
    agency_id: uuid.UUID
    path: str  # the agency's materialised path: sub-units share its prefix
    seats: int


def quota_for(agency_path: str, quotas: list[Quota]) -> Quota | None:
    """The most specific active quota covering an agency (its own, else its nearest parent's)."""
    covering = [q for q in quotas if agency_path.startswith(q.path)]
    return max(covering, key=lambda q: len(q.path), default=None)


def seat_limit(*, capacity: int, quotas: list[Quota], enrolled_paths: list[str], candidate_path: str) -> str | None:
    """Which limit stops one more enrolment from this agency: "capacity", "quota" or None.

    An active quota both reserves seats for its agency and caps it; agencies without a quota
    share the seats no quota reserves (the general pool)."""
    if len(enrolled_paths) >= capacity:
        return "capacity"
    used: dict[uuid.UUID, int] = {}
    outside = 0
    for path in enrolled_paths:
        q = quota_for(path, quotas)
        if q is None:
            outside += 1
        else:
            used[q.agency_id] = used.get(q.agency_id, 0) + 1
    mine = quota_for(candidate_path, quotas)
    if mine is not None:
        return "quota" if used.get(mine.agency_id, 0) >= mine.seats else None
    pool = capacity - sum(q.seats for q in quotas)
    return "capacity" if outside >= pool else None


def general_pool(capacity: int, quotas: list[Quota]) -> int:
    return max(0, capacity - sum(q.seats for q in quotas))


@dataclass(frozen=True)
class Waiting:
    nomination_id: uuid.UUID
    agency_id: uuid.UUID
    is_alternate: bool
    queue_rank: int | None
    priority: int
    created_at: datetime


def queue_key(w: Waiting) -> tuple:
    """Coordinators' explicit order first, then priority (lower first), then time."""
    return (w.queue_rank is None, w.queue_rank or 0, w.priority, w.created_at, str(w.nomination_id))


def promotion_order(waiting: list[Waiting], freed_agency_id: uuid.UUID | None) -> list[Waiting]:
    """The same agency's alternates get a freed seat first, then everyone in queue order."""
    first = sorted((w for w in waiting if w.is_alternate and w.agency_id == freed_agency_id), key=queue_key)
    rest = sorted((w for w in waiting if w not in first), key=queue_key)
    return first + rest


def female_share(female: int, male: int) -> float | None:
    total = female + male
    return None if total == 0 else round(female / total, 4)
