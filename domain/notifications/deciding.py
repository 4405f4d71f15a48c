"""Deciding messages: for one cause, the rules of kinds.RULES it meets, each rule's people, and
one message each, rendered now in their language and stored as rendered, in the transaction of
the cause (the change's own, or the worker's for a reminder). The cause key (cause, kind,
person) is unique: one cause never yields two messages, however often it is looked at."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access.need_to_know import internal
from domain.calendar.ics import Party
from domain.db import utcnow
from domain.models.certificates import Certificate
from domain.models.notifications import CycleMessageKindOff, Message, MessageStatus
from domain.models.vetting import Vetting
from domain.notifications import config, invitations, recipients
from domain.notifications.audiences import RESOLVERS, Addressee, Cause, cause_session
from domain.notifications.facts import ModuleFacts, SessionFacts, load_module
from domain.notifications.kinds import Invitation, Rule, rules_for
from domain.notifications.rendering import render
from domain.notifications.words import word


def mentions(people: list[Any]) -> str | None:
    """The officers a message names besides its recipient (a roster, a focal point's list), as
    "\n<id>\n<id>\n": erasing one of them finds the message (domain/notifications/erasure.py)."""
    ids = [str(p.officer_id) for p in people if p.officer_id]
    return "\n" + "\n".join(ids) + "\n" if ids else None


# Built once, run with parameters: each decision asks both.
_KINDS_OFF = select(CycleMessageKindOff.kind).where(CycleMessageKindOff.cycle_id == bindparam("cycle_id"))
# The keys asked by name: the unique index answers (a prefix LIKE with a parameter read the
# whole log on SQLite, and on PostgreSQL once its plan was generic).
_EXISTING = internal(
    select(Message.cause_key).where(Message.cause_key.in_(bindparam("keys", expanding=True))),
    "which of a cause's messages exist already (one per kind and person)",
)
_KEYS_PER_QUERY = 500


class Decider:
    """Decides the messages of the causes of one transaction; what it reads is read once."""

    def __init__(self, session: AsyncSession, *, now: datetime | None = None):
        self.session = session
        self.now = now or utcnow()
        self._modules: dict[uuid.UUID, ModuleFacts | None] = {}
        self._off: dict[uuid.UUID, set[str]] = {}
        self._raised: set[uuid.UUID] = set()  # sessions whose sequence this transaction raised already
        self.decided = 0

    async def module(self, module_id: uuid.UUID) -> ModuleFacts | None:
        if module_id not in self._modules:
            self._modules[module_id] = await load_module(self.session, module_id)
        return self._modules[module_id]

    def forget(self, module_id: uuid.UUID) -> None:
        self._modules.pop(module_id, None)

    async def kinds_off(self, cycle_id: uuid.UUID) -> set[str]:
        if cycle_id not in self._off:
            rows = await self.session.scalars(_KINDS_OFF, {"cycle_id": cycle_id})
            self._off[cycle_id] = set(rows)
        return self._off[cycle_id]

    async def _sequence(self, session_id: uuid.UUID, *, raise_it: bool) -> int:
        if raise_it and session_id not in self._raised:
            self._raised.add(session_id)
            return await invitations.raise_sequence(self.session, session_id)
        return await invitations.current(self.session, session_id)

    async def _existing(self, keys: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            found.update(await self.session.scalars(_EXISTING, {"keys": keys[start : start + _KEYS_PER_QUERY]}))
        return found

    async def decide(self, cause: Cause) -> int:
        """Decide and store the messages of one cause; returns how many were stored."""
        rules = rules_for(cause.on)
        if not rules:
            return 0
        if cause.on == "vetting.changed" and cause.resource_id:
            cause = await self._vetting_cause(cause)
        if cause.module_id is None:
            return 0
        module = await self.module(cause.module_id)
        if module is None:
            return 0
        facts = cause.facts | {"module_status": module.status}
        met = [r for r in rules if r.when(facts)]
        if not met:
            return 0
        off = await self.kinds_off(module.cycle_id)
        # Each message's key, then which exist already (one query), then the new ones stored in order.
        planned: dict[str, tuple[Rule, Addressee]] = {}
        for rule in met:
            if rule.kind in off:
                continue
            if rule.session_level and cause.session_id is not None:
                await self._sequence(cause.session_id, raise_it=True)
            for audience in rule.to:
                for addressee in await RESOLVERS[audience](self.session, cause, module):
                    planned.setdefault(f"{cause.key}/{rule.kind}/{addressee.person.key}", (rule, addressee))
        existing = await self._existing(list(planned)) if planned else set()
        stored = 0
        for key, (rule, addressee) in planned.items():
            if key not in existing:
                await self._store(key, rule, cause, module, addressee)
                stored += 1
        self.decided += stored
        return stored

    async def _vetting_cause(self, cause: Cause) -> Cause:
        row = (
            await self.session.execute(
                internal(
                    select(Vetting.module_id, Vetting.type).where(Vetting.id == uuid.UUID(cause.resource_id or "")),
                    "the module and type of a vetting whose outcome is sent (its state only)",
                )
            )
        ).first()
        if row is None:
            return cause
        return Cause(
            cause.key,
            cause.on,
            cause.facts | {"vetting_type": row[1].value},
            row[0],
            officer_id=cause.officer_id,
            agency_id=cause.agency_id,
            resource_id=cause.resource_id,
        )

    async def _context(self, rule: Rule, cause: Cause, module: ModuleFacts, a: Addressee, tag: str) -> dict[str, Any]:
        one = cause_session(cause, module)
        context: dict[str, Any] = {
            "greeting": a.person.name(tag),
            "about": a.about.name(tag) if a.about else None,
            "module": module,
            "session": one,
            "invitation": rule.invitation is not None and a.audience in ("officer", "trainer"),
            "vetting": word(tag, module.vetting),
            "seats": a.extra.get("seats"),
            "filled": a.extra.get("filled", 0),
            "position": a.extra.get("position"),
            "days": {"reminder:deadline_7": 7, "reminder:deadline_2": 2}.get(cause.on),
            "names": [p.name(tag) for p in a.extra.get("followed", [])],
            "previous": None,
        }
        if cause.on == "session.moved" and cause.facts.get("previous_starts_at"):
            context["previous"] = SessionFacts(
                id=cause.session_id or module.id,
                title="",
                starts_at=datetime.fromisoformat(cause.facts["previous_starts_at"]),
                ends_at=datetime.fromisoformat(cause.facts["previous_ends_at"]),
            )
        if cause.on == "vetting.changed":
            context |= {
                "officer": a.about.name(tag) if a.about else "",
                "about": None,  # the outcome is written to the focal point, not a copy
                "vetting": word(tag, cause.facts.get("vetting_type")),
                "state": word(tag, cause.facts.get("status")),
            }
        if cause.on == "certificate.issued" and cause.resource_id:
            code, kind = (
                await self.session.execute(
                    internal(
                        select(Certificate.verification_code, Certificate.kind).where(
                            Certificate.id == uuid.UUID(cause.resource_id)
                        ),
                        "a certificate's public verification link, sent to its holder",
                    )
                )
            ).one()
            context |= {
                "link": config.public_link(f"/api/v1/certificates/verify/{code}"),
                "certificate_kind": word(tag, kind.value),
            }
        if rule.kind == "trainer_roster":  # the roster: every participant's names, both scripts
            a.extra["followed"] = await recipients.participants(self.session, module.id)
            context["names"] = [f"{p.name_ar} ({p.name_latin})" for p in a.extra["followed"]]
        return context

    async def _store(self, key: str, rule: Rule, cause: Cause, module: ModuleFacts, a: Addressee) -> None:
        tag = a.person.language
        subject, body = render(rule.kind, tag, await self._context(rule, cause, module, a, tag))
        ics = method = None
        wants_invitation = rule.invitation is not None and a.audience in ("officer", "trainer") and a.sessions
        if wants_invitation and a.person.address:
            assert rule.invitation is not None
            method = rule.invitation.value
            person_id = a.person.officer_id or a.person.user_id
            assert person_id is not None
            raise_each = rule.invitation is Invitation.cancel and not rule.session_level
            sessions = [(s, await self._sequence(s.id, raise_it=raise_each)) for s in a.sessions]
            name, address = config.sender()
            ics = invitations.calendar_objects(
                method,
                module,
                sessions,
                person_id=person_id,
                attendee=Party(a.person.address, a.person.name(tag)),
                organizer=Party(address, name),
                stamp=self.now,
            )
        self.session.add(
            Message(
                cause_key=key,
                kind=rule.kind,
                audience="focal_point" if rule.kind == "vetting_outcome" else a.audience,
                officer_id=a.person.officer_id or (a.about.officer_id if a.about else None),
                user_id=a.person.user_id,
                cycle_id=module.cycle_id,
                module_id=module.id,
                session_id=cause.session_id,
                language=tag,
                to_address=a.person.address,
                subject=subject[:500],
                body=body,
                ics=ics,
                ics_method=method,
                mentions=mentions(a.extra.get("followed", [])),
                status=MessageStatus.pending if a.person.address else MessageStatus.unaddressed,
                attempts=0,
                next_attempt_at=self.now,
                created_at=self.now,
            )
        )
