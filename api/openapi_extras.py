"""What FastAPI cannot say by itself in the OpenAPI document: the roles (and client scopes) that may
call each operation, from the one policy; and that errors come as application/problem+json with the
Problem schema (FastAPI would put the schema under application/json, which the server never sends)."""

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.problems import PROBLEM_MEDIA_TYPE
from domain.auth import policy


def document_roles(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes,
                             tags=app.openapi_tags)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                _problems_as_sent(operation)
                _parameters_never_null(operation)
                requirements = operation.get("security")
                if not requirements:
                    operation["x-public"] = True
                    continue
                needed = sorted({scope for req in requirements for scopes in req.values() for scope in scopes})
                operation["x-required-permissions"] = needed
                # An operation needing several permissions is open to the roles that hold them all.
                roles = sorted(set.intersection(*(set(policy.roles_with(p)) for p in needed))) if needed else ["any signed-in account"]
                operation["x-roles"] = roles
                operation["description"] = (operation.get("description", "") + f"\n\n**Who may call it:** {', '.join(roles)}.").strip()
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema


def _problems_as_sent(operation: dict) -> None:
    for response in operation.get("responses", {}).values():
        content = response.get("content", {})
        if PROBLEM_MEDIA_TYPE in content and "application/json" in content:
            content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")


def _parameters_never_null(operation: dict) -> None:
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
