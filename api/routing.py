"""The route class of every API router. FastAPI decodes a JSON body before it resolves a route's
dependencies, so a body that is not JSON was a 422 even to a caller without a token. Here such a
body is handed on as unreadable: it fails the body's validation with the other parameters, after
authentication (401) and authorization (403), and before any precondition (412, in the services)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

# The scope key under which an unreadable body's problem waits for the validation error (errors.py).
UNREADABLE_BODY = "tadrib.unreadable_body"


class Unreadable:
    """Stands for a body that is not JSON text: no body schema accepts it. (FastAPI validates a
    body with from_attributes, which would read an object without the fields as an empty PATCH:
    reading any field of this one fails.)"""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # what Python itself looks up answers as for any object
            raise AttributeError(name)
        raise ValueError("the body is not JSON")

    def __repr__(self) -> str:
        return "<a body that is not JSON text>"


class _BodyAfterDependencies(Request):
    async def json(self) -> Any:
        try:
            return await super().json()
        except UnicodeDecodeError:
            self.scope[UNREADABLE_BODY] = "the body is not valid JSON text (UTF-8)"
        except ValueError as exc:  # json.JSONDecodeError
            self.scope[UNREADABLE_BODY] = f"malformed JSON: {getattr(exc, 'msg', exc)}"
        return Unreadable()


class CheckedRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            return await handler(_BodyAfterDependencies(request.scope, request.receive))

        return handle
