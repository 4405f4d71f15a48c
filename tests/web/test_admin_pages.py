"""The administration pages: accounts (list, create, role and bindings, disable, reset), machine
clients (scopes, agency binding, secret shown once, rotation), webhook subscriptions (delivery
log, redelivery, replay, enabling again) and the audit log with its filters. Every change is the
API's service, audited as the API audits it; refusals are said next to their field with what was
typed kept; any role but an administrator gets the missing page."""

from __future__ import annotations

import uuid
from ipaddress import ip_network

from sqlalchemy import select

from domain.audit.models import AuditEntry
from domain.auth.models import ApiClient, User
from domain.auth.passwords import verify_password
from domain.auth.principal import Principal, Role
from domain.webhooks.models import WebhookDelivery, WebhookSubscription
from domain.webhooks.schemas import WebhookCreate, WebhookUpdate
from domain.webhooks.service import create_webhook, update_webhook
from tests.web.desk_data import desk_world

LOCAL = [ip_network("127.0.0.0/8")]


async def _audited(db, entity: str, entity_id, action: str) -> bool:
    found = await db.scalars(
        select(AuditEntry).where(
            AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id), AuditEntry.action == action
        )
    )
    return found.first() is not None


async def test_an_admin_creates_an_account_and_a_refusal_keeps_what_was_typed(db, person):
    world = await desk_world(db)
    admin = await person("admin", language="en")
    page = await admin.get("/admin/accounts")
    assert page.status_code == 200 and "New account" in page.text and world.a.name_en in page.text
    refused = await admin.submit(
        "/admin/accounts",
        {"username": "fp.interior", "password": "short", "role": "focal_point", "email": "fp@example.iq"},
    )
    assert refused.status_code == 422
    html = refused.text
    assert "Use at least 12 characters." in html and 'id="e-new-password"' in html
    assert 'value="fp.interior"' in html and 'value="fp@example.iq"' in html  # what was typed is kept
    assert await db.scalar(select(User).where(User.username == "fp.interior")) is None
    unbound = await admin.submit(
        "/admin/accounts", {"username": "fp.interior", "password": "a-long-password-1", "role": "focal_point"}
    )
    assert unbound.status_code == 422 and "A focal point is bound to an agency unit" in unbound.text
    made = await admin.submit(
        "/admin/accounts",
        {
            "username": "fp.interior",
            "password": "a-long-password-1",
            "role": "focal_point",
            "agency_id": str(world.a.id),
        },
    )
    assert made.status_code == 303, made.text
    user = await db.scalar(select(User).where(User.username == "fp.interior"))
    assert made.headers["location"] == f"/admin/accounts/{user.id}?done=created"
    assert user.agency_id == world.a.id and await _audited(db, "user", user.id, "created")
    listed = await admin.get("/admin/accounts?role=focal_point")
    assert "fp.interior" in listed.text
    taken = await admin.submit(
        "/admin/accounts", {"username": "fp.interior", "password": "a-long-password-1", "role": "observer"}
    )
    assert taken.status_code == 422 and "This username is taken." in taken.text


async def test_an_admin_changes_the_role_disables_and_resets_a_password_in_arabic(db, person):
    world = await desk_world(db)
    admin = await person("admin", language="ar")
    target = await person("observer")
    url = f"/admin/accounts/{target.user_id}"
    page = await admin.get(url)
    assert page.status_code == 200 and 'lang="ar" dir="rtl"' in page.text
    user = await db.get(User, target.user_id)
    moved = await admin.submit(
        url, {"role": "coordinator", "programme_ids": str(world.programme.id), "version": str(user.version)}
    )
    assert moved.status_code == 303
    await db.refresh(user, ["role", "programmes"])
    assert user.role is Role.coordinator and user.programme_ids == [world.programme.id]
    stale = await admin.submit(url, {"role": "observer", "version": "1"})
    assert stale.status_code == 412
    await db.refresh(user)
    assert user.role is Role.coordinator
    disabled = await admin.submit(f"{url}/disabled", {"disabled": "true", "version": str(user.version)})
    assert disabled.status_code == 303
    await db.refresh(user)
    assert user.disabled and await _audited(db, "user", user.id, "updated")
    short = await admin.submit(f"{url}/password", {"password": "short", "version": str(user.version)})
    assert short.status_code == 422 and 'id="e-reset-password"' in short.text
    reset = await admin.submit(f"{url}/password", {"password": "another-long-one-2", "version": str(user.version)})
    assert reset.status_code == 303
    await db.refresh(user)
    assert verify_password("another-long-one-2", user.password_hash)


async def test_a_machine_clients_secret_is_shown_once_and_rotated(db, person):
    world = await desk_world(db)
    admin = await person("admin", language="en")
    refused = await admin.submit("/admin/clients", {"name": "HR link", "scopes": "not-a-scope"})
    assert refused.status_code == 422 and "Choose the scopes the client is granted." in refused.text
    assert 'value="HR link"' in refused.text
    made = await admin.submit(
        "/admin/clients",
        {"name": "HR link", "scopes": ["officers:read", "officers:write"], "agency_id": str(world.a.id)},
    )
    assert made.status_code == 200 and "shown this once" in made.text
    assert made.headers["cache-control"] == "no-store"
    client = await db.scalar(select(ApiClient).where(ApiClient.name == "HR link"))
    assert client.agency_id == world.a.id and sorted(client.scopes) == ["officers:read", "officers:write"]
    assert client.client_id in made.text and await _audited(db, "client", client.id, "created")
    one = await admin.get(f"/admin/clients/{client.id}")
    assert one.status_code == 200 and "whsec" not in one.text and "Rotate the secret" in one.text
    saved = await admin.submit(
        f"/admin/clients/{client.id}", {"scopes": ["officers:read"], "agency_id": "", "version": str(client.version)}
    )
    assert saved.status_code == 303
    await db.refresh(client)
    assert client.scopes == ["officers:read"] and client.agency_id is None
    old_hash = client.secret_hash
    rotated = await admin.submit(f"/admin/clients/{client.id}/secret", {"revoke_previous": "yes"})
    assert rotated.status_code == 200 and "shown this once" in rotated.text
    await db.refresh(client)
    assert client.secret_hash != old_hash and await _audited(db, "client", client.id, "secret-rotated")
    assert "HR link" in (await admin.get("/admin/clients")).text


async def _hook(db, admin) -> WebhookSubscription:
    owner = Principal(id=admin.user_id, name="admin", role=Role.admin)
    hook, _ = await create_webhook(
        db, principal=owner, data=WebhookCreate(url="http://127.0.0.1:9/receiver"), allowed_networks=LOCAL
    )
    await update_webhook(
        db,
        principal=owner,
        webhook_id=hook.id,
        data=WebhookUpdate(enabled=False),
        expected_version=None,
        allowed_networks=LOCAL,
    )
    return hook


async def test_webhooks_with_their_delivery_log_redelivery_replay_and_enabling(db, person, settings):
    admin = await person("admin", language="en")
    hook = await _hook(db, admin)
    event_id = uuid.uuid4()
    db.add(WebhookDelivery(subscription_id=hook.id, event_id=event_id))
    await db.flush()
    listed = await admin.get("/admin/webhooks")
    assert listed.status_code == 200 and "http://127.0.0.1:9/receiver" in listed.text and "Disabled" in listed.text
    page = await admin.get(f"/admin/webhooks/{hook.id}")
    assert page.status_code == 200 and str(event_id) in page.text and "Enable the endpoint again" in page.text
    bad = await admin.submit(f"/admin/webhooks/{hook.id}/redeliver", {"event_id": "nope"})
    assert bad.status_code == 422 and 'id="e-hook-event_id"' in bad.text and 'value="nope"' in bad.text
    backwards = await admin.submit(
        f"/admin/webhooks/{hook.id}/replay", {"since": "2026-12-02T10:00", "until": "2026-12-01T10:00"}
    )
    assert backwards.status_code == 422 and 'id="e-hook-until"' in backwards.text
    assert 'value="2026-12-02T10:00"' in backwards.text
    replayed = await admin.submit(
        f"/admin/webhooks/{hook.id}/replay", {"since": "2026-12-01T10:00", "until": "2026-12-02T10:00"}
    )
    assert replayed.status_code == 303 and "done=queued" in replayed.headers["location"]
    await db.refresh(hook)
    enabled = await admin.submit(f"/admin/webhooks/{hook.id}/enabled", {"version": str(hook.version)})
    assert enabled.status_code == 303
    await db.refresh(hook)
    assert hook.status.value == "enabled" and await _audited(db, "webhook", hook.id, "updated")
    after = await admin.get(enabled.headers["location"])
    assert "The endpoint is enabled again" in after.text


async def test_the_audit_log_filters_and_says_a_wrong_moment_next_to_its_field(db, person):
    admin = await person("admin", language="en")
    target = await person("observer")
    user = await db.get(User, target.user_id)
    await admin.submit(f"/admin/accounts/{user.id}/disabled", {"disabled": "true", "version": str(user.version)})
    page = await admin.get("/admin/audit", params={"entity": "user", "entity_id": str(user.id)})
    assert page.status_code == 200 and "updated" in page.text and "disabled" in page.text
    none = await admin.get("/admin/audit", params={"entity": "user", "action": "erased", "entity_id": str(user.id)})
    assert "No entry." in none.text
    wrong = await admin.get("/admin/audit", params={"since": "yesterday", "entity": "user"})
    assert wrong.status_code == 422 and 'id="e-audit-since"' in wrong.text and 'value="yesterday"' in wrong.text
    arabic = await person("admin", language="ar")
    assert 'lang="ar" dir="rtl"' in (await arabic.get("/admin/audit")).text


async def test_only_administrators_open_the_administration(db, person):
    world = await desk_world(db)
    urls = ["/admin/accounts", "/admin/clients", "/admin/webhooks", "/admin/audit", f"/admin/accounts/{uuid.uuid4()}"]
    for role, binding in (
        ("coordinator", {"programme_ids": [world.programme.id]}),
        ("focal_point", {"agency_id": world.a.id}),
        ("trainer", {"trainer_id": world.trainer.id}),
        ("observer", {}),
    ):
        browser = await person(role, **binding)
        for url in urls:
            answer = await browser.get(url)
            assert answer.status_code == 404, (role, url)
        made = await browser.submit("/admin/accounts", {"username": "sneaky", "password": "a-long-password-1"})
        assert made.status_code == 404
    assert await db.scalar(select(User).where(User.username == "sneaky")) is None
    admin = await person("admin")
    assert (await admin.get("/admin/accounts/not-an-id")).status_code == 404


async def test_the_dashboards_disabled_webhook_is_resolved_on_its_page(db, person):
    admin = await person("admin", language="en")
    hook = await _hook(db, admin)
    dashboard = await admin.get("/coordinator")
    assert f'href="/admin/webhooks/{hook.id}"' in dashboard.text
    page = await admin.get(f"/admin/webhooks/{hook.id}")
    assert page.status_code == 200 and "Enable the endpoint again" in page.text
    await db.refresh(hook)
    assert (await admin.submit(f"/admin/webhooks/{hook.id}/enabled", {"version": str(hook.version)})).status_code == 303
    assert f'href="/admin/webhooks/{hook.id}"' not in (await admin.get("/coordinator")).text
