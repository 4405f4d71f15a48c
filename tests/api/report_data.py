"""A known scenario for the report tests, built through HTTP (plan) and the `db` fixture
(officers, nominations, marks and scores, inserted directly for speed). All data is fictional.

The plan: programme CT JUST (test), cycle "EU–Iraq" (target 25%, Asia/Baghdad) with
- ILP-1 (ilp, course, delivered): 5 sessions, 2-6 February 2025;
- OSINT-1 (osint, workshop, delivered): sessions on 6 February, 2 March, and 3 March at 01:30
  local time (still 2 March in UTC: local dates count);
- DIGEV-1 (digital-evidence, course, open): nominations only;
- CANCEL-1 (ilp, cancelled): nominations that never count;
DIGEV-1 overrides the target with 40%; and a second programme with its own cycle and module, which a
coordinator of the first does not see. Agencies: Ministry of Interior > Federal Police > Unit X,
and the National Intelligence Service.

ILP-1 has 30 enrolled, 9 of them women: 25 complete, 2 are no-shows (never attended) and 3
attended but did not complete. W0 and M0 also take OSINT-1 (W0 completes it: one person, two
completed participations)."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models.attendance import AbsenceReason, Assessment, AttendanceMark, AttendanceStatus
from domain.models.catalogue import Module
from domain.models.enrolment import Nomination, NominationRole, NominationStatus
from domain.models.officers import Officer, Sex
from tests.api.catalogue_data import make_cycle, make_module

SEATED = {"enrolled", "completed", "not_completed"}
ATTENDED = {"present", "late"}
_serial = itertools.count()

ILP_SESSIONS = [(f"2025-02-0{d}T09:00:00+03:00", f"2025-02-0{d}T13:00:00+03:00") for d in range(2, 7)]
ILP_DATES = [f"2025-02-0{d}" for d in range(2, 7)]
OSINT_SESSIONS = [
    ("2025-02-06T14:00:00+03:00", "2025-02-06T17:00:00+03:00"),
    ("2025-03-02T09:00:00+03:00", "2025-03-02T12:00:00+03:00"),
    ("2025-03-03T01:30:00+03:00", "2025-03-03T03:00:00+03:00"),
]
OSINT_DATES = ["2025-02-06", "2025-03-02", "2025-03-03"]


@dataclass
class Participation:
    person: str
    module: str
    status: str
    marks: list[str] = field(default_factory=list)  # per session: present, late, excused, no_show, cancellation
    pre: float | None = None
    post: float | None = None


@dataclass
class Scenario:
    programme_id: str
    cycle_id: str
    other_programme_id: str
    other_cycle_id: str
    agencies: dict[str, str]
    modules: dict[str, str]
    sessions: dict[str, list[str]]
    people: dict[str, tuple[str, str]]  # key -> (sex, agency key)
    officer_ids: dict[str, uuid.UUID]
    participations: list[Participation]
    dates: dict[str, list[str]]
    names: list[str]
    serial: int


def _ilp_participations() -> tuple[dict[str, tuple[str, str]], list[Participation]]:
    people: dict[str, tuple[str, str]] = {}
    for i in range(9):
        people[f"W{i}"] = ("female", "police" if i < 6 else "unit" if i < 8 else "inis")
    for i in range(21):
        people[f"M{i}"] = ("male", "police" if i < 15 else "unit" if i < 17 else "inis")
    full = ["present"] * 5
    no_show = ["no_show"] * 5
    partial = ["present", "late", "no_show", "cancellation", "no_show"]
    plays = []
    for key in people:
        if key in ("W7", "M20"):
            plays.append(Participation(key, "ilp", "not_completed", no_show))
        elif key in ("W6", "M17", "M18"):
            plays.append(Participation(key, "ilp", "not_completed", partial, pre=40, post=55))
        else:
            n = int(key[1:])
            marks = list(full)
            if n % 4 == 1:
                marks[0] = "late"
            if n % 5 == 2:
                marks[4] = "excused"
            pre, post = (50.0, 50.0 + (n % 3) * 10 - 5) if n % 6 else (60.0, None)  # post > pre when n % 3 == 1 or 2
            plays.append(Participation(key, "ilp", "completed", marks, pre=pre, post=post))
    return people, plays


async def build(client: httpx.AsyncClient, db: AsyncSession, programme: dict) -> Scenario:
    n = next(_serial)
    agencies: dict[str, str] = {}
    for key, name, parent in (
        ("moi", "Ministry of Interior", None),
        ("police", "Federal Police", "moi"),
        ("unit", "Unit X", "police"),
        ("inis", "National Intelligence Service", None),
    ):
        r = await client.post(
            "/agencies",
            json={"name_en": f"{name} {n}", "name_ar": f"جهة {n}", "kind": "police", "parent_id": agencies.get(parent)},
        )
        assert r.status_code == 201, r.text
        agencies[key] = r.json()["id"]
    cycle = await make_cycle(client, programme["id"], title=f"EU–Iraq cycle (test {n})")
    other = await client.post(
        "/programmes", json={"name": "Other programme (test)", "acronym": f"OTHER{n}", "implementer": "Test"}
    )
    assert other.status_code == 201, other.text
    other_cycle = await make_cycle(client, other.json()["id"], title=f"Other cycle (test {n})")
    modules, sessions = {}, {}
    plan = (
        ("ilp", cycle["id"], "ILP-1", "ilp", "course", ILP_SESSIONS, "delivered", None),
        ("osint", cycle["id"], "OSINT-1", "osint", "workshop", OSINT_SESSIONS, "delivered", None),
        ("digev", cycle["id"], "DIGEV-1", "digital-evidence", "course", [], "open", 0.4),
        ("cancelled", cycle["id"], "CANCEL-1", "ilp", "course", [], "cancelled", None),
        ("other", other_cycle["id"], "OTHER-1", "ilp", "course", [], "open", None),
    )
    for key, cycle_id, code, discipline, fmt, times, status, target in plan:
        module = await make_module(
            client, cycle_id, code, discipline=discipline, format=fmt, female_share_target=target
        )
        modules[key], sessions[key] = module["id"], []
        for starts, ends in times:
            s = await client.post(
                f"/modules/{module['id']}/sessions", json={"title": "Session", "starts_at": starts, "ends_at": ends}
            )
            assert s.status_code == 201, s.text
            sessions[key].append(s.json()["id"])
        await db.execute(update(Module).where(Module.id == uuid.UUID(module["id"])).values(status=status))

    people, plays = _ilp_participations()
    people |= {
        "M21": ("male", "inis"),
        "M22": ("male", "inis"),
        "M23": ("male", "inis"),
        "W9": ("female", "police"),
        "M24": ("male", "police"),
        "M25": ("male", "inis"),
        "W10": ("female", "unit"),
        "M26": ("male", "police"),
    }
    plays += [
        Participation("W9", "ilp", "waitlisted"),
        Participation("M24", "ilp", "rejected"),
        Participation("M25", "ilp", "rejected"),
        Participation("M26", "ilp", "withdrawn"),
        Participation("W0", "osint", "completed", ["present", "present", "late"], pre=30, post=70),
        Participation("M0", "osint", "not_completed", ["present", "no_show", "no_show"]),
        *[Participation(k, "osint", "completed", ["present"] * 3, pre=20, post=20) for k in ("M21", "M22", "M23")],
        Participation("W10", "digev", "submitted"),
        Participation("M1", "digev", "enrolled"),
        Participation("W1", "cancelled", "enrolled"),
        Participation("M2", "cancelled", "submitted"),
        Participation("M3", "other", "enrolled"),
        Participation("W2", "other", "enrolled"),
    ]
    officer_ids, names = await insert_officers(db, people, agencies, n)
    await insert_participations(db, people, officer_ids, agencies, modules, sessions, plays)
    return Scenario(
        programme["id"],
        cycle["id"],
        other.json()["id"],
        other_cycle["id"],
        agencies,
        modules,
        sessions,
        people,
        officer_ids,
        plays,
        {"ilp": ILP_DATES, "osint": OSINT_DATES},
        names,
        n,
    )


async def insert_officers(db, people, agencies, n) -> tuple[dict[str, uuid.UUID], list[str]]:
    officer_ids, names = {}, []
    for key, (sex, agency) in people.items():
        name_ar, name_latin = f"ضابط {key} {n}", f"Testofficer {key}-{n}"
        names += [name_ar, name_latin]
        officer = Officer(
            id=uuid.uuid4(),
            agency_id=uuid.UUID(agencies[agency]),
            full_name_ar=name_ar,
            full_name_ar_key=name_ar,
            name_latin=name_latin,
            name_latin_key=name_latin.casefold(),
            sex=Sex(sex),
            name_parts={},
        )
        db.add(officer)
        officer_ids[key] = officer.id
    await db.flush()
    return officer_ids, names


async def add_crowd(
    client: httpx.AsyncClient, db: AsyncSession, s: Scenario, people: dict[str, tuple[str, str]]
) -> int:
    """Another delivered module of the cycle with these people, all with marks and scores;
    returns the number of rows added."""
    module = await make_module(client, s.cycle_id, f"CROWD-{next(_serial)}", capacity=len(people))
    times = [
        ("2025-04-06T09:00:00+03:00", "2025-04-06T12:00:00+03:00"),
        ("2025-04-07T09:00:00+03:00", "2025-04-07T12:00:00+03:00"),
    ]
    session_ids = []
    for starts, ends in times:
        r = await client.post(
            f"/modules/{module['id']}/sessions", json={"title": "Session", "starts_at": starts, "ends_at": ends}
        )
        assert r.status_code == 201, r.text
        session_ids.append(r.json()["id"])
    await db.execute(update(Module).where(Module.id == uuid.UUID(module["id"])).values(status="delivered"))
    officer_ids, _ = await insert_officers(db, people, s.agencies, s.serial)
    statuses = ["completed", "completed", "not_completed", "enrolled", "rejected"]
    plays = [
        Participation(
            key,
            "crowd",
            statuses[i % 5],
            ["present", "no_show"] if i % 5 == 2 else ["present", "late"],
            pre=50,
            post=50 + i % 7,
        )
        for i, key in enumerate(people)
    ]
    await insert_participations(
        db, people, officer_ids, s.agencies, {"crowd": module["id"]}, {"crowd": session_ids}, plays
    )
    return len(people) * 4


async def insert_participations(db, people, officer_ids, agencies, modules, sessions, plays) -> None:
    for p in plays:
        officer_id, agency = officer_ids[p.person], people[p.person][1]
        db.add(
            Nomination(
                module_id=uuid.UUID(modules[p.module]),
                officer_id=officer_id,
                agency_id=uuid.UUID(agencies[agency]),
                role=NominationRole.participant,
                status=NominationStatus(p.status),
                nominated_by="test",
            )
        )
        for session_id, mark in zip(sessions[p.module], p.marks):
            status = mark if mark in ("present", "late", "excused") else "absent"
            reason = AbsenceReason(mark) if status == "absent" else None
            db.add(
                AttendanceMark(
                    session_id=uuid.UUID(session_id),
                    officer_id=officer_id,
                    status=AttendanceStatus(status),
                    reason=reason,
                    recorded_by="test",
                )
            )
        if p.pre is not None or p.post is not None:
            db.add(
                Assessment(
                    module_id=uuid.UUID(modules[p.module]), officer_id=officer_id, pre_test=p.pre, post_test=p.post
                )
            )
    await db.flush()


# Figures computed independently of the reports, from the scenario's own lists.

CYCLE_MODULES = ("ilp", "osint", "digev")  # the cancelled module never counts
TOP = {"police": "moi", "unit": "moi", "moi": "moi", "inis": "inis"}
STAGE = {
    "nominated": lambda p: True,
    "enrolled": lambda p: p.status in SEATED,
    "attended": lambda p: p.status in SEATED and any(m in ATTENDED for m in p.marks),
    "completed": lambda p: p.status == "completed",
}


def plays(s, modules=CYCLE_MODULES, agencies=None):
    return [
        p for p in s.participations if p.module in modules and (agencies is None or s.people[p.person][1] in agencies)
    ]


def expected_stages(s, selected) -> dict:
    out = {}
    for stage, keep in STAGE.items():
        out[stage] = {}
        for sex in ("female", "male"):
            chosen = [p for p in selected if keep(p) and s.people[p.person][0] == sex]
            out[stage].setdefault("persons", {})[sex] = len({p.person for p in chosen})
            out[stage].setdefault("participations", {})[sex] = len(chosen)
        for m in ("persons", "participations"):
            out[stage][m]["total"] = out[stage][m]["female"] + out[stage][m]["male"]
    return out


def expected_results(s, modules=("ilp", "osint"), agencies=None):
    selected = plays(s, modules, agencies)
    done = [p for p in selected if p.status == "completed"]
    sex = lambda p: s.people[p.person][0]  # noqa: E731

    def split(items, unique=True):
        out = {
            x: len({p.person for p in items if sex(p) == x}) if unique else sum(1 for p in items if sex(p) == x)
            for x in ("female", "male")
        }
        return out | {"total": out["female"] + out["male"], "suppressed": []}

    improved = [p for p in done if p.pre is not None and p.post is not None and p.post > p.pre]
    assessed = [p for p in done if p.pre is not None and p.post is not None]
    person_days = sum(
        len({s.dates[p.module][i] for i, m in enumerate(p.marks) if m in ATTENDED})
        for p in selected
        if p.status in SEATED and p.module in s.dates
    )
    card = {}
    for p in plays(s, CYCLE_MODULES if modules == ("ilp", "osint") else modules, agencies):
        row = card.setdefault(
            TOP[s.people[p.person][1]],
            {
                "nominated": 0,
                "enrolled": 0,
                "completed": 0,
                "marks_recorded": 0,
                "attended_marks": 0,
                "no_show_marks": 0,
            },
        )
        row["nominated"] += 1
        row["enrolled"] += p.status in SEATED
        row["completed"] += p.status == "completed"
        row["marks_recorded"] += len(p.marks)
        row["attended_marks"] += sum(m in ATTENDED for m in p.marks)
        row["no_show_marks"] += sum(m == "no_show" for m in p.marks)
    return {
        "individuals_trained": split(done),
        "participations": split(done, unique=False),
        "knowledge_increased": split(improved),
        "assessed": split(assessed),
        "person_days": person_days,
        "scorecard": card,
    }
