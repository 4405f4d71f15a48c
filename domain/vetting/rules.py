"""Pure vetting rules (domain rules 10 and 11): the status ladder, the validity window each
vetting type gets, and whether a vetting counts for a module. No database here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from domain.errors import Conflict, InvalidInput
from domain.i18n import translatable
from domain.models.catalogue import VettingType
from domain.models.vetting import VettingStatus

V = VettingStatus
NEXT: dict[VettingStatus, set[VettingStatus]] = {
    V.requested: {V.approved, V.rejected, V.suspended, V.cancelled},
    V.approved: {V.suspended, V.cancelled},
    V.suspended: {V.approved, V.cancelled},
    V.rejected: set(),
    V.cancelled: set(),
}
# A vetting that becomes one of these takes the person off the rosters that need that type.
FAILING = {V.rejected, V.suspended}
# The result date is part of the answer for these.
NEEDS_RESULT_DATE = {V.approved, V.rejected}


def check_transition(current: VettingStatus, target: VettingStatus) -> None:
    if target == current:
        return
    if target not in NEXT[current]:
        allowed = sorted(s.value for s in NEXT[current])
        raise Conflict(
            translatable(
                "A {current} vetting cannot become {target}; allowed: {allowed}.",
                current=current.value,
                target=target.value,
                allowed=", ".join(allowed) or translatable("none"),
            ),
            code="illegal-transition",
            title="Illegal status change",
            current=current.value,
            allowed=allowed,
        )


def one_year_after(day: date) -> date:
    """Same day next year; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@dataclass(frozen=True)
class VettingState:
    """What a vetting would look like once a change is applied."""

    type: VettingType
    status: VettingStatus
    requested_on: date
    needed_by: date | None
    result_on: date | None
    valid_from: date | None
    valid_until: date | None


def settle(state: VettingState, *, sent: set[str]) -> tuple[date | None, date | None]:
    """Check a vetting's dates and return its validity window (valid_from, valid_until).

    - courtesy, approved: one year from the result, always computed; a client may send the same
      dates back but never others;
    - leahy and host-nation, approved: the dates the vetting body returned (INVEST for Leahy),
      required from the client, never computed;
    - a validity window is only set on an approved vetting (a suspended one keeps its old one).
    `sent` names the fields the client sent. Raises InvalidInput listing every problem."""
    errors: list[dict[str, str]] = []
    valid_from, valid_until = state.valid_from, state.valid_until
    if state.needed_by is not None and state.needed_by < state.requested_on:
        errors.append({"field": "needed_by", "message": f"must not be before the request ({state.requested_on})"})
    if state.result_on is not None and state.result_on < state.requested_on:
        errors.append(
            {"field": "result_on", "message": f"the result cannot come before the request ({state.requested_on})"}
        )
    if state.status in NEEDS_RESULT_DATE and state.result_on is None:
        errors.append(
            {"field": "result_on", "message": f"a vetting that is {state.status.value} needs its result date"}
        )
    dates_sent = sent & {"valid_from", "valid_until"}
    if state.status is V.approved and state.type is VettingType.courtesy:
        if state.result_on is not None:
            computed = (state.result_on, one_year_after(state.result_on))
            for field, given, wanted in zip(("valid_from", "valid_until"), (valid_from, valid_until), computed):
                if field in dates_sent and given != wanted:
                    errors.append(
                        {
                            "field": field,
                            "message": f"courtesy vetting is valid one year from the result: {wanted}, "
                            "computed, not set",
                        }
                    )
            valid_from, valid_until = computed
    elif state.status is V.approved:
        body = "INVEST" if state.type is VettingType.leahy else "the host-nation vetting body"
        for field, value in (("valid_from", valid_from), ("valid_until", valid_until)):
            if value is None:
                errors.append(
                    {
                        "field": field,
                        "message": f"{state.type.value} validity is the one {body} returned: required, never computed",
                    }
                )
    elif dates_sent:
        for field in sorted(dates_sent):
            errors.append({"field": field, "message": "a validity window is set only when the vetting is approved"})
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        errors.append({"field": "valid_until", "message": f"must not be before valid_from ({valid_from})"})
    if errors:
        raise InvalidInput(translatable("The vetting's dates do not hold together."), errors=errors)
    return valid_from, valid_until


@dataclass(frozen=True)
class VettingFact:
    """A vetting as the module check sees it."""

    id: uuid.UUID
    type: VettingType
    status: VettingStatus
    unit_agency_id: uuid.UUID
    requested_on: date
    needed_by: date | None
    result_on: date | None
    valid_from: date | None
    valid_until: date | None


def why_not_valid(
    v: VettingFact, *, required: VettingType, agency_id: uuid.UUID, starts_on: date | None, ends_on: date | None
) -> str | None:
    """None when the vetting counts for a module needing `required` held from starts_on to
    ends_on by an officer now in `agency_id`; else why it does not. Without dates (no session
    yet) the vetting must at least be valid on the day the module would start (unknown: today)."""
    if v.type is not required:
        return f"the vetting is {v.type.value}, the module needs {required.value}"
    if v.status is V.requested:
        return f"{required.value} vetting still requested" + (f" (needed by {v.needed_by})" if v.needed_by else "")
    if v.status is not V.approved:
        when = f" on {v.result_on}" if v.result_on and v.status is V.rejected else ""
        return f"{required.value} vetting {v.status.value}{when}"
    if v.unit_agency_id != agency_id:
        return f"{required.value} vetting was done in another unit; a change of unit does not carry it over"
    start = starts_on or date.today()
    end = ends_on or start
    if v.valid_from is not None and v.valid_from > start:
        return f"{required.value} vetting is valid only from {v.valid_from}, after the module starts ({start})"
    if v.valid_until is not None and v.valid_until < end:
        return f"{required.value} vetting expires on {v.valid_until}, before the module ends ({end})"
    return None


def blocker_reason(
    vettings: list[VettingFact],
    *,
    required: VettingType,
    agency_id: uuid.UUID,
    starts_on: date | None,
    ends_on: date | None,
) -> str | None:
    """None when one of the officer's vettings counts for the module; else the reason the most
    recent vetting of the required type gives (or that there is none)."""
    relevant = [v for v in vettings if v.type is required]
    if not relevant:
        others = sorted({v.type.value for v in vettings})
        return f"no {required.value} vetting requested" + (f" (has {', '.join(others)} only)" if others else "")
    reasons = []
    for v in relevant:
        reason = why_not_valid(v, required=required, agency_id=agency_id, starts_on=starts_on, ends_on=ends_on)
        if reason is None:
            return None
        reasons.append((v.requested_on, v.id, reason))
    return max(reasons)[2]
