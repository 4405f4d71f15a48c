"""A synthetic, deterministic cycle history, built in memory once and loaded into a scratch
database built by the migrations: SQLAlchemy Core executemany on SQLite, COPY on PostgreSQL.

At scale 1: 50,000 officers (about 25% women) in 40 agencies (3 levels, materialised paths),
2,000 modules over 6 cycles of 3 programmes, their sessions, 200,000 nominations, about
1,000,000 attendance marks consistent with the nominations' statuses, and assessments."""

from __future__ import annotations

import json
import math
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from random import Random

from sqlalchemy import JSON, create_engine, text
from sqlalchemy.engine import make_url

from api.startup import alembic_config
from domain.officers.names import arabic_key, latin_key
from domain.registry import metadata
from seeds.names import ELDERS, FAMILY, FEMALE_GIVEN, MALE_GIVEN
from seeds.reference import DISCIPLINES

UTC = UTC
NOW = datetime(2026, 11, 1, tzinfo=UTC)  # fixed, so that the history is the same on every run
STAMP = datetime(2026, 1, 1, tzinfo=UTC)
ON_ROSTER = ("enrolled", "completed", "not_completed")
KINDS = ["police", "intelligence", "judiciary", "ministry", "civil_society", "international"]
FORMATS = ["course", "workshop", "study_visit", "training_of_trainers", "high_level_meeting"]
# (programme, cycle title, starts_on, ends_on, female target, weight in modules)
CYCLES = [
    ("UNODC-LE", "UNODC/INL law enforcement cycle 2019-2021", date(2019, 1, 6), date(2021, 6, 30), 0.30, 2),
    ("UNODC-LE", "UNODC/INL law enforcement cycle 2021-2023", date(2021, 7, 1), date(2023, 12, 31), 0.30, 3),
    ("CT JUST", "EU-Iraq cooperation cycle 2021-2023", date(2021, 1, 3), date(2023, 12, 31), 0.25, 3),
    ("CT JUST", "EU-Iraq cooperation cycle 2024-2026", date(2024, 1, 7), date(2026, 12, 31), 0.25, 5),
    ("CT PHARE", "CT PHARE Iraq dialogue cycle 2023-2025", date(2023, 1, 1), date(2025, 6, 30), 0.30, 2),
    ("CT PHARE", "CT PHARE Iraq dialogue cycle 2025-2027", date(2025, 7, 1), date(2027, 6, 30), 0.30, 2),
]
PAST = {"completed": 55, "not_completed": 13, "waitlisted": 12, "rejected": 10, "withdrawn": 8, "vetting_failed": 2}
CURRENT = {"enrolled": 68, "waitlisted": 12, "rejected": 12, "withdrawn": 8}
FUTURE = {"submitted": 30, "enrolled": 40, "waitlisted": 15, "rejected": 10, "withdrawn": 5}
CANCELLED = {"withdrawn": 70, "rejected": 30}


class Ids:
    """UUIDv7 like domain.ids.uuid7 (time-ordered), but drawn from the seeded generator."""

    def __init__(self, rng: Random) -> None:
        self.rng, self.ms = rng, int(STAMP.timestamp() * 1000)

    def __call__(self) -> uuid.UUID:
        self.ms += 1
        rand = self.rng.getrandbits(74)
        return uuid.UUID(
            int=(self.ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
        )


@dataclass
class Dataset:
    tables: dict[str, tuple[list[str], list[tuple]]] = field(default_factory=dict)

    def add(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        self.tables[table] = (columns, rows)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, (_, rows) in self.tables.items()}


def _pick(rng: Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _working_days(start: date, n: int) -> list[date]:
    days, d = [], start
    while len(days) < n:
        if d.weekday() not in (4, 5):  # Friday and Saturday are the weekend in Iraq
            days.append(d)
        d += timedelta(days=1)
    return days


def build(scale: float = 1.0, seed: int = 20261123) -> Dataset:
    rng = Random(seed)
    new_id = Ids(rng)
    ds = Dataset()
    E = ["id", "created_at", "updated_at", "version"]

    def ent() -> tuple:
        return (new_id(), STAMP, STAMP, 1)

    ds.add("disciplines", ["code", "label_en", "label_ar"], list(DISCIPLINES))
    programmes = {}
    for acronym, name in (
        ("UNODC-LE", "Strengthening Iraqi law enforcement"),
        ("CT JUST", "Counter-terrorism justice"),
        ("CT PHARE", "Counter-terrorism and human rights"),
    ):
        programmes[acronym] = ent() + (name, acronym, "Implementer", [{"donor": "EU", "instrument": "NDICI"}])
    ds.add("programmes", E + ["name", "acronym", "implementer", "funding_sources"], list(programmes.values()))
    cycles = [
        ent()
        + (
            programmes[p][0],
            "IQ",
            title,
            s,
            e,
            target,
            "Asia/Baghdad",
            ["sunday", "monday", "tuesday", "wednesday", "thursday"],
            [],
            None,
        )
        for p, title, s, e, target, _ in CYCLES
    ]
    ds.add(
        "cycles",
        E
        + [
            "programme_id",
            "partner_country",
            "title",
            "starts_on",
            "ends_on",
            "female_share_target",
            "time_zone",
            "working_days",
            "holidays",
            "funding_source",
        ],
        cycles,
    )

    # 40 agencies: 8 ministries, 2-4 directorates each, some with units (root/child/grandchild).
    agencies, n_root = [], 8

    def agency(parent: tuple | None, level: int, n: int) -> tuple:
        row = ent()
        path = (parent[5] if parent else "/") + f"{row[0]}/"
        name = f"{['Ministry', 'Directorate', 'Unit'][level]} {n}"
        agencies.append(
            row + (parent[0] if parent else None, path, name, f"جهة {n}", None, f"A{n}", rng.choice(KINDS), "IQ")
        )
        return agencies[-1]

    roots = [agency(None, 0, i) for i in range(n_root)]
    children = [agency(r, 1, len(agencies)) for r in roots for _ in range(rng.randint(2, 3))]
    while len(agencies) < 40:
        agency(rng.choice(children), 2, len(agencies))
    ds.add(
        "agencies", E + ["parent_id", "path", "name_en", "name_ar", "name_ku", "acronym", "kind", "country"], agencies
    )

    ds.add(
        "venues",
        E + ["name", "city", "capacity"],
        [ent() + (f"Venue {i}", rng.choice(["Baghdad", "Erbil", "Basra"]), 80) for i in range(20)],
    )
    ds.add(
        "trainers",
        E + ["name", "organisation", "nationality", "expertise"],
        [ent() + (f"Trainer {i}", "Expert pool", rng.choice(["ES", "BE", "FR", "IT"]), ["osint"]) for i in range(100)],
    )

    officers, women, men = [], [], []
    for _ in range(max(200, round(50_000 * scale))):
        female = rng.random() < 0.25
        given, father, grand = (
            rng.choice(FEMALE_GIVEN if female else MALE_GIVEN),
            rng.choice(ELDERS),
            rng.choice(ELDERS),
        )
        parts = [given, father, grand] + ([rng.choice(FAMILY)] if rng.random() < 0.3 else [])
        ar, la = " ".join(p[0] for p in parts), " ".join(p[1] for p in parts)
        name_parts = {"given": given[0], "father": father[0], "grandfather": grand[0]}
        row = ent() + (
            rng.choice(agencies)[0],
            ar,
            arabic_key(ar),
            la,
            latin_key(la),
            name_parts,
            "female" if female else "male",
            rng.choice(["Captain", "Major", "Colonel", "Judge", None]),
        )
        officers.append(row)
        (women if female else men).append(row)
    ds.add(
        "officers",
        E
        + [
            "agency_id",
            "full_name_ar",
            "full_name_ar_key",
            "name_latin",
            "name_latin_key",
            "name_parts",
            "sex",
            "rank",
        ],
        officers,
    )

    # Modules: dates, status and nominations first; sessions per module are then chosen so that
    # the attendance marks come close to the target (participants x sessions held).
    n_modules = max(12, round(2_000 * scale))
    weights = [c[-1] for c in CYCLES]
    plans = []
    for _ in range(n_modules):
        ci = rng.choices(range(len(CYCLES)), weights=weights)[0]
        s, e = CYCLES[ci][2], CYCLES[ci][3]
        start = s + timedelta(days=rng.randint(0, max(0, (e - s).days - 30)))
        when = "future" if start > NOW.date() else "past" if start + timedelta(days=25) < NOW.date() else "current"
        cancelled = when != "future" and rng.random() < 0.03
        statuses = CANCELLED if cancelled else {"past": PAST, "current": CURRENT, "future": FUTURE}[when]
        share = rng.uniform(0.05, 0.45)
        n_nom = rng.randint(70, 130)
        n_women = min(len(women), round(n_nom * share))
        people = rng.sample(women, n_women) + rng.sample(men, min(len(men), n_nom - n_women))
        noms = [(o, _pick(rng, statuses)) for o in people]
        plans.append({"cycle": cycles[ci], "start": start, "when": when, "cancelled": cancelled, "noms": noms})
    participants = sum(sum(st in ON_ROSTER for _, st in p["noms"]) for p in plans if p["when"] == "past")
    avg_sessions = max(2.0, 1_000_000 * scale / max(1, participants))

    modules, sessions, noms, marks, tests = [], [], [], [], []
    for i, p in enumerate(plans):
        n_s = max(2, int(avg_sessions) + (rng.random() < avg_sessions % 1) + rng.choice([-2, -1, 0, 1, 2]))
        days = _working_days(p["start"], n_s)
        if p["when"] == "future":
            status = rng.choice(["draft", "planned", "open", "open", "confirmed"])
        else:
            status = (
                "cancelled"
                if p["cancelled"]
                else "confirmed"
                if p["when"] == "current"
                else rng.choice(["delivered", "closed", "closed"])
            )
        threshold = rng.choice([0.75, 0.8, 0.8, 0.8, 0.9])
        venue = rng.choice(ds.tables["venues"][1])[0]
        assessed = rng.random() < 0.7
        m = ent() + (
            p["cycle"][0],
            f"M{i:05d}",
            f"Module {i}",
            rng.choice(DISCIPLINES)[0],
            rng.choice(FORMATS),
            len(p["noms"]),
            venue,
            ["ar"],
            False,
            rng.choice([None, None, None, 0.2, 0.35]),
            threshold,
            60.0 if assessed else None,
            "none",
            None,
            None,
            status,
            None,
        )
        modules.append(m)
        module_sessions = []
        for k, d in enumerate(days):
            starts = datetime(d.year, d.month, d.day, 6, tzinfo=UTC)
            module_sessions.append(
                ent() + (m[0], f"Day {k + 1}", starts, starts + timedelta(hours=rng.choice([3, 5, 6])), venue, None)
            )
        sessions.extend(module_sessions)
        held = [] if p["cancelled"] else [s for s in module_sessions if s[6] < NOW]
        need = math.ceil(threshold * len(module_sessions) - 1e-9)
        for officer, st in p["noms"]:
            noms.append(
                ent()
                + (
                    m[0],
                    officer[0],
                    officer[4],
                    "alternate" if rng.random() < 0.12 else "participant",
                    100,
                    None,
                    None,
                    None,
                    st,
                    "focal.point",
                )
            )
            if st not in ON_ROSTER or not held:
                continue
            n = len(held)
            if st == "completed":
                attended = rng.randint(min(need, n), n)
            elif st == "not_completed":
                attended = 0 if rng.random() < 0.1 else rng.randint(0, max(0, need - 1))
            else:
                attended = sum(rng.random() < 0.9 for _ in held)
            went = set(rng.sample(range(n), attended))
            for k, s in enumerate(held):
                if k in went:
                    mark = ("late" if rng.random() < 0.1 else "present", None, None)
                elif rng.random() < 0.3:
                    mark = ("excused", "cancellation", rng.choice(["illness", "work", "emergency"]))
                else:
                    mark = (
                        "absent",
                        rng.choice(["no_show", "no_show", "cancellation"]),
                        rng.choice(["illness", "work", "unknown", None]),
                    )
                marks.append(ent() + (s[0], officer[0]) + mark + (None, "trainer"))
            if assessed and p["when"] == "past" and attended:
                pre = round(min(100.0, max(0.0, rng.gauss(50, 15))), 1)
                post = round(min(100.0, max(0.0, pre + rng.gauss(8, 12))), 1) if rng.random() < 0.95 else None
                tests.append(ent() + (m[0], officer[0], pre, post))
    ds.add(
        "modules",
        E
        + [
            "cycle_id",
            "code",
            "title",
            "discipline",
            "format",
            "capacity",
            "venue_id",
            "languages",
            "interpretation",
            "female_share_target",
            "completion_threshold",
            "pass_mark",
            "vetting_required",
            "nomination_deadline",
            "funding_source",
            "status",
            "status_reason",
        ],
        modules,
    )
    ds.add(
        "training_sessions", E + ["module_id", "title", "starts_at", "ends_at", "venue_id", "override_reason"], sessions
    )
    trainers = ds.tables["trainers"][1]
    ds.add("session_trainers", ["session_id", "trainer_id"], [(s[0], rng.choice(trainers)[0]) for s in sessions])
    ds.add(
        "nominations",
        E
        + [
            "module_id",
            "officer_id",
            "agency_id",
            "role",
            "priority",
            "queue_rank",
            "note",
            "late_reason",
            "status",
            "nominated_by",
        ],
        noms,
    )
    ds.add(
        "attendance_marks", E + ["session_id", "officer_id", "status", "reason", "cause", "note", "recorded_by"], marks
    )
    ds.add("assessments", E + ["module_id", "officer_id", "pre_test", "post_test"], tests)

    _check_not_null(ds)
    return ds


def _check_not_null(ds: Dataset) -> None:
    """Every NOT NULL column without a server default is supplied (COPY would leave it NULL)."""
    for name, (columns, _) in ds.tables.items():
        required = {c.name for c in metadata.tables[name].columns if not c.nullable and c.server_default is None}
        missing = required - set(columns)
        assert not missing, f"{name}: no value for {sorted(missing)}"


def prepare(url: str) -> None:
    """A fresh scratch database at `url`, migrated to head by Alembic."""
    from alembic import command

    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(u.database + suffix).unlink(missing_ok=True)
    else:
        admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{u.database}"'))
        admin.dispose()
    command.upgrade(alembic_config(url), "head")


def drop(url: str) -> None:
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(u.database + suffix).unlink(missing_ok=True)
        return
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
    admin.dispose()


def load(url: str, ds: Dataset, chunk: int = 10_000) -> float:
    """Loads the dataset into the migrated database at `url` (a sync URL); returns seconds."""
    started = time.perf_counter()
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            for name, (columns, rows) in ds.tables.items():
                insert = metadata.tables[name].insert()
                for i in range(0, len(rows), chunk):
                    conn.execute(insert, [dict(zip(columns, r)) for r in rows[i : i + chunk]])
        with engine.connect() as conn:
            problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            assert not problems, f"foreign keys broken: {problems[:5]}"
            conn.exec_driver_sql("ANALYZE")
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    else:
        raw = engine.raw_connection()
        try:
            cur = raw.driver_connection.cursor()
            for name, (columns, rows) in ds.tables.items():
                table = metadata.tables[name]
                jsons = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
                with cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for r in rows:
                        if jsons:
                            r = list(r)
                            for i in jsons:
                                r[i] = None if r[i] is None else json.dumps(r[i])
                        copy.write_row(r)
            raw.driver_connection.commit()
            raw.driver_connection.autocommit = True
            cur.execute("VACUUM ANALYZE")
        finally:
            raw.close()
    engine.dispose()
    return time.perf_counter() - started
