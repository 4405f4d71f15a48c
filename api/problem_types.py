"""The catalogue of problem types (issue 18, item 3): every `type` the API answers, with the
status(es) it comes with and its title. A problem's `type` is `/problems/<code>` and never changes
(clients act on it); the title is localised (api/language.py).

Routes document what they may answer from here: api/problems.py lists, for each status a route
declares in `responses=`, the types of that status as an enum of `type` (openapi.json). Domain
errors name their code where they are raised (domain/ never imports api/);
tests/unit/test_problem_types.py fails on a code raised anywhere that is not in this catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus


@dataclass(frozen=True)
class ProblemType:
    code: str
    statuses: tuple[int, ...]
    title: str
    about: str = ""

    @property
    def uri(self) -> str:
        return f"/problems/{self.code}"

    @property
    def status(self) -> int:
        return self.statuses[0]


def _t(code: str, statuses: int | tuple[int, ...], title: str, about: str = "") -> ProblemType:
    return ProblemType(code, statuses if isinstance(statuses, tuple) else (statuses,), title, about)


# The domain errors' own types (domain/errors.py; status by class in api/errors.py).
NOT_FOUND = _t("not-found", 404, "Not found", "no such resource, or not one you may see; or no such path")
CONFLICT = _t("conflict", 409, "Conflict")
RULE_VIOLATION = _t("rule-violation", 422, "Business rule violated")
VALIDATION_ERROR = _t("validation-error", 422, "Invalid input", "`errors` lists {field, message}")
CONTENT_TOO_LARGE = _t("content-too-large", 413, "Content Too Large", "`limit` names the setting")
GONE = _t("gone", 410, "Gone")
PRECONDITION_FAILED = _t("precondition-failed", 412, "Precondition failed", "If-Match is stale")
UNAUTHENTICATED = _t("unauthenticated", 401, "Authentication required")
FORBIDDEN = _t("forbidden", 403, "Forbidden", "`needed` names the permission")
TOO_MANY_REQUESTS = _t("too-many-requests", 429, "Too many requests", "see Retry-After")
OAUTH_ERROR = _t("oauth-error", (400, 401), "Token request refused", "RFC 6749 §5.2: `error`, `error_description`")

# Conflicts with the current state (409), named where they are raised in domain/.
ALREADY_REVOKED = _t("already-revoked", 409, "Already revoked")
CAPACITY_REACHED = _t("capacity-reached", 409, "No seat", "the module is full; decide with on_full=waitlist")
NOT_SUBSTITUTABLE = _t("not-substitutable", 409, "Cannot substitute", "only a submitted, waitlisted or enrolled one")
SUBSTITUTION_CLOSED = _t("substitution-closed", 409, "Substitution closed", "open or confirmed, before it starts")
INDICATOR_APPROVED = _t("indicator-approved", 409, "Indicator approved", "its disaggregation is fixed; `field`")
INDICATOR_COMPUTED = _t("indicator-computed", 409, "Indicator computed", "values only for source=entered")
QUOTA_REACHED = _t("quota-reached", 409, "No seat", "the agency's quota is used up; on_full=waitlist queues")
ILLEGAL_TRANSITION = _t("illegal-transition", 409, "Illegal status change", "`current` and `allowed`")
IMPORT_NOT_APPLIED = _t("import-not-applied", 409, "Conflict", "only an applied import is undone")
IMPORT_NOT_PLANNED = _t("import-not-planned", 409, "Conflict", "only a planned import is applied")
IN_USE = _t("in-use", 409, "Record in use", "`references` lists what still refers to it")
SURVEY_AUDIENCE = _t("survey-audience", 409, "Survey audience", "supervisors are asked in follow-ups only; `field`")
SURVEY_OPENED = _t("survey-opened", 409, "Survey opened", "an opened survey stays on record")
SURVEY_CLOSED = _t("survey-closed", 409, "Survey closed", "its links no longer work")
SURVEY_NOT_OPEN = _t("survey-not-open", 409, "Survey not open", "links are re-issued while it is open")
SURVEY_MODULE_NOT_HELD = _t("survey-module-not-held", 409, "Module not held", "the module is cancelled or a draft")
SURVEY_LINK_NOT_RESENT = _t(
    "survey-link-not-resent", 409, "Survey link not resent", "only hashes are kept: re-issue from the survey"
)
NOT_ON_ROSTER = _t("not-on-roster", 409, "Not on the roster", "supervisors are named for participants on it")
KEY_AMBIGUOUS = _t("key-ambiguous", 409, "External id held by several officers")
LAST_ADMIN = _t("last-admin", 409, "Last administrator")
MODULE_CLOSED = _t("module-closed", 409, "Conflict", "its sessions can no longer change")
MODULE_NOT_ACCEPTING = _t("module-not-accepting", 409, "Module not accepting participants")
MODULE_NOT_DELIVERED = _t("module-not-delivered", 409, "Module not delivered")
NOT_HELD = _t("not-held", 409, "Training not held")
PLAN_HASH_MISMATCH = _t("plan-hash-mismatch", 409, "Conflict", "plan_hash is not this import's plan")
PLAN_OUTDATED = _t("plan-outdated", 409, "The plan is out of date", "`rows` lists the lines")
POSSIBLE_DUPLICATE = _t("possible-duplicate", 409, "Possible duplicate officer", "`candidates`")
SCHEDULE_CONFLICT = _t("schedule-conflict", 409, "Scheduling conflict", "`conflicts` lists each double booking")
SCHEDULE_OVERLAP = _t("schedule-overlap", (409, 422), "Schedule overlap", "the officer is enrolled elsewhere")
TOO_MANY_FEEDS = _t("too-many-feeds", 409, "Conflict", "`limit` feed URLs at most")
TOUCHED_SINCE = _t("touched-since", 409, "Records changed since the import", "`rows`")
UNIQUE_CONFLICT = _t("unique-conflict", 409, "Conflict", "a unique key is taken")
USER_NAME_TAKEN = _t("user-name-taken", 409, "User name taken")
VETTING_INCOMPLETE = _t("vetting-incomplete", 409, "Vetting incomplete")
VETTING_PENDING = _t("vetting-pending", 409, "Vetting already requested", "`vetting_id`")

# Rules that refuse a request (422), named where they are raised in domain/.
DEACTIVATION_BRAKE = _t("deactivation-brake", 422, "Too many deactivations", "send force=true to plan anyway")
WEBHOOK_URL_REFUSED = _t("webhook-url-refused", 422, "Webhook URL refused")
CURSOR_EXPIRED = _t("cursor-expired", 410, "Cursor expired", "older than the feed's retention")
# A refused nomination's type names its first rule (domain/enrolment/rules.py); `violations` lists all.
NOMINATION_RULES = (
    _t("officer-deactivated", 422, "Nomination refused"),
    _t("module-not-open", 422, "Nomination refused"),
    _t("deadline-passed", 422, "Nomination refused"),
    _t("already-nominated", 422, "Nomination refused"),
    _t("prerequisite-not-completed", 422, "Nomination refused"),
    _t("identity-fields-missing", 422, "Nomination refused"),
)

# Answered by api/ itself (its error handlers, middleware and Idempotency-Key).
INVALID_VALUE = _t("invalid-value", 422, "Invalid input", "the database refused a value")
CONCURRENT_UPDATE = _t("concurrent-update", 409, "Conflict", "someone else changed the record at the same time")
INTERNAL_ERROR = _t("internal-error", 500, "Internal Server Error")
DATABASE_UNAVAILABLE = _t("database-unavailable", 503, "Service Unavailable", "nothing changed; see Retry-After")
METHOD_NOT_ALLOWED = _t("method-not-allowed", 405, "Method Not Allowed", "see Allow")
IDEMPOTENCY_KEY_INVALID = _t("idempotency-key-invalid", 400, "Invalid Idempotency-Key")
IDEMPOTENCY_KEY_REUSED = _t("idempotency-key-reused", 422, "Idempotency-Key reused")
IDEMPOTENCY_KEY_IN_USE = _t("idempotency-key-in-use", 409, "Idempotency-Key in use", "see Retry-After")
IDEMPOTENCY_KEY_ANSWER_NOT_KEPT = _t("idempotency-key-answer-not-kept", 409, "Answer not kept", "see Location")


def http_code(status: int) -> str:
    """The code api/errors.py gives an HTTP error of the framework (its reason phrase)."""
    return HTTPStatus(status).phrase.lower().replace(" ", "-")


# What the framework itself may raise (an unknown path, a body over the limit read in a stream...),
# named by api/errors.py after the reason phrase of the Python that runs.
HTTP_STATUSES = (400, 401, 403, 404, 406, 409, 410, 413, 415, 422, 429, 500, 503)
FRAMEWORK = tuple(_t(http_code(s), s, HTTPStatus(s).phrase) for s in HTTP_STATUSES if http_code(s) != NOT_FOUND.code)

CATALOGUE: dict[str, ProblemType] = {}
for _type in (
    *(v for v in list(globals().values()) if isinstance(v, ProblemType)),
    *NOMINATION_RULES,
    *FRAMEWORK,
):
    CATALOGUE.setdefault(_type.code, _type)


def types_for(status: int) -> list[ProblemType]:
    """Every type a response of this status may carry, by code."""
    return sorted((t for t in CATALOGUE.values() if status in t.statuses), key=lambda t: t.code)
