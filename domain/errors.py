"""Domain errors. They carry a stable code, a title and structured extras; the API maps each
class to an HTTP status in one place (api/errors.py). No HTTP here.

Language: the title is looked up in the catalogue when the problem is answered (api/language.py;
pybabel extract finds every `title`). The detail, and a field error's message, may be text
rendered in the reader's language: `translatable("No module with id {id}.", id=module_id)`
(domain/i18n); `str()` of it is the English. Every detail raised in domain/ and api/ is written so
(tests/unit/test_problem_details.py scans for a plain string)."""

from __future__ import annotations

from typing import Any

from domain.i18n import Translatable


class DomainError(Exception):
    code = "error"
    title = "Error"
    # Most errors undo the request's writes; a few must keep them (a failed sign-in is counted).
    keep_changes = False

    def __init__(self, detail: str | Translatable, *, code: str | None = None, title: str | None = None, **extra: Any):
        super().__init__(str(detail))
        self.detail = str(detail)  # the English, for logs and for code that reads it
        self.message = detail if isinstance(detail, Translatable) else None  # rendered per reader
        if code:
            self.code = code
        if title:
            self.title = title
        self.extra = extra


class NotFound(DomainError):
    code = "not-found"
    title = "Not found"


class Conflict(DomainError):
    """The request collides with the current state (a unique key, a reference, a booking)."""

    code = "conflict"
    title = "Conflict"


class RuleViolation(DomainError):
    """A business rule refuses the request; `code` names the rule."""

    code = "rule-violation"
    title = "Business rule violated"


class InvalidInput(DomainError):
    """Input that passed the schema but is still wrong; `errors` lists {field, message}."""

    code = "validation-error"
    title = "Invalid input"

    def __init__(self, detail: str | Translatable, *, errors: list[dict[str, Any]], **extra: Any):
        super().__init__(detail, errors=errors, **extra)


class TooLarge(DomainError):
    """The input exceeds a limit (rows, cells, an archive's expanded size, the time or memory to read
    it); `limit` names the setting that holds it."""

    code = "content-too-large"
    title = "Content Too Large"


class Gone(DomainError):
    """What the request names existed once and is kept no longer (an expired feed cursor)."""

    code = "gone"
    title = "Gone"


class PreconditionFailed(DomainError):
    code = "precondition-failed"
    title = "Precondition failed"


class Unauthenticated(DomainError):
    code = "unauthenticated"
    title = "Authentication required"


class Forbidden(DomainError):
    code = "forbidden"
    title = "Forbidden"


class TooManyRequests(DomainError):
    code = "too-many-requests"
    title = "Too many requests"

    def __init__(self, detail: str | Translatable, *, retry_after: int, keep_changes: bool = False, **extra: Any):
        super().__init__(detail, **extra)
        self.retry_after = retry_after
        self.keep_changes = keep_changes  # a refused sign-in is still counted


class OAuthError(DomainError):
    """RFC 6749 token-endpoint errors; `error` is the OAuth code (invalid_grant, invalid_client...)."""

    code = "oauth-error"
    title = "Token request refused"

    def __init__(self, error: str, detail: str | Translatable, *, keep_changes: bool = False):
        # error_description stays English: RFC 6749 keeps it to ASCII; `detail` is in the reader's language.
        super().__init__(detail, error=error, error_description=str(detail))
        self.error = error
        self.keep_changes = keep_changes
