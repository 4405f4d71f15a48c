"""The module status ladder: draft -> planned -> open -> confirmed -> delivered -> closed,
with cancelled and postponed reachable (with a reason) from any state before delivered."""

from domain.catalogue.models import ModuleStatus as S

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


def can_transition(current: S, target: S) -> bool:
    return target in allowed_transitions(current)
