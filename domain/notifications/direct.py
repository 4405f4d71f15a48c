"""Messages an area sends itself, one person at a time, rather than decided from an event: a
survey's personal link (kinds.SURVEY_LINK). Rendered now in the person's language and stored like
every message (the outbox, the worker, its retries); the link itself only sealed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.db import utcnow
from domain.models.notifications import Message, MessageStatus
from domain.notifications import sealing
from domain.notifications.facts import ModuleFacts
from domain.notifications.kinds import SURVEY_LINK
from domain.notifications.rendering import render


@dataclass(frozen=True)
class SurveyLinkLetter:
    cause_key: str  # one message per issue of a link
    language: str
    greeting: str | None
    to_address: str | None
    link: str
    closes_at: datetime
    followup: bool  # months after the training (else: just after it)
    supervisor_of: str | None  # a supervisor's message names whom it is about
    anonymous: bool
    officer_id: uuid.UUID | None  # the participant (their message, or the one their supervisor is asked about)


def store_survey_link(session: AsyncSession, module: ModuleFacts, letter: SurveyLinkLetter) -> Message:
    now = utcnow()
    context = {
        "greeting": letter.greeting,
        "about": None,
        "module": module,
        "link": sealing.PLACEHOLDER,
        "closes_at": letter.closes_at,
        "followup": letter.followup,
        "supervisor_of": letter.supervisor_of,
        "anonymous": letter.anonymous,
    }
    subject, body = render(SURVEY_LINK, letter.language, context)
    message = Message(
        cause_key=letter.cause_key,
        kind=SURVEY_LINK,
        audience="supervisor" if letter.supervisor_of else "officer",
        officer_id=letter.officer_id,
        cycle_id=module.cycle_id,
        module_id=module.id,
        language=letter.language,
        to_address=letter.to_address,
        subject=subject[:500],
        body=body,
        sealed=sealing.seal(letter.link) if letter.to_address else None,
        status=MessageStatus.pending if letter.to_address else MessageStatus.unaddressed,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    return message
