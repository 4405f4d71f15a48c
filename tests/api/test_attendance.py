"""Attendance, assessments, the roster and completion through HTTP (domain rules 12-15, 18).

The world: a module (completion threshold 0.6) with five sessions, three already held and two
to come; trainer T1 teaches the held ones, T2 one to come, T3 nothing of this module. Officers
A (Federal Police), B (a unit under it) and C (intelligence service) are enrolled; W is only
waitlisted. Nominations are inserted directly: the nomination service is tested on its own."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from domain.auth.principal import Principal
from domain.models.attendance import AttendanceMark, AttendanceStatus
from domain.models.audit import AuditEntry
from domain.models.catalogue import Module
from domain.models.enrolment import Nomination, NominationChange, NominationRole, NominationStatus
from tests.api.catalogue_data import (  # noqa: F401  (fixtures)
    assert_problem,
    cycle,
    disciplines,
    error_fields,
    make_module,
    make_trainer,
    programme,
    session_body,
    unknown_id,
)

NAMES = {
    "A": ("حيدر كاظم جواد", "Haider Kadhim Jawad"),
    "B": ("نور صباح مهدي", "Nour Sabah Mahdi"),
    "C": ("ياسر فاضل نعمة", "Yasir Fadhil Nima"),
    "W": ("سرى ماجد رزاق", "Sura Majid Razzaq"),
}


async def _post(client, url: str, body: dict) -> dict:
    r = await client.post(url, json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def enrol(db, module_id: str, officer: dict, status: NominationStatus = NominationStatus.enrolled) -> None:
    db.add(
        Nomination(
            module_id=uuid.UUID(module_id),
            officer_id=uuid.UUID(officer["id"]),
            agency_id=uuid.UUID(officer["agency_id"]),
            role=NominationRole.participant,
            status=status,
            nominated_by="test",
        )
    )
    await db.flush()


async def make_officer(client, agency_id: str, name_ar: str, name_latin: str, sex: str = "male") -> dict:
    return await _post(
        client, "/officers", {"agency_id": agency_id, "full_name_ar": name_ar, "name_latin": name_latin, "sex": sex}
    )


@pytest.fixture
async def world(client, cycle, db, sign_in, programme):
    police = await _post(
        client, "/agencies", {"name_en": "Federal Police (test)", "name_ar": "الشرطة الاتحادية", "kind": "police"}
    )
    unit = await _post(
        client,
        "/agencies",
        {"name_en": "Unit X (test)", "name_ar": "وحدة", "kind": "police", "parent_id": police["id"]},
    )
    inis = await _post(
        client, "/agencies", {"name_en": "Intelligence (test)", "name_ar": "جهاز", "kind": "intelligence"}
    )
    module = await make_module(client, cycle["id"], "ILP-ATT", completion_threshold=0.6)
    other = await make_module(client, cycle["id"], "ILP-OTHER")
    t1, t2, t3 = [
        await make_trainer(client, n) for n in ("Trainer One (test)", "Trainer Two (test)", "Trainer Three (test)")
    ]
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    sessions = []
    for i, days in enumerate((-10, -9, -8, 8, 9)):
        start = base + timedelta(days=days)
        teacher = t1 if days < 0 else t2 if i == 4 else t1
        sessions.append(
            await _post(
                client,
                f"/modules/{module['id']}/sessions",
                session_body(
                    start.isoformat(),
                    (start + timedelta(hours=2)).isoformat(),
                    trainers=[teacher],
                    title=f"Day {i + 1}",
                ),
            )
        )
    await _post(
        client,
        f"/modules/{other['id']}/sessions",
        session_body(
            (base - timedelta(days=3)).isoformat(), (base - timedelta(days=3, hours=-2)).isoformat(), trainers=[t3]
        ),
    )
    agency_of = {"A": police, "B": unit, "C": inis, "W": police}
    officers = {
        k: await make_officer(client, agency_of[k]["id"], *NAMES[k], sex="female" if k == "B" else "male")
        for k in NAMES
    }
    for k in "ABC":
        await enrol(db, module["id"], officers[k])
    await enrol(db, module["id"], officers["W"], NominationStatus.waitlisted)
    return {
        "module": module,
        "other": other,
        "sessions": sessions,
        "officers": officers,
        "o": {k: v["id"] for k, v in officers.items()},
        "t1": await sign_in("trainer", trainer_id=uuid.UUID(t1["id"])),
        "t2": await sign_in("trainer", trainer_id=uuid.UUID(t2["id"])),
        "t3": await sign_in("trainer", trainer_id=uuid.UUID(t3["id"])),
        "police_fp": await sign_in("focal_point", agency_id=uuid.UUID(police["id"])),
        "inis_fp": await sign_in("focal_point", agency_id=uuid.UUID(inis["id"])),
        "coordinator": await sign_in("coordinator", programme_ids=[uuid.UUID(programme["id"])]),
        "outsider": await sign_in("coordinator"),
    }


def mark(officer_id: str, status: str = "present", **extra) -> dict:
    return {"officer_id": officer_id, "status": status} | extra


async def put_marks(client, session: dict, *marks: dict, status: int = 200) -> dict:
    r = await client.put(f"/sessions/{session['id']}/attendance", json={"marks": list(marks)})
    assert r.status_code == status, r.text
    return r.json()


async def marks_of(client, session: dict) -> dict[str, dict]:
    r = await client.get(f"/sessions/{session['id']}/attendance")
    assert r.status_code == 200, r.text
    return {m["officer_id"]: m for m in r.json()["marks"]}


async def test_trainer_records_and_corrects_attendance_and_history_keeps_every_change(world):
    t1, s1, o = world["t1"], world["sessions"][0], world["o"]
    body = await put_marks(
        t1, s1, mark(o["A"]), mark(o["B"], "absent", reason="no_show", cause="unknown"), mark(o["C"], "late")
    )
    assert body["session_id"] == s1["id"] and body["module_id"] == world["module"]["id"]
    assert {m["officer_id"]: m["status"] for m in body["marks"]} == {
        o["A"]: "present",
        o["B"]: "absent",
        o["C"]: "late",
    }
    assert (
        await t1.get(f"/sessions/{s1['id']}/attendance/history")
    ).json() == []  # first recordings are not corrections

    await put_marks(t1, s1, mark(o["B"], "excused", cause="illness", note="medical certificate"))  # correction
    await put_marks(
        t1, s1, mark(o["B"], "excused", cause="illness", note="medical certificate")
    )  # the same again: no change
    await put_marks(world["coordinator"], s1, mark(o["A"], "late"))
    marks = await marks_of(t1, s1)
    assert marks[o["B"]] | {"updated_at": None} == {
        "officer_id": o["B"],
        "status": "excused",
        "reason": None,
        "cause": "illness",
        "note": "medical certificate",
        "recorded_by": marks[o["B"]]["recorded_by"],
        "updated_at": None,
        "version": 2,
    }
    assert marks[o["A"]]["status"] == "late" and marks[o["C"]]["status"] == "late"  # officers left out keep their marks

    history = (await t1.get(f"/sessions/{s1['id']}/attendance/history")).json()
    assert [(h["officer_id"], h["from_status"], h["to_status"]) for h in history] == [
        (o["B"], "absent", "excused"),
        (o["A"], "present", "late"),
    ]
    assert history[0]["before"] == {"reason": "no_show", "cause": "unknown", "note": None}
    assert history[0]["after"] == {"reason": None, "cause": "illness", "note": "medical certificate"}
    assert history[1]["actor_name"] != history[0]["actor_name"]  # the trainer, then the coordinator


async def test_one_bad_row_refuses_the_whole_list_naming_every_bad_row(world, client):
    s1, o = world["sessions"][0], world["o"]
    await put_marks(client, s1, mark(o["A"]))
    r = await client.put(
        f"/sessions/{s1['id']}/attendance",
        json={
            "marks": [
                mark(o["A"], "absent", reason="no_show"),  # 0: fine (a correction) but the list is refused
                mark(o["W"]),  # 1: waitlisted, not enrolled
                mark(o["C"], "late"),  # 2: fine
                mark(o["C"]),  # 3: listed twice
                mark(o["B"], "present", reason="cancellation", cause="work"),  # 4: reason and cause on a present mark
                mark(o["B"], "absent"),  # 5: absence without a reason (and B twice)
                mark(unknown_id()),  # 6: nobody
            ]
        },
    )
    body = assert_problem(r, 422, "/problems/validation-error")
    assert error_fields(body) == {
        "marks[1].officer_id",
        "marks[3].officer_id",
        "marks[4].reason",
        "marks[4].cause",
        "marks[5].officer_id",
        "marks[5].reason",
        "marks[6].officer_id",
    }
    marks = await marks_of(client, s1)
    assert {k: m["status"] for k, m in marks.items()} == {o["A"]: "present"}  # nothing written
    assert (await client.get(f"/sessions/{s1['id']}/attendance/history")).json() == []

    unknown_status = await client.put(
        f"/sessions/{s1['id']}/attendance", json={"marks": [mark(o["C"]), mark(o["B"], "sleeping")]}
    )
    assert "marks.1.status" in error_fields(assert_problem(unknown_status, 422))
    assert set(await marks_of(client, s1)) == {o["A"]}


async def test_who_may_take_attendance(world):
    s1, s5, o = world["sessions"][0], world["sessions"][4], world["o"]
    for who in ("t2", "t3"):  # a trainer of another session: the session does not exist for them
        for method, url, kwargs in (
            ("PUT", "attendance", {"json": {"marks": [mark(o["A"])]}}),
            ("GET", "attendance", {}),
            ("GET", "attendance/history", {}),
        ):
            r = await world[who].request(method, f"/sessions/{s1['id']}/{url}", **kwargs)
            assert_problem(r, 404)
    await put_marks(world["t2"], s5, mark(o["A"], "excused", cause="work"))  # their own session
    assert_problem(await world["outsider"].put(f"/sessions/{s1['id']}/attendance", json={"marks": [mark(o["A"])]}), 403)
    assert_problem(
        await world["police_fp"].put(f"/sessions/{s1['id']}/attendance", json={"marks": [mark(o["A"])]}), 403
    )
    assert_problem(await world["t1"].put(f"/sessions/{unknown_id()}/attendance", json={"marks": [mark(o["A"])]}), 404)


async def test_focal_points_see_only_their_subtree(world, client, db):
    s1, o = world["sessions"][0], world["o"]
    await put_marks(client, s1, mark(o["A"]), mark(o["B"], "late"), mark(o["C"], "absent", reason="cancellation"))
    await put_marks(client, s1, mark(o["C"], "absent", reason="no_show"))
    assert set(await marks_of(world["police_fp"], s1)) == {o["A"], o["B"]}
    assert set(await marks_of(world["inis_fp"], s1)) == {o["C"]}
    assert (await world["police_fp"].get(f"/sessions/{s1['id']}/attendance/history")).json() == []
    assert len((await world["inis_fp"].get(f"/sessions/{s1['id']}/attendance/history")).json()) == 1
    roster = (await world["police_fp"].get(f"/modules/{world['module']['id']}/roster")).json()
    assert {p["officer_id"] for p in roster["participants"]} == {o["A"], o["B"]}
    reads = list(await db.scalars(select(AuditEntry).where(AuditEntry.action == "read", AuditEntry.entity == "roster")))
    assert [(r.row_count, r.changes["filter"]) for r in reads] == [(2, {"module_id": world["module"]["id"]})]
    assert set(await marks_of(world["coordinator"], s1)) == {o["A"], o["B"], o["C"]}


async def test_roster_access(world, sign_in):
    url = f"/modules/{world['module']['id']}/roster"
    assert (await world["t1"].get(url)).status_code == 200
    assert (await world["t2"].get(url)).status_code == 200  # teaches a session still to come
    assert_problem(await world["t3"].get(url), 404)  # teaches another module only
    assert_problem(await (await sign_in("observer")).get(url), 403)
    assert_problem(await world["t1"].get(f"/modules/{unknown_id()}/roster"), 404)
    assert len((await world["t1"].get(url)).json()["participants"]) == 3  # trainers see all they teach


async def test_roster_figures_and_assessments(world, client):
    s, o = world["sessions"], world["o"]
    await put_marks(client, s[0], mark(o["A"]), mark(o["B"]))
    await put_marks(client, s[1], mark(o["A"], "late"), mark(o["B"], "absent", reason="no_show", cause="work"))
    await put_marks(client, s[2], mark(o["A"]), mark(o["B"], "excused", cause="illness"))
    await put_marks(client, s[3], mark(o["A"], "excused", cause="emergency"))  # announced before a session to come
    r = await world["t1"].put(
        f"/modules/{world['module']['id']}/assessments",
        json={
            "scores": [
                {"officer_id": o["A"], "pre_test": 40, "post_test": 70},
                {"officer_id": o["B"], "pre_test": 60, "post_test": 50},
                {"officer_id": o["C"], "pre_test": 55},
            ]
        },
    )
    assert r.status_code == 200, r.text
    assert {x["officer_id"]: x["improved"] for x in r.json()["scores"]} == {o["A"]: True, o["B"]: False, o["C"]: None}
    r = await world["coordinator"].put(
        f"/modules/{world['module']['id']}/assessments",
        json={"scores": [{"officer_id": o["C"], "post_test": 80}, {"officer_id": o["B"], "pre_test": None}]},
    )  # keeps C's pre, clears B's
    assert r.status_code == 200, r.text

    roster = (await client.get(f"/modules/{world['module']['id']}/roster")).json()
    assert (roster["sessions_total"], roster["sessions_held"], roster["completion_threshold"]) == (5, 3, 0.6)
    got = {p["officer_id"]: p for p in roster["participants"]}
    a, b, c = got[o["A"]], got[o["B"]], got[o["C"]]
    assert (a["attended"], a["excused"], a["absent"], a["attendance_rate_so_far"], a["attendance_rate_overall"]) == (
        3,
        1,
        0,
        1.0,
        0.6,
    )
    assert (a["minimum_attendance_met"], a["completed"], a["pre_test"], a["post_test"], a["improved"]) == (
        True,
        True,
        40,
        70,
        True,
    )
    assert (b["attended"], b["excused"], b["absent"], b["attendance_rate_overall"]) == (1, 1, 1, 0.2)
    assert b["attendance_rate_so_far"] == pytest.approx(1 / 3)
    assert (b["minimum_attendance_met"], b["completed"], b["pre_test"], b["post_test"], b["improved"]) == (
        False,
        False,
        None,
        50,
        None,
    )
    assert (c["attended"], c["attendance_rate_so_far"], c["attendance_rate_overall"], c["completed"]) == (
        0,
        0.0,
        0.0,
        False,
    )
    assert (c["pre_test"], c["post_test"], c["improved"]) == (55, 80, True)
    assert (a["full_name_ar"], a["name_latin"], a["sex"], a["nomination_status"]) == (*NAMES["A"], "male", "enrolled")
    assert a["agency_id"] == world["officers"]["A"]["agency_id"] and b["sex"] == "female"
    assert o["W"] not in got  # only waitlisted


async def test_assessments_are_all_or_nothing_and_scoped(world, client):
    url, o = f"/modules/{world['module']['id']}/assessments", world["o"]
    r = await client.put(
        url,
        json={
            "scores": [
                {"officer_id": o["A"], "pre_test": 50},
                {"officer_id": o["W"], "pre_test": 10},
                {"officer_id": o["A"], "post_test": 90},
            ]
        },
    )
    assert error_fields(assert_problem(r, 422)) == {"scores[1].officer_id", "scores[2].officer_id"}
    assert "scores.0.post_test" in error_fields(
        assert_problem(await client.put(url, json={"scores": [{"officer_id": o["A"], "post_test": 101}]}), 422)
    )
    roster = (await client.get(f"/modules/{world['module']['id']}/roster")).json()
    assert all(p["pre_test"] is None and p["post_test"] is None for p in roster["participants"])  # nothing written
    assert_problem(await world["t3"].put(url, json={"scores": [{"officer_id": o["A"], "pre_test": 1}]}), 404)
    assert_problem(await world["outsider"].put(url, json={"scores": [{"officer_id": o["A"], "pre_test": 1}]}), 403)
    assert_problem(await world["police_fp"].put(url, json={"scores": [{"officer_id": o["A"], "pre_test": 1}]}), 403)
    assert (await world["t2"].put(url, json={"scores": [{"officer_id": o["A"], "pre_test": 1}]})).status_code == 200


async def test_completion_on_delivery(world, client, db):
    s, o = world["sessions"], world["o"]
    for i in range(3):
        await put_marks(
            client,
            s[i],
            mark(o["A"]),
            mark(o["B"], "late" if i == 0 else "absent", reason=None if i == 0 else "no_show"),
        )
    # By the time the module is delivered the fourth session has been held too: its mark is stored
    # as it would be then (the API takes attendance only once a session has started).
    db.add(
        AttendanceMark(
            session_id=uuid.UUID(s[3]["id"]),
            officer_id=uuid.UUID(o["A"]),
            status=AttendanceStatus.present,
            recorded_by="test",
        )
    )
    await db.flush()
    module = await db.get(Module, uuid.UUID(world["module"]["id"]))
    result = await _complete(db, module)
    assert result == {"completed": 1, "not_completed": 2}
    nominations = {
        str(n.officer_id): n for n in await db.scalars(select(Nomination).where(Nomination.module_id == module.id))
    }
    assert {k: nominations[o[k]].status for k in "ABCW"} == {
        "A": NominationStatus.completed,
        "B": NominationStatus.not_completed,
        "C": NominationStatus.not_completed,
        "W": NominationStatus.waitlisted,
    }
    changes = {str(c.nomination_id): c for c in await db.scalars(select(NominationChange))}
    a = changes[str(nominations[o["A"]].id)]
    assert (a.from_status, a.to_status, a.reason) == ("enrolled", "completed", "module delivered: attendance 4/5")
    assert changes[str(nominations[o["B"]].id)].reason == "module delivered: attendance 1/5"
    assert await _complete(db, module) == {"completed": 0, "not_completed": 0}  # done once
    roster = (await client.get(f"/modules/{world['module']['id']}/roster")).json()
    assert {p["officer_id"]: p["nomination_status"] for p in roster["participants"]} == {
        o["A"]: "completed",
        o["B"]: "not_completed",
        o["C"]: "not_completed",
    }


async def _complete(db, module):
    from domain.attendance.completion import complete_module

    return await complete_module(db, principal=Principal.system("test"), module=module)


async def test_statements_do_not_grow_with_the_roster(world, client, db, statements):
    """The roster (3 vs 30 participants), and taking or correcting attendance (3 vs 30 marks)."""
    url, s = f"/modules/{world['module']['id']}/roster", world["sessions"]
    agency = world["officers"]["A"]["agency_id"]

    async def cost(method: str, url: str, **kwargs) -> tuple[int, dict]:
        statements.count = 0
        r = await world["t1"].request(method, url, **kwargs)  # a trainer's roster read is also logged
        assert r.status_code == 200, r.text
        return statements.count, r.json()

    async def put_cost(session: dict, ids: list[str], status: str = "present", **extra) -> int:
        count, body = await cost(
            "PUT", f"/sessions/{session['id']}/attendance", json={"marks": [mark(i, status, **extra) for i in ids]}
        )
        assert {m["status"] for m in body["marks"] if m["officer_id"] in ids} == {status}
        return count

    ids = [world["o"][k] for k in "ABC"]
    few = {"new": await put_cost(s[0], ids), "fix": await put_cost(s[0], ids, "late")}
    few_roster, body = await cost("GET", url)
    assert len(body["participants"]) == 3
    givens = ["علي", "حسن", "كريم", "سعد", "مازن", "رائد", "زيد", "باسم", "عادل"]
    for n in range(27):
        officer = await make_officer(
            client, agency, f"{givens[n % 9]} {['جبار', 'ستار', 'غانم'][n // 9]} الحلو", f"Officer {n:02d}"
        )
        await enrol(db, world["module"]["id"], officer)
        ids.append(officer["id"])
    many = {"new": await put_cost(s[1], ids), "fix": await put_cost(s[1], ids, "absent", reason="no_show")}
    await put_marks(client, s[2], *(mark(i, "late") for i in ids))
    await client.put(
        f"/modules/{world['module']['id']}/assessments",
        json={"scores": [{"officer_id": i, "pre_test": 10} for i in ids]},
    )
    many_roster, body = await cost("GET", url)
    assert len(body["participants"]) == 30 and body["participants"][0]["attended"] >= 1
    assert (many_roster, many) == (few_roster, few)
    assert len((await client.get(f"/sessions/{s[1]['id']}/attendance/history")).json()) == 30


async def test_only_an_excused_absence_is_recorded_before_a_session_starts(world, client):
    upcoming, o = world["sessions"][3], world["o"]
    r = await client.put(f"/sessions/{upcoming['id']}/attendance", json={"marks": [mark(o["A"]), mark(o["B"], "late")]})
    assert error_fields(assert_problem(r, 422)) == {"marks[0].status", "marks[1].status"}
    assert (await client.get(f"/sessions/{upcoming['id']}/attendance")).json()["marks"] == []  # nothing recorded
    excused = mark(o["A"], "excused", cause="work")
    r = await client.put(f"/sessions/{upcoming['id']}/attendance", json={"marks": [excused]})
    assert r.status_code == 200, r.text
    assert [m["status"] for m in r.json()["marks"]] == ["excused"]


async def _to_confirmed(client, module_id: str) -> None:
    for status in ("planned", "open", "confirmed"):
        r = await client.post(f"/modules/{module_id}/transitions", json={"to": status})
        assert r.status_code == 200, r.text


async def test_a_module_is_delivered_only_once_held(world, client, cycle):
    # Not one session has started: it cannot be delivered, with or without a reason.
    future = await make_module(client, cycle["id"], "ILP-FUTURE")
    start = datetime.now(UTC) + timedelta(days=5)
    await _post(
        client,
        f"/modules/{future['id']}/sessions",
        session_body(start.isoformat(), (start + timedelta(hours=2)).isoformat()),
    )
    await _to_confirmed(client, future["id"])
    r = await client.post(f"/modules/{future['id']}/transitions", json={"to": "delivered", "reason": "trust me"})
    assert assert_problem(r, 409, "/problems/not-held")["first_session_starts_at"] is not None
    # Held in part (the last two sessions are ahead): delivering now needs the coordinator's reason.
    held = world["module"]
    await _to_confirmed(client, held["id"])
    r = await client.post(f"/modules/{held['id']}/transitions", json={"to": "delivered"})
    assert error_fields(assert_problem(r, 422)) == {"reason"}
    r = await client.post(
        f"/modules/{held['id']}/transitions", json={"to": "delivered", "reason": "last days cancelled by the host"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "delivered"
