"""The module status ladder: draft -> planned -> open -> confirmed -> delivered -> closed,
with cancelled and postponed reachable (with a reason) from any state before delivered.

Delivery is a fact about training that took place: a module is delivered once its last session
has ended; before that only with a coordinator's reason (the last day was called off, say), and
never without a single session that has started."""

from __future__ import annotations

from datetime import datetime

from domain.errors import Conflict, InvalidInput
from domain.i18n import translatable
from domain.models.catalogue import ModuleStatus as S

_FORWARD = {
    S.draft: {S.planned},
    S.planned: {S.open, S.draft},
    S.open: {S.confirmed, S.planned},
    S.confirmed: {S.delivered, S.open},
    S.delivered: {S.closed},
    S.closed: set(),
    S.cancelled: set(),
    # A postponed module resumes its planning.
    S.postponed: {S.planned, S.open},
}
_BEFORE_DELIVERY = {S.draft, S.planned, S.open, S.confirmed, S.postponed}
NEEDS_REASON = {S.cancelled, S.postponed}


def allowed_transitions(current: S) -> list[S]:
    allowed = set(_FORWARD[current])
    if current in _BEFORE_DELIVERY:
        allowed |= {S.cancelled, S.postponed} - {current}
    return sorted(allowed, key=list(S).index)


def check_transition(
    current: S, target: S, *, reason: str | None, first_start: datetime | None, last_end: datetime | None, now: datetime
) -> None:
    """Refuse a status change the ladder or the delivery rule does not allow. `first_start` and
    `last_end` are the module's first session's start and last session's end (None: no session)."""
    allowed = allowed_transitions(current)
    if target not in allowed:
        raise Conflict(
            translatable(
                "A module cannot go from {current} to {target}; allowed: {allowed}.",
                current=current,
                target=target,
                allowed=", ".join(allowed) or translatable("none (final state)"),
            ),
            code="illegal-transition",
            title="Illegal status transition",
            current=current.value,
            allowed=[s.value for s in allowed],
        )
    given = bool(reason and reason.strip())
    if target in NEEDS_REASON and not given:
        raise InvalidInput(
            translatable("Moving a module to {target} needs a reason.", target=target),
            errors=[{"field": "reason", "message": "required for this transition"}],
        )
    if target is S.delivered:
        if first_start is None or first_start > now:
            raise Conflict(
                translatable("No session of the module has started yet: it cannot be delivered."),
                code="not-held",
                title="Training not held",
                first_session_starts_at=first_start.isoformat() if first_start else None,
            )
        if last_end is not None and last_end > now and not given:
            raise InvalidInput(
                translatable(
                    "The module's last session ends at {last_end}: delivering it before then needs a reason.",
                    last_end=last_end.isoformat(),
                ),
                errors=[{"field": "reason", "message": "required to deliver before the last session has ended"}],
            )
