"""Every state-changing page route, found in the app's route table (a new one is walked too):
without the form token of the person's session, or with another session's, the answer is 403
and nothing changes (no audit entry, no event, no mark, no session ended)."""

from __future__ import annotations

import uuid

from fastapi.routing import iter_route_contexts
from sqlalchemy import func, select

from domain.models.attendance import AttendanceMark
from domain.models.audit import AuditEntry
from domain.models.auth import User, WebSession
from domain.models.events import OutboxEvent
from tests.web.teaching_data import cycle, disciplines, programme, teaching  # noqa: F401
from web.paths import is_page

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def page_writes(app) -> list[tuple[str, str]]:
    return sorted(
        (method, route.path)
        for route in iter_route_contexts(app.routes)
        if is_page(route.path)
        for method in (getattr(route, "methods", None) or set()) & STATE_CHANGING
    )


async def _state(db) -> tuple:
    return (
        await db.scalar(select(func.count()).select_from(AuditEntry)),
        await db.scalar(select(func.count()).select_from(OutboxEvent)),
        await db.scalar(select(func.count()).select_from(AttendanceMark)),
        await db.scalar(select(func.count()).select_from(WebSession)),
        tuple(await db.scalars(select(User.language).order_by(User.id))),
    )


def test_the_walk_finds_every_page_form(app):
    assert page_writes(app) == sorted(
        [
            ("POST", "/sign-in"),
            ("POST", "/sign-out"),
            ("POST", "/language"),
            ("POST", "/trainer/sessions/{session_id}/marks"),
            ("POST", "/trainer/sessions/{session_id}/present"),
            ("POST", "/trainer/sessions/{session_id}/scores"),
            ("POST", "/admin/outbox/{message_id:uuid}/resend"),
            ("POST", "/admin/outbox/cycles/{cycle_id:uuid}/kinds/{kind}"),
            ("POST", "/coordinator/modules/{module_id}/transition"),
            ("POST", "/coordinator/modules/{module_id}/sessions"),
            ("POST", "/coordinator/modules/{module_id}/sessions/{session_id}"),
            ("POST", "/coordinator/modules/{module_id}/quotas"),
            ("POST", "/coordinator/modules/{module_id}/quotas/release"),
            ("POST", "/coordinator/modules/{module_id}/nominations/{nomination_id}"),
            ("POST", "/coordinator/modules/{module_id}/waitlist"),
            ("POST", "/coordinator/modules/{module_id}/certificates"),
            ("POST", "/coordinator/modules/{module_id}/certificates/{certificate_id}/revoke"),
            ("POST", "/coordinator/modules/{module_id}/vettings"),
            ("POST", "/coordinator/modules/{module_id}/vettings/{vetting_id}"),
            ("POST", "/coordinator/modules/{module_id}/surveys"),
            ("POST", "/coordinator/modules/{module_id}/surveys/{survey_id}/issue"),
            ("POST", "/coordinator/modules/{module_id}/surveys/{survey_id}/print"),
            ("POST", "/focal/modules/{module_id}/nominate"),
            ("POST", "/focal/nominations/{nomination_id}/withdraw"),
            ("POST", "/focal/nominations/{nomination_id}/substitute"),
            ("POST", "/coordinator/cycles/{cycle_id}/planner/sessions/{session_id}"),
            ("POST", "/coordinator/cycles/{cycle_id}/planner/modules"),
            ("POST", "/officers/{officer_id}/erasure"),
            ("POST", "/admin/accounts"),
            ("POST", "/admin/accounts/{user_id}"),
            ("POST", "/admin/accounts/{user_id}/disabled"),
            ("POST", "/admin/accounts/{user_id}/password"),
            ("POST", "/admin/clients"),
            ("POST", "/admin/clients/{client_id}"),
            ("POST", "/admin/clients/{client_id}/secret"),
            ("POST", "/admin/webhooks/{webhook_id}/redeliver"),
            ("POST", "/admin/webhooks/{webhook_id}/replay"),
            ("POST", "/admin/webhooks/{webhook_id}/enabled"),
            ("POST", "/s/{token}"),
        ]
    )


async def test_a_state_changing_page_request_without_the_form_token_is_a_403_that_changes_nothing(
    app, person, teaching, db
):
    trainer = await person("trainer", trainer_id=teaching.trainer.id)
    other = await person("trainer", trainer_id=teaching.trainer.id)
    form = {"officer_id": str(teaching.people[0]), "status": "present", "pre_test": "50", "language": "ar"}
    form |= {"username": "nobody", "password": "wrong-password-1", "next": "/"}
    for method, path in page_writes(app):
        url = path.replace("{session_id}", str(teaching.started.id)).replace("{kind}", "trainer_roster")
        url = url.replace("{message_id:uuid}", str(uuid.uuid4())).replace("{cycle_id:uuid}", str(uuid.uuid4()))
        before = await _state(db)
        attempts = {
            "no token": await trainer.request(method, url, data=form),
            "another session's token": await trainer.request(method, url, data=form | {"csrf_token": other.csrf}),
            "a made-up token": await trainer.request(method, url, data=form | {"csrf_token": uuid.uuid4().hex}),
            "htmx without its header": await trainer.request(method, url, data=form, headers={"HX-Request": "true"}),
        }
        for what, answer in attempts.items():
            assert answer.status_code == 403, f"{method} {path} with {what}: {answer.status_code}"
            assert "Not allowed" in answer.text
        assert await _state(db) == before, f"{method} {path} changed something without its form token"
    # The same requests with the token do work (so the 403 above is the token's doing).
    ok = await trainer.submit(f"/trainer/sessions/{teaching.started.id}/marks", form)
    assert ok.status_code == 303


async def test_a_visitor_without_a_session_needs_the_form_cookie_token_to_sign_in(visitor):
    page = await visitor.get("/sign-in")
    refused = await visitor.post("/sign-in", data={"username": "x", "password": "y"})
    assert refused.status_code == 403
    forged = await visitor.post("/sign-in", data={"username": "x", "password": "y", "csrf_token": "a" * 43})
    assert forged.status_code == 403
    assert page.status_code == 200
