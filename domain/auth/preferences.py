"""A person's own preferences (language, digits): set from /me in the API and the switch on
every page; audited like any change."""

from __future__ import annotations

import dataclasses

from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.service import record_change
from domain.auth.principal import Principal
from domain.auth.schemas import MeUpdate
from domain.errors import Forbidden, Unauthenticated
from domain.i18n import translatable
from domain.models.auth import User


async def update_preferences(session: AsyncSession, *, principal: Principal, data: MeUpdate) -> Principal:
    """Save what `data` sets; returns the principal as it now is."""
    if principal.kind != "user" or principal.id is None:
        raise Forbidden(translatable("Preferences belong to people's accounts."), needed="a user account")
    user = await session.get(User, principal.id)
    if user is None:
        raise Unauthenticated(translatable("The account behind this token no longer exists."))
    changes = {f: (getattr(user, f), v) for f, v in data.changes().items() if getattr(user, f) != v}
    if changes:
        for field, (_, value) in changes.items():
            setattr(user, field, value)
        await session.flush()
        record_change(session, principal=principal, action="updated", entity="user", entity_id=user.id, changes=changes)
    return dataclasses.replace(principal, language=user.language, digits=user.digits)
