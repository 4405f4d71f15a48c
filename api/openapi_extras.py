"""What FastAPI cannot say by itself, added to the schema in one place: the roles (and client
scopes) that may call each operation, from the one policy; problem answers under their real media
type; and the Idempotency-Key policy on every operation the middleware covers."""

from copy import deepcopy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.idempotency import HEADER, REPLAYED_HEADER, applies
from api.problem_types import CATALOGUE, ProblemType, types_for
from api.problems import PROBLEM_MEDIA_TYPE
from domain.auth import policy
from domain.idempotency.rules import MAX_KEY_LENGTH

PROBLEM_CONTENT = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}

IDEMPOTENCY_POLICY = (
    "Optional: makes a retry of this POST take effect once (draft-ietf-httpapi-idempotency-key-header-07). A "
    'structured-field string such as `"8e03978e-40d5-43e8-bc93-6894a57f9324"` (a UUID is recommended; a bare token '
    f"without quotes is accepted too), 1 to {MAX_KEY_LENGTH} characters. Keys belong to the signed-in account or "
    "client and are kept at least 24 hours after the answer. The same key with the same request (method, path, query, "
    f"content type and body) replays the first answer (status, body, Location, ETag) with `{REPLAYED_HEADER}: true`; "
    "with another request it is a 422 (`/problems/idempotency-key-reused`); while the first request is still running, "
    "a 409 (`/problems/idempotency-key-in-use`) with Retry-After. Only answers whose work was stored are kept: after "
    "an error answer nothing was changed, the key is free again and a retry runs afresh. An answer carrying a secret "
    "shown once is not kept: a retry gets a 409 (`/problems/idempotency-key-answer-not-kept`) with its Location. A "
    "malformed key is a 400 (`/problems/idempotency-key-invalid`). "
    'See docs/hr-integration.md, "Retries and Idempotency-Key".'
)
# The accepted values, exactly: an sf-string of 1-255 characters (an escape counts once), or a bare token.
_LENGTH = f"{{1,{MAX_KEY_LENGTH}}}"
KEY_PATTERN = r'^(?:"(?:[ !#-\[\]-~]|\\["\\])' + _LENGTH + '"|' + r"[!#$%&'*+.^_`|~0-9A-Za-z:/-]" + _LENGTH + ")$"
KEY_PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": IDEMPOTENCY_POLICY,
    "schema": {"type": "string", "pattern": KEY_PATTERN, "examples": ['"8e03978e-40d5-43e8-bc93-6894a57f9324"']},
}
REPLAYED = {
    "description": "`true` when this is the stored answer of an earlier request with the same Idempotency-Key",
    "schema": {"type": "string", "enum": ["true"]},
}
RETRY_AFTER = {
    "description": "Seconds to wait before retrying (the first request with this Idempotency-Key still runs)",
    "schema": {"type": "integer"},
}
IDEMPOTENCY_ANSWERS = {
    "400": "The Idempotency-Key header is malformed (`/problems/idempotency-key-invalid`)",
    "409": "With Idempotency-Key: the first request with this key is still being processed "
    "(`/problems/idempotency-key-in-use`, retry after Retry-After), or its answer carried a secret and was not kept "
    "(`/problems/idempotency-key-answer-not-kept`)",
    "422": "The Idempotency-Key was already used for another request (`/problems/idempotency-key-reused`)",
}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
            webhooks=app.webhooks.routes,
        )
        for path, item in schema.get("paths", {}).items():
            for method, operation in item.items():
                document_roles(operation)
                problems_as_problem_json(operation)
                parameters_never_null(operation)
                if applies(method, path) and operation.get("security"):
                    document_idempotency(operation)
                typed_problems(operation)
        schema.setdefault("components", {})["examples"] = problem_examples()
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def document_roles(operation: dict[str, Any]) -> None:
    requirements = operation.get("security")
    if not requirements:
        operation["x-public"] = True
        return
    needed = sorted({scope for req in requirements for scopes in req.values() for scope in scopes})
    operation["x-required-permissions"] = needed
    # An operation needing several permissions is open to the roles that hold them all.
    roles = (
        sorted(set.intersection(*(set(policy.roles_with(p)) for p in needed))) if needed else ["any signed-in account"]
    )
    operation["x-roles"] = roles
    operation["description"] = (
        operation.get("description", "") + f"\n\n**Who may call it:** {', '.join(roles)}."
    ).strip()


def problems_as_problem_json(operation: dict[str, Any]) -> None:
    """FastAPI files a `responses=` model under application/json; problems are sent as
    application/problem+json (api/problems.py), so the schema goes there, and only there."""
    for response in operation.get("responses", {}).values():
        content = response.get("content", {})
        if PROBLEM_MEDIA_TYPE in content and "application/json" in content:
            content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")


def typed_problems(operation: dict[str, Any]) -> None:
    """Each problem answer lists the types of its status from the catalogue (api/problem_types.py),
    one named example each (components/examples): what a client may find in `type`; the schema
    stays Problem."""
    for status, response in operation.get("responses", {}).items():
        content = response.get("content", {}).get(PROBLEM_MEDIA_TYPE)
        if content is not None and status.isdigit() and types_for(int(status)):
            content["examples"] = {
                t.code: {"$ref": f"#/components/examples/{_example(t, int(status))}"} for t in types_for(int(status))
            }


def _example(problem_type: ProblemType, status: int) -> str:
    return problem_type.code if len(problem_type.statuses) == 1 else f"{problem_type.code}-{status}"


def problem_examples() -> dict[str, Any]:
    """One example per problem type (and status, for the few that come with two)."""
    return {
        _example(t, status): {
            "summary": t.title + (f" ({t.about})" if t.about else ""),
            "value": {"type": t.uri, "title": t.title, "status": status},
        }
        for t in sorted(CATALOGUE.values(), key=lambda t: t.code)
        for status in t.statuses
    }


def document_idempotency(operation: dict[str, Any]) -> None:
    operation.setdefault("parameters", []).append(deepcopy(KEY_PARAMETER))
    responses = operation["responses"]
    for status, response in responses.items():
        if status.startswith("2"):
            response.setdefault("headers", {})[REPLAYED_HEADER] = deepcopy(REPLAYED)
    for status, text in IDEMPOTENCY_ANSWERS.items():
        if status in responses:
            responses[status]["description"] += f"; or: {text[0].lower()}{text[1:]}"
        else:
            responses[status] = {"description": text, "content": deepcopy(PROBLEM_CONTENT)}
    responses["409"].setdefault("headers", {})["Retry-After"] = deepcopy(RETRY_AFTER)
    operation["responses"] = dict(sorted(responses.items()))


def parameters_never_null(operation: dict[str, Any]) -> None:
    """An optional query or header parameter is left out, never sent as null: FastAPI documents
    `X | None = None` as "X or null", and a client would send the text "null"."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        kept = [alt for alt in schema.get("anyOf", []) if alt.get("type") != "null"]
        if kept and len(kept) < len(schema["anyOf"]):
            del schema["anyOf"]
            if len(kept) == 1:
                schema.update(kept[0])
            else:
                schema["anyOf"] = kept
