"""The seed data without a database: deterministic, fictional, well scheduled."""

import uuid
from collections import Counter
from datetime import date
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from domain.officers.names import arabic_key
from seeds.demo import WEEKDAYS, session_plan, target_status, training_days
from seeds.demo_data import CYCLES, MODULES, TRAINERS, iraq_holidays
from seeds.officers import PROFILES, officer_specs
from seeds.reference import AGENCIES

BAGHDAD = ZoneInfo("Asia/Baghdad")
AGENCY_IDS = {spec.key: uuid.uuid4() for spec in AGENCIES}


def test_officers_are_the_same_on_every_run():
    first, second = officer_specs(AGENCY_IDS), officer_specs(AGENCY_IDS)
    assert [o.model_dump() for o in first] == [o.model_dump() for o in second]
    assert len(first) == sum(p.count for p in PROFILES.values()) >= 250
    assert [o.external_ids[0].id for o in first][:2] == ["officer-0001", "officer-0002"]


def test_officers_have_no_duplicate_names_within_an_agency_and_both_sexes():
    officers = officer_specs(AGENCY_IDS)
    keys = Counter((o.agency_id, arabic_key(o.full_name_ar)) for o in officers)
    assert max(keys.values()) == 1
    women = sum(o.sex == "female" for o in officers) / len(officers)
    assert 0.2 <= women <= 0.3
    assert all(
        len(o.name_latin.split()) == len(o.full_name_ar.split()) - o.full_name_ar.count("عبد ") for o in officers
    )


def _cycle(spec):
    return SimpleNamespace(
        working_days=["sunday", "monday", "tuesday", "wednesday", "thursday"],
        holidays=iraq_holidays(spec.starts_on, spec.ends_on),
    )


def test_sessions_fall_on_working_days_inside_their_cycle_and_never_overlap_a_resource():
    cycles = {c.key: c for c in CYCLES}
    trainer_ids = {k: uuid.uuid4() for k in TRAINERS}
    booked = []
    for spec in MODULES:
        cycle = cycles[spec.cycle]
        holidays = {h["date"] for h in _cycle(cycle).holidays}
        for s in session_plan(spec, _cycle(cycle), uuid.uuid4(), trainer_ids):
            local = s.starts_at.astimezone(BAGHDAD)
            day = local.date()
            assert WEEKDAYS[day.weekday()] not in ("friday", "saturday") and day.isoformat() not in holidays
            assert cycle.starts_on <= day <= cycle.ends_on
            assert 9 <= local.hour and s.ends_at.astimezone(BAGHDAD).hour <= 16
            booked.append((s.starts_at, s.ends_at, set(s.trainer_ids)))
    for i, (a_start, a_end, a_trainers) in enumerate(booked):
        for b_start, b_end, b_trainers in booked[i + 1 :]:
            assert not (a_start < b_end and b_start < a_end and a_trainers & b_trainers)


def test_holidays_cover_the_eids_and_skip_them():
    days = {h["date"]: h["name"] for h in iraq_holidays(date(2025, 1, 1), date(2025, 12, 31))}
    assert days["2025-03-30"] == days["2025-04-01"] == "Eid al-Fitr"
    assert days["2025-06-06"] == days["2025-06-09"] == "Eid al-Adha"
    spec = next(m for m in MODULES if m.code == "ILP-01")
    cycle = _cycle(next(c for c in CYCLES if c.key == "ctjust"))
    assert training_days(spec, cycle)[0] == date(2025, 1, 19)


def test_status_follows_the_dates():
    today = date(2026, 11, 23)
    assert target_status(date(2025, 1, 19), date(2025, 1, 23), today) == "delivered"
    assert target_status(date(2026, 11, 22), date(2026, 11, 26), today) == "confirmed"
    assert target_status(date(2027, 1, 10), date(2027, 1, 12), today) == "open"
    assert target_status(date(2027, 6, 1), date(2027, 6, 3), today) == "planned"
