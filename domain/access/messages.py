"""Need-to-know for messages (domain/notifications): who may read the log of what was sent, and
what the system itself reads of a person to write to them.

- the log: administrators every message; coordinators the messages of the modules of the
  programmes they plan, those about an officer only when they may see that officer; focal points
  the messages about officers they may see, and the messages addressed to themselves; nobody
  else. Exactly the need-to-know of the person the message is about.
- recipients: writing to a person about their own training, the system reads that person's
  address, language and name, and nothing of anyone else; it never writes to an erased person."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, select, true

from domain.access.need_to_know import NeedToKnow, officers
from domain.access.plans import planned_modules
from domain.auth.principal import Principal, Role
from domain.models.notifications import Message
from domain.models.officers import Officer

READERS = frozenset({Role.admin, Role.coordinator, Role.focal_point})


def messages(principal: Principal) -> NeedToKnow:
    """The messages the principal may see in the log (a condition on Message)."""
    if principal.role is Role.admin:
        return NeedToKnow("messages", true())
    if principal.role not in READERS:
        return NeedToKnow("messages", false())
    about_visible = Message.officer_id.in_(select(Officer.id).where(officers(principal)))
    if principal.role is Role.focal_point:
        return NeedToKnow("messages", about_visible | (Message.user_id == principal.id))
    condition: ColumnElement[bool] = (Message.officer_id.is_(None) | about_visible) & planned_modules(
        principal, Message.module_id
    )
    return NeedToKnow("messages", condition)


def recipients(officer_ids: Any) -> NeedToKnow:
    """The officers a message is being written to (a condition on Officer): those named, while
    they are not erased. `officer_ids`: a list, or a subquery of the cause's people (the
    participants of the module a message is about)."""
    return NeedToKnow("recipients", Officer.erased_at.is_(None) & Officer.id.in_(officer_ids))
