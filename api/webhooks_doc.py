"""The catalogue of event types in the OpenAPI document's `webhooks` section (OpenAPI 3.1): one
entry per type, the envelope with that type's data, and how deliveries are signed and retried."""

from typing import Any, Literal

from fastapi import FastAPI
from pydantic import create_model

from domain.events.schemas import EventRead
from domain.outbox.catalogue import CATALOGUE

SIGNED = (
    "\n\nSent as a POST with the Standard Webhooks headers `webhook-id` (the event's id: the same on every retry and "
    "redelivery, so de-duplicate on it), `webhook-timestamp` (Unix seconds) and `webhook-signature` (`v1,<base64 "
    "HMAC-SHA256 of id.timestamp.body>`, keyed with the bytes after `whsec_`; several, space-separated, while a secret "
    "rotates). Answer 2xx within 15 seconds; anything else is retried with backoff "
    "(about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h); 410 stops deliveries to the endpoint. "
    "Order is not guaranteed: compare `sequence` per resource and drop an older update. "
    "The same events are on `GET /api/v1/events`."
)


def _title(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("_", ".").split(".")) + "Event"


def _endpoint(model: Any) -> Any:
    # Documentation only, never served: the body type is built at start-up from the catalogue.
    async def receive(event: model) -> None:  # type: ignore[valid-type]
        return None

    return receive


def install_webhooks(app: FastAPI) -> None:
    for name, entry in CATALOGUE.items():
        model = create_model(
            _title(name),
            __base__=EventRead,
            __doc__=entry.description,
            type=(Literal[name], ...),  # type: ignore[arg-type]  # a Literal built at run time
            data=(entry.data, ...),
        )
        app.webhooks.add_api_route(
            name,
            _endpoint(model),
            methods=["POST"],
            operation_id=f"webhook_{name.replace('.', '_')}",
            summary=entry.description,
            description=f"About a `{entry.resource}`. {entry.description}" + SIGNED,
            tags=["webhooks"],
            status_code=200,
            response_description="Received (any 2xx)",
        )
