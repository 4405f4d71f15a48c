"""Adds to each operation the roles (and client scopes) that may call it, from the one policy."""

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from domain.auth import policy


def document_roles(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes,
                             tags=app.openapi_tags)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
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
