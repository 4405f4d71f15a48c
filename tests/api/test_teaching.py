"""The trainer's reads and "fill the blanks" in the API (what the pages use): the sessions a
trainer teaches with their counts, a session's attendance sheet, and marking every unmarked
participant present without touching a mark already taken."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.db import utcnow
from tests.web.teaching_data import cycle, disciplines, programme, session, teaching  # noqa: F401


async def test_my_sessions_are_split_into_coming_and_to_take_with_counts(sign_in, teaching, db):
    earlier = await session(db, teaching.module.id, teaching.trainer.id, timedelta(days=-4), "Earlier")
    done = await session(db, teaching.module.id, teaching.trainer.id, timedelta(days=-5), "Done")
    admin = await sign_in("admin")
    marks = [{"officer_id": str(o), "status": "present"} for o in teaching.people]
    assert (await admin.put(f"/sessions/{done.id}/attendance", json={"marks": marks})).status_code == 200
    trainer = await sign_in("trainer", trainer_id=teaching.trainer.id)
    coming = (await trainer.get("/me/sessions")).json()
    assert [s["title"] for s in coming["items"]] == ["Day 1: started", "Day 2: to come"]
    first = coming["items"][0]
    assert first["participants"] == 3 and first["time_zone"] == "Asia/Baghdad"
    assert first["counts"] == {"present": 0, "late": 0, "excused": 0, "absent": 0, "unmarked": 3}
    to_take = (await trainer.get("/me/sessions", params={"part": "to_take"})).json()
    assert [s["id"] for s in to_take["items"]] == [str(earlier.id)]
    paged = await trainer.get("/me/sessions", params={"limit": 1})
    assert paged.json()["next_cursor"] and 'rel="next"' in paged.headers["link"]
    second = await trainer.get("/me/sessions", params={"limit": 1, "cursor": paged.json()["next_cursor"]})
    assert [s["title"] for s in second.json()["items"]] == ["Day 2: to come"]
    assert (await (await sign_in("coordinator")).get("/me/sessions")).json() == {"items": [], "next_cursor": None}


async def test_the_attendance_sheet_and_filling_the_blanks(sign_in, teaching):
    trainer = await sign_in("trainer", trainer_id=teaching.trainer.id)
    url = f"/sessions/{teaching.started.id}"
    put = await trainer.put(
        f"{url}/attendance", json={"marks": [{"officer_id": str(teaching.people[0]), "status": "late"}]}
    )
    assert put.status_code == 200
    filled = await trainer.post(f"{url}/attendance/unmarked-present")
    assert filled.status_code == 200, filled.text
    assert {m["officer_id"]: m["status"] for m in filled.json()["marks"]} == {
        str(teaching.people[0]): "late",
        str(teaching.people[1]): "present",
        str(teaching.people[2]): "present",
    }
    sheet = (await trainer.get(f"{url}/attendance-sheet")).json()
    assert sheet["started"] is True
    assert sheet["session"]["counts"] == {"present": 2, "late": 1, "excused": 0, "absent": 0, "unmarked": 0}
    row = next(p for p in sheet["participants"] if p["officer_id"] == str(teaching.people[0]))
    assert (row["full_name_ar"], row["name_latin"], row["agency_name_en"], row["status"]) == (
        "حيدر كاظم جواد",
        "Haider Kadhim Jawad",
        "Federal Police (web)",
        "late",
    )
    assert (await trainer.get(f"/sessions/{teaching.strangers.id}/attendance-sheet")).status_code == 404
    assert (await trainer.post(f"/sessions/{teaching.strangers.id}/attendance/unmarked-present")).status_code == 404
    early = await trainer.post(f"/sessions/{teaching.coming.id}/attendance/unmarked-present")
    assert early.status_code == 422 and "only an excused absence" in early.text
    assert (await trainer.get(f"/sessions/{uuid.uuid4()}/attendance-sheet")).status_code == 404


async def test_a_session_running_across_midnight_stays_coming_until_it_ends(sign_in, teaching, db):
    # Baghdad's midnight passed an hour ago and the session runs two more hours: at any hour of the
    # test's day it began "yesterday" in its zone, and the trainer still needs it among what is on now.
    baghdad = ZoneInfo("Asia/Baghdad")
    now = utcnow().replace(microsecond=0)
    midnight = datetime.combine(now.astimezone(baghdad).date(), time(), tzinfo=baghdad)
    overlap = "a night exercise beside the day's session"
    starts = midnight - timedelta(hours=1)
    hours = (now + timedelta(hours=2) - starts) / timedelta(hours=1)
    await session(db, teaching.module.id, teaching.trainer.id, starts - now, "Night", hours, overlap)
    ended = await session(db, teaching.module.id, teaching.trainer.id, starts - timedelta(hours=5) - now, "Ended")
    trainer = await sign_in("trainer", trainer_id=teaching.trainer.id)
    coming = [s["title"] for s in (await trainer.get("/me/sessions")).json()["items"]]
    to_take = [s["title"] for s in (await trainer.get("/me/sessions", params={"part": "to_take"})).json()["items"]]
    assert "Night" in coming and "Night" not in to_take
    assert "Ended" in to_take and "Ended" not in coming
    assert ended.ends_at <= now
