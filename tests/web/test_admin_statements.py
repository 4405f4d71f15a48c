"""The officer's record and the administration pages cost the same number of SQL statements
whatever the number of rows they show: participations (with marks and scores), certificates and
vettings of an officer; accounts, clients, webhook deliveries (with their attempts) and audit
entries."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from domain.attendance.models import Assessment, AttendanceMark, AttendanceStatus
from domain.auth.models import ApiClient, User
from domain.auth.principal import Role
from domain.catalogue.module_service import create_module
from domain.catalogue.schemas import ModuleCreate
from domain.certificates.models import Certificate, CertificateKind
from domain.db import utcnow
from domain.enrolment.models import Nomination, NominationRole, NominationStatus
from domain.vetting.models import Vetting, VettingType
from domain.webhooks.models import WebhookAttempt, WebhookDelivery
from tests.api.catalogue_data import ARRANGER
from tests.web.desk_data import desk_world, people, session
from tests.web.test_admin_pages import _hook


async def _count(statements, browser, url: str) -> int:
    await browser.get(url)  # the first touch warms what is cached per process
    statements.count = 0
    r = await browser.get(url)
    assert r.status_code == 200, r.text
    return statements.count


async def _history(db, world, officer_id: uuid.UUID, size: int) -> None:
    """`size` modules the officer took part in, each with a held session marked, scores, a
    certificate and a vetting."""
    for i in range(size):
        module = await create_module(
            db,
            principal=ARRANGER,
            data=ModuleCreate(
                cycle_id=world.cycle.id,
                code=f"H-{officer_id.hex[-8:]}-{i}",
                title=f"History {i}",
                discipline="ilp",
                format="course",
                capacity=10,
            ),
        )
        held = await session(db, module.id, "Held", utcnow().replace(microsecond=0) - timedelta(days=40 + i))
        db.add(
            Nomination(
                module_id=module.id,
                officer_id=officer_id,
                agency_id=world.a.id,
                role=NominationRole.participant,
                status=NominationStatus.completed,
                nominated_by="test",
            )
        )
        db.add(
            AttendanceMark(session_id=held.id, officer_id=officer_id, status=AttendanceStatus.present, recorded_by="t")
        )
        db.add(Assessment(module_id=module.id, officer_id=officer_id, pre_test=50.0, post_test=70.0))
        db.add(
            Certificate(
                module_id=module.id,
                officer_id=officer_id,
                kind=CertificateKind.attendance,
                verification_code=uuid.uuid4().hex[:20],
                holder_initials="O.",
                credential="unsigned",
                issued_at=utcnow(),
            )
        )
        db.add(
            Vetting(
                officer_id=officer_id,
                type=VettingType.courtesy,
                unit_agency_id=world.a.id,
                requested_on=date.today(),
                valid_from=date.today(),
                valid_until=date.today() + timedelta(days=365),
            )
        )
    await db.flush()


async def test_an_officers_record_costs_the_same_with_1_and_15_participations(db, person, statements):
    world = await desk_world(db)
    few, many = await people(db, world.a.id, "mf", "history")
    await _history(db, world, few, 1)
    await _history(db, world, many, 15)
    counts = {}
    for role, binding in (("coordinator", {"programme_ids": [world.programme.id]}), ("admin", {})):
        browser = await person(role, **binding)
        counts[role] = [await _count(statements, browser, f"/officers/{o}") for o in (few, many)]
        page = (await browser.get(f"/officers/{many}")).text
        assert page.count("/api/v1/certificates/verify/") == 15 and page.count("History ") >= 15
    for role, (one, fifteen) in counts.items():
        assert one == fifteen, (role, one, fifteen)
    print(f"\nofficer record: {counts['coordinator'][0]} statements (an admin: {counts['admin'][0]}), 1 or 15 of each")


async def test_the_administration_lists_cost_the_same_with_1_and_20_rows(db, person, statements):
    admin = await person("admin")
    hook = await _hook(db, admin)
    grown: dict[str, list[int]] = {}
    for size in (1, 20):
        for i in range(size):
            tag = f"{size}-{i}-{uuid.uuid4().hex[:6]}"
            db.add(User(username=f"u-{tag}", password_hash="!", role=Role.observer, disabled=False))
            db.add(ApiClient(client_id=f"c-{tag}", name=f"client {tag}", secret_hash="!", scopes=["officers:read"]))
            delivery = WebhookDelivery(subscription_id=hook.id, event_id=uuid.uuid4())
            db.add(delivery)
            await db.flush()
            db.add(WebhookAttempt(delivery_id=delivery.id, status_code=500, duration_ms=12, error="boom"))
        await db.flush()
        for url in (
            "/admin/accounts",
            "/admin/clients",
            f"/admin/webhooks/{hook.id}",
            "/admin/webhooks",
            "/admin/audit?entity=user",
        ):
            grown.setdefault(url, []).append(await _count(statements, admin, url))
    for url, (one, twenty) in grown.items():
        assert one == twenty, (url, one, twenty)
    print(
        "\nadministration: " + ", ".join(f"{url} {n[0]}" for url, n in grown.items()) + " statements, 1 or 20 more rows"
    )
