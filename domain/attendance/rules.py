"""Pure attendance and assessment rules (domain rules 12-14): no database, no I/O.

- A mark is present, late, excused or absent. An absence has a reason (cancellation, no-show)
  and may have a cause (illness, emergency, work, unknown); a present mark has neither.
- Present and late count as attended.
- Before a session starts, only an excused absence may be recorded (announced in advance).
- The attendance rate is stated two ways: over the sessions held so far and over all sessions.
  "Minimum attendance met" compares the rate over all sessions with the module's threshold.
- "Increased knowledge" (improved) means post-test > pre-test; unknown if either is missing.
- Completion is minimum attendance met (a pass mark matters only for a certificate of competence).
"""

from __future__ import annotations

from datetime import datetime

from domain.i18n import Translatable, translatable
from domain.models.attendance import AbsenceCause, AbsenceReason, AttendanceStatus

# Rates are compared with a little slack so that 4/5 meets 0.8 whatever the float rounding.
_EPSILON = 1e-9


def rate(attended: int, sessions: int) -> float | None:
    """attended / sessions, or None when there is no session to count over."""
    if sessions <= 0:
        return None
    return attended / sessions


def minimum_met(rate_overall: float | None, threshold: float) -> bool | None:
    """The rate over all sessions against the module's threshold; None when there is no session."""
    if rate_overall is None:
        return None
    return rate_overall + _EPSILON >= threshold


def improved(pre_test: float | None, post_test: float | None) -> bool | None:
    if pre_test is None or post_test is None:
        return None
    return post_test > pre_test


def completed(minimum_attendance_met: bool | None) -> bool:
    """A participant completes a module when the minimum attendance is met, and only then."""
    return minimum_attendance_met is True


def completion_reason(attended: int, sessions: int) -> str:
    return f"module delivered: attendance {attended}/{sessions}"


def too_early(status: AttendanceStatus, starts_at: datetime, now: datetime) -> Translatable | None:
    """Before a session starts only an excused absence can be known (announced in advance); who
    was present, late or absent is recorded once it has started. Why a mark is too early, or None."""
    if starts_at > now and status is not AttendanceStatus.excused:
        return translatable(
            "the session starts at {starts_at}: only an excused absence can be recorded before then",
            starts_at=starts_at.isoformat(),
        )
    return None


def mark_problems(
    status: AttendanceStatus, reason: AbsenceReason | None, cause: AbsenceCause | None
) -> list[tuple[str, Translatable]]:
    """What is wrong with one mark, as (field, message) pairs; empty when it is coherent. The
    messages are rendered in the reader's language (pages, problem details)."""
    problems = []
    if status is AttendanceStatus.present:
        if reason is not None:
            problems.append(("reason", translatable("a present mark has no absence reason")))
        if cause is not None:
            problems.append(("cause", translatable("a present mark has no absence cause")))
    if status is AttendanceStatus.absent and reason is None:
        problems.append(("reason", translatable("an absence needs a reason (cancellation or no_show)")))
    return problems
