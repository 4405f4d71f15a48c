"""The trainer's screens through HTTP: what a trainer reads, what a save stores (through the
attendance service, so the API, the audit log and the change feed show it), what is refused and
why, and need-to-know (another session answers exactly like a missing one)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from domain.models.audit import AuditEntry
from domain.models.events import OutboxEvent
from tests.web.conftest import csrf_of
from tests.web.teaching_data import cycle, disciplines, programme, session, teaching  # noqa: F401


async def test_my_sessions_shows_what_the_trainer_teaches_with_counts(person, teaching, db):
    earlier = await session(db, teaching.module.id, teaching.trainer.id, timedelta(days=-3), "Day 0: earlier")
    trainer = await person("trainer", trainer_id=teaching.trainer.id)
    page = await trainer.get("/trainer/sessions")
    assert page.status_code == 200
    html = page.text
    coming, to_take = html.split('id="due-heading"')
    assert "Day 1: started" in coming and "Day 2: to come" in coming
    assert "Day 0: earlier" in to_take and "Day 0: earlier" not in coming
    assert "Someone else&#39;s" not in html and "Someone else's" not in html
    assert f"/trainer/sessions/{earlier.id}" in to_take
    assert "3 participants" in coming
    assert '<div class="count unmarked"><dt>Not marked</dt><dd>3</dd></div>' in html


async def test_the_roster_shows_each_participant_and_the_session(person, teaching):
    trainer = await person("trainer", trainer_id=teaching.trainer.id)
    page = await trainer.get(f"/trainer/sessions/{teaching.started.id}")
    assert page.status_code == 200
    assert "Haider Kadhim Jawad" in page.text and "حيدر كاظم جواد" in page.text
    assert "Federal Police (web)" in page.text
    for label in ("Present", "Late", "Absent", "Excused", "Remark", "Pre-test score", "Post-test score"):
        assert f">{label}</label>" in page.text
    assert "Mark every unmarked participant present (3)" in page.text
    assert "has not started yet" not in page.text


async def test_another_trainers_session_answers_exactly_like_a_missing_page(person, teaching):
    trainer = await person("trainer", trainer_id=teaching.trainer.id)
    answers = [
        await trainer.get(path)
        for path in (
            f"/trainer/sessions/{teaching.strangers.id}",
            f"/trainer/sessions/{uuid.uuid4()}",
            "/trainer/sessions/x",
        )
    ]
    assert [a.status_code for a in answers] == [404, 404, 404]
    # The same page, but for the address it names (the language switch comes back to it).
    theirs, missing, malformed = (a.text.replace(a.request.url.path, "PATH") for a in answers)
    assert theirs == missing == malformed
    assert "Someone else" not in theirs
    posted = await trainer.submit(
        f"/trainer/sessions/{teaching.strangers.id}/marks", {"officer_id": str(teaching.people[0]), "status": "present"}
    )
    assert posted.status_code == 404


async def test_a_mark_saved_from_the_form_is_the_apis_attendance_audited_and_in_the_feed(person, teaching, sign_in, db):
    trainer = await person("trainer", trainer_id=teaching.trainer.id)
    officer = teaching.people[1]
    r = await trainer.submit(
        f"/trainer/sessions/{teaching.started.id}/marks",
        {"officer_id": str(officer), "status": "late", "note": "Arrived at 9:20"},
    )
    assert r.status_code == 303 and r.headers["location"] == f"/trainer/sessions/{teaching.started.id}#p-{officer}"
    admin = await sign_in("admin")
    marks = (await admin.get(f"/sessions/{teaching.started.id}/attendance")).json()["marks"]
    user = (await admin.get(f"/users/{trainer.user_id}")).json()
    assert [(m["officer_id"], m["status"], m["note"], m["recorded_by"]) for m in marks] == [
        (str(officer), "late", "Arrived at 9:20", user["username"])
    ]
    audit = await db.scalar(
        select(func.count()).where(AuditEntry.entity == "attendance_mark", AuditEntry.actor_id == trainer.user_id)
    )
    events = await db.scalar(select(func.count()).where(OutboxEvent.type == "attendance.recorded"))
    assert audit == 1 and events >= 1
    page = await trainer.get(f"/trainer/sessions/{teaching.started.id}")
    assert f'id="s-{officer}-late" name="status" value="late" checked' in page.text


async def test_an_htmx_save_answers_the_row_and_the_counts_and_a_retry_has_no_double_effect(person, teaching, db):
    trainer = await person("trainer", trainer_id=teaching.trainer.id)
    officer = teaching.people[0]
    url = f"/trainer/sessions/{teaching.started.id}/marks"
    body = {"officer_id": str(officer), "status": "present"}
    key = {"Idempotency-Key": f'"{uuid.uuid4()}"'}
    first = await trainer.submit(url, body, htmx=True, headers=key)
    assert first.status_code == 200, first.text
    assert first.text.lstrip().startswith(f'<li class="participant" id="p-{officer}" data-status="present">')
    assert 'id="sheet-head" hx-swap-oob="true"' in first.text
    assert "<dt>Present</dt><dd>1</dd>" in first.text and "<dt>Not marked</dt><dd>2</dd>" in first.text
    again = await trainer.submit(url, body, htmx=True, headers=key)
    assert again.status_code == 200 and again.headers.get("idempotent-replayed") == "true", again.text
    assert again.text == first.text
    audit = await db.scalar(select(func.count()).where(AuditEntry.entity == "attendance_mark"))
    assert audit == 1


async def test_marking_every_unmarked_present_keeps_the_marks_already_taken(person, teaching, sign_in):
    trainer = await person("trainer", trainer_id=teaching.trainer.id)
    await trainer.submit(
        f"/trainer/sessions/{teaching.started.id}/marks", {"officer_id": str(teaching.people[2]), "status": "excused"}
    )
    r = await trainer.submit(f"/trainer/sessions/{teaching.started.id}/present", htmx=True)
    assert r.status_code == 200
    assert "Mark every unmarked participant present (0)" in r.text
    admin = await sign_in("admin")
    marks = {
        m["officer_id"]: m["status"]
        for m in (await admin.get(f"/sessions/{teaching.started.id}/attendance")).json()["marks"]
    }
    assert marks == {
        str(teaching.people[0]): "present",
        str(teaching.people[1]): "present",
        str(teaching.people[2]): "excused",
    }
    history = (await admin.get(f"/sessions/{teaching.started.id}/attendance/history")).json()
    assert history == []  # nothing was corrected


async def test_a_mark_before_the_session_starts_is_refused_with_the_reason_in_the_persons_language(
    person, teaching, sign_in
):
    trainer = await person("trainer", language="ar", trainer_id=teaching.trainer.id)
    page = await trainer.get(f"/trainer/sessions/{teaching.coming.id}")
    assert "لم تبدأ هذه الجلسة بعد" in page.text
    officer = teaching.people[0]
    refused = await trainer.submit(
        f"/trainer/sessions/{teaching.coming.id}/marks",
        {"officer_id": str(officer), "status": "present", "note": "كتب"},
    )
    assert refused.status_code == 422
    assert "لا يمكن قبل ذلك تسجيل إلا الغياب بعذر" in refused.text
    assert f'id="s-{officer}-present" name="status" value="present" checked' in refused.text  # what was chosen is kept
    assert 'value="كتب"' in refused.text
    excused = await trainer.submit(
        f"/trainer/sessions/{teaching.coming.id}/marks", {"officer_id": str(officer), "status": "excused"}
    )
    assert excused.status_code == 303
    admin = await sign_in("admin")
    marks = (await admin.get(f"/sessions/{teaching.coming.id}/attendance")).json()["marks"]
    assert [(m["officer_id"], m["status"]) for m in marks] == [(str(officer), "excused")]


async def test_an_absence_gets_its_reason_and_scores_are_saved_on_the_same_roster(person, teaching, sign_in):
    trainer = await person("trainer", trainer_id=teaching.trainer.id)
    officer = str(teaching.people[0])
    await trainer.submit(
        f"/trainer/sessions/{teaching.started.id}/marks",
        {"officer_id": officer, "status": "absent", "reason": "", "cause": "illness"},
    )
    r = await trainer.submit(
        f"/trainer/sessions/{teaching.started.id}/scores", {"officer_id": officer, "pre_test": "45", "post_test": "٧٠"}
    )
    assert r.status_code == 303
    admin = await sign_in("admin")
    marks = (await admin.get(f"/sessions/{teaching.started.id}/attendance")).json()["marks"]
    assert (marks[0]["status"], marks[0]["reason"], marks[0]["cause"]) == ("absent", "no_show", "illness")
    roster = (await admin.get(f"/modules/{teaching.module.id}/roster")).json()["participants"]
    scored = next(p for p in roster if p["officer_id"] == officer)
    assert (scored["pre_test"], scored["post_test"], scored["improved"]) == (45, 70, True)


async def test_a_wrong_score_is_shown_next_to_its_field_with_what_was_typed(person, teaching, sign_in):
    trainer = await person("trainer", trainer_id=teaching.trainer.id)
    officer = str(teaching.people[0])
    r = await trainer.submit(
        f"/trainer/sessions/{teaching.started.id}/scores",
        {"officer_id": officer, "pre_test": "140", "post_test": "abc"},
    )
    assert r.status_code == 422
    assert f'id="e-pre_test-{officer}" role="alert">Enter a number from 0 to 100.' in r.text
    assert f'id="e-post_test-{officer}" role="alert">Enter a number from 0 to 100.' in r.text
    assert 'value="140"' in r.text and 'value="abc"' in r.text
    admin = await sign_in("admin")
    roster = (await admin.get(f"/modules/{teaching.module.id}/roster")).json()["participants"]
    assert all(p["pre_test"] is None for p in roster)


async def test_a_person_who_is_not_a_trainer_has_no_sessions_list(person, teaching):
    observer = await person("observer")
    r = await observer.get("/trainer/sessions")
    assert r.status_code == 403
    assert "Not allowed" in r.text
    page = await observer.get(f"/trainer/sessions/{teaching.started.id}")
    assert page.status_code == 403


async def test_the_pages_form_token_is_on_every_form(person, teaching):
    trainer = await person("trainer", trainer_id=teaching.trainer.id)
    page = await trainer.get(f"/trainer/sessions/{teaching.started.id}")
    assert csrf_of(page.text) == trainer.csrf
    assert page.text.count('name="csrf_token"') == page.text.count("<form")
