"""The settings messages are decided with (the sender, the public URL of links), set by whoever
runs the decisions: the API (create_app) and the worker; else the environment's."""

from __future__ import annotations

from email.utils import parseaddr

from domain.settings import Settings, get_settings

_settings: Settings | None = None


def configure(settings: Settings) -> None:
    global _settings
    _settings = settings


def settings() -> Settings:
    return _settings or get_settings()


def sender() -> tuple[str, str]:
    """(display name, address) of MAIL_FROM: the From of every message and the invitations' ORGANIZER."""
    name, address = parseaddr(settings().mail_from)
    return name or "Tadrib", address or "tadrib@tadrib.invalid"


def public_link(path: str) -> str:
    """An absolute link on PUBLIC_URL when it is set (it should be, wherever mail is sent)."""
    base = (settings().public_url or "").rstrip("/")
    return f"{base}{path}"
