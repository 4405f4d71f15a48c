"""The attendance and assessment rules (domain rules 12-14), without a database."""

import pytest

from domain.attendance.rules import completed, completion_reason, improved, mark_problems, minimum_met, rate
from domain.models.attendance import ATTENDED, AbsenceCause, AbsenceReason
from domain.models.attendance import AttendanceStatus as S


def test_present_and_late_count_as_attended_excused_and_absent_do_not():
    assert ATTENDED == {S.present, S.late}


@pytest.mark.parametrize(
    ("attended", "sessions", "expected"),
    [(0, 5, 0.0), (4, 5, 0.8), (2, 3, 2 / 3), (5, 5, 1.0), (0, 0, None), (3, 0, None)],
)
def test_rate_is_attended_over_sessions_and_unknown_without_sessions(attended, sessions, expected):
    assert rate(attended, sessions) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("attended", "sessions", "threshold", "met"),
    [
        (4, 5, 0.8, True),  # exactly the threshold
        (24, 30, 0.8, True),
        (7, 10, 0.7, True),  # float rounding does not fail an exact match
        (3, 5, 0.8, False),
        (23, 30, 0.8, False),
        (0, 5, 0.0, True),  # a zero threshold is met by anyone
        (1, 3, 1 / 3, True),
    ],
)
def test_minimum_attendance_compares_the_overall_rate_with_the_threshold(attended, sessions, threshold, met):
    assert minimum_met(rate(attended, sessions), threshold) is met


def test_minimum_attendance_is_unknown_without_sessions_and_then_not_completed():
    assert minimum_met(rate(0, 0), 0.8) is None
    assert completed(None) is False


def test_completed_is_minimum_attendance_met():
    assert completed(True) is True
    assert completed(False) is False


@pytest.mark.parametrize(
    ("pre", "post", "expected"),
    [
        (40, 70, True),
        (70, 70, False),
        (80, 60, False),
        (None, 70, None),
        (40, None, None),
        (None, None, None),
        (0, 0.5, True),
    ],
)
def test_improved_means_post_greater_than_pre(pre, post, expected):
    assert improved(pre, post) is expected


def test_completion_reason_names_the_attendance():
    assert completion_reason(4, 5) == "module delivered: attendance 4/5"


def test_a_coherent_mark_has_no_problem():
    assert mark_problems(S.present, None, None) == []
    assert mark_problems(S.late, None, None) == []
    assert mark_problems(S.late, None, AbsenceCause.work) == []
    assert mark_problems(S.excused, None, AbsenceCause.illness) == []
    assert mark_problems(S.excused, AbsenceReason.cancellation, None) == []
    assert mark_problems(S.absent, AbsenceReason.no_show, None) == []
    assert mark_problems(S.absent, AbsenceReason.cancellation, AbsenceCause.emergency) == []


def test_a_present_mark_refuses_reason_and_cause():
    assert [f for f, _ in mark_problems(S.present, AbsenceReason.no_show, None)] == ["reason"]
    assert [f for f, _ in mark_problems(S.present, None, AbsenceCause.illness)] == ["cause"]
    assert [f for f, _ in mark_problems(S.present, AbsenceReason.no_show, AbsenceCause.illness)] == ["reason", "cause"]


def test_an_absence_needs_a_reason():
    problems = mark_problems(S.absent, None, AbsenceCause.illness)
    assert [f for f, _ in problems] == ["reason"]
    assert "reason" in problems[0][1]
