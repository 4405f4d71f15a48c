"""An officer's record on a page: identity in both scripts, agency, external ids, participations
with attendance and scores, certificates with their verification links, vettings with their
validity, possible duplicates; the need-to-know of GET /api/v1/officers/{id} (another agency's
focal point, a trainer, an observer: the missing page); erasure with its confirmation step."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from domain.attendance.models import Assessment, AttendanceMark, AttendanceStatus
from domain.audit.models import AuditEntry
from domain.officers.models import Officer
from domain.officers.schemas import OfficerCreate
from domain.officers.service import create_officer
from domain.vetting.schemas import VettingCreate
from domain.vetting.service import create_vetting
from tests.api.catalogue_data import ARRANGER
from tests.web.desk_data import desk_world


async def _record_world(db):
    world = await desk_world(db)
    m = world.modules[0]
    officer_id = m.officers.man_a  # enrolled in M-00, whose session was held yesterday
    db.add(
        AttendanceMark(session_id=m.held.id, officer_id=officer_id, status=AttendanceStatus.present, recorded_by="t")
    )
    db.add(Assessment(module_id=m.module.id, officer_id=officer_id, pre_test=40.0, post_test=85.0))
    officer = await db.get(Officer, officer_id)
    await create_vetting(
        db,
        principal=ARRANGER,
        officer_id=officer_id,
        data=VettingCreate(type="courtesy", requested_on=date.today(), needed_by=date.today() + timedelta(days=9)),
    )
    namesake = await create_officer(
        db,
        principal=ARRANGER,
        data=OfficerCreate(
            agency_id=world.a.id, full_name_ar=officer.full_name_ar, name_latin="Namesake Officer", sex="male"
        ),
        allow_duplicate=True,
    )
    await db.flush()
    return world, officer, namesake


async def test_a_coordinator_reads_an_officers_record_in_both_languages(db, person):
    world, officer, namesake = await _record_world(db)
    english = await person("coordinator", programme_ids=[world.programme.id], language="en")
    page = await english.get(f"/officers/{officer.id}")
    assert page.status_code == 200, page.text
    html = page.text
    assert officer.full_name_ar in html and officer.name_latin in html and world.a.name_en in html
    assert "M-00" in html and "Enrolled" in html and "100%" in html  # 1 of 1 session held, attended
    assert "1 of 1 sessions held (4 planned)" in html and "40" in html and "85" in html
    assert "Courtesy vetting" in html and "Requested" in html
    assert "Possible duplicates to review" in html and "Namesake Officer" in html
    assert "same Arabic name in the same agency" in html
    assert "Erase this officer" not in html  # coordinators do not erase
    arabic = await person("coordinator", programme_ids=[world.programme.id], language="ar")
    page = await arabic.get(f"/officers/{officer.id}")
    assert page.status_code == 200 and 'lang="ar" dir="rtl"' in page.text
    assert "نسخ محتملة للمراجعة" in page.text and "المشاركات" in page.text
    # The module page's roster links the name to the record.
    module = await english.get(f"/coordinator/modules/{world.modules[0].module.id}")
    assert f'href="/officers/{officer.id}"' in module.text


async def test_those_who_may_not_see_the_officer_get_the_missing_page(db, person):
    world, officer, _ = await _record_world(db)
    own = await person("focal_point", agency_id=world.a.id)
    assert (await own.get(f"/officers/{officer.id}")).status_code == 200
    reads = await db.scalars(select(AuditEntry.entity).where(AuditEntry.actor_id == own.user_id))
    assert {"officer", "nomination", "vetting"} <= set(reads)  # a focal point's reads are audited, as by the API
    for browser in (
        await person("focal_point", agency_id=world.b.id),
        await person("trainer", trainer_id=world.trainer.id),
        await person("observer"),
    ):
        page = await browser.get(f"/officers/{officer.id}")
        assert page.status_code == 404 and "not found" in page.text.lower()
    admin = await person("admin")
    assert (await admin.get(f"/officers/{uuid.uuid4()}")).status_code == 404
    assert (await admin.get("/officers/not-an-id")).status_code == 404
    assert (await own.get(f"/officers/{officer.id}/erasure")).status_code == 404


async def test_an_admin_erases_after_confirming_as_the_api_does(db, person):
    world, officer, _ = await _record_world(db)
    admin = await person("admin")
    record = await admin.get(f"/officers/{officer.id}")
    assert "Erase this officer" in record.text
    confirm = await admin.get(f"/officers/{officer.id}/erasure")
    assert confirm.status_code == 200 and "I confirm the erasure of this officer" in confirm.text
    unconfirmed = await admin.submit(f"/officers/{officer.id}/erasure", {})
    assert unconfirmed.status_code == 422 and "Tick the box to confirm" in unconfirmed.text
    assert (await db.get(Officer, officer.id)).erased_at is None
    done = await admin.submit(f"/officers/{officer.id}/erasure", {"confirm": "yes"})
    assert done.status_code == 303 and done.headers["location"].startswith("/admin/audit?entity=officer")
    await db.refresh(officer)
    assert officer.erased_at is not None and officer.name_latin.startswith("erased-")
    [entry] = await db.scalars(select(AuditEntry).where(AuditEntry.entity == "officer", AuditEntry.action == "erased"))
    assert entry.entity_id == str(officer.id)
    assert (await admin.get(f"/officers/{officer.id}")).status_code == 404  # erased: gone as the API says
