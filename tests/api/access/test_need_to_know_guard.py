"""The guard that every API test (and the webhook worker's test) runs under (tests/need_to_know_guard.py)
catches a query on a table holding an officer's data that carries no need-to-know condition where it
counts, lets through one that does or says why not, and keeps internal() queries from selecting a
person's fields."""

from sqlalchemy import exists, func, literal, select, true, union_all
from sqlalchemy.orm import Session

from domain.access import need_to_know
from domain.access.need_to_know import NeedToKnow
from domain.auth.principal import Principal, Role
from domain.db import Base
from domain.models.attendance import AttendanceMark
from domain.models.enrolment import Nomination
from domain.models.officers import Officer
from tests.need_to_know_guard import GUARDED, NOT_WATCHED, WATCHED, NeedToKnowGuard

FOCAL = Principal(id=None, name="probe", role=Role.focal_point)


async def _bypasses(db, *statements, everywhere: bool = False) -> list[str]:
    with NeedToKnowGuard(everywhere=everywhere) as guard:
        for stmt in statements:
            await db.execute(stmt)
    return guard.bypasses


def test_every_table_holding_an_officers_data_is_watched_or_named_with_a_reason():
    expected = {
        "officers",
        "officer_external_ids",
        "provisioning_links",
        "nominations",
        "nomination_history",
        "attendance_marks",
        "attendance_history",
        "assessments",
        "certificates",
        "vettings",
        "import_rows",
        # A participation's supervisor, its survey links and (through them) the answers: every read
        # is scoped, or internal() for a link holder's own and for the worker (domain/surveys).
        "survey_supervisors",
        "survey_invitations",
        "survey_responses",
        "survey_answers",
    }
    assert expected <= WATCHED
    about_officers = {
        t.name for t in Base.metadata.sorted_tables if "officer_id" in t.c or "target_id" in t.c or t.name in WATCHED
    }
    assert about_officers - WATCHED == set(NOT_WATCHED) & about_officers
    assert all(reason for reason in NOT_WATCHED.values())


async def test_an_unscoped_read_of_each_watched_table_is_caught(db):
    db.info[GUARDED] = True
    tables = [Base.metadata.tables[name] for name in sorted(WATCHED)]
    caught = await _bypasses(db, *(select(func.count()).select_from(t) for t in tables))
    assert len(caught) == len(tables)
    scoped = await _bypasses(
        db, *(select(func.count()).select_from(t).where(NeedToKnow("probe", true())) for t in tables)
    )
    assert scoped == []


async def test_a_condition_counts_in_where_or_on_never_as_a_column(db):
    db.info[GUARDED] = True
    visible = need_to_know.officers(FOCAL)
    caught = await _bypasses(
        db,
        select(Officer.name_latin),
        select(Officer.name_latin, visible.label("visible")),  # every row comes back, marked
        select(Nomination.id).where(exists(select(visible.label("v")).where(Officer.id == Nomination.officer_id))),
        select(literal(1)).select_from(union_all(select(Officer.id).where(visible), select(Officer.id)).subquery()),
        select(AttendanceMark.id),
    )
    assert len(caught) == 5
    passed = await _bypasses(
        db,
        select(Officer.name_latin).where(visible),
        select(Nomination.id).where(need_to_know.nominations(FOCAL)),
        select(Nomination.id).join(Officer, (Officer.id == Nomination.officer_id) & visible),
        select(literal(1)).select_from(
            union_all(select(Officer.id).where(visible), select(Officer.id).where(visible)).subquery()
        ),
        need_to_know.internal(select(func.count(Officer.id)), "a count for the probe"),
    )
    assert passed == []


async def test_internal_queries_select_no_persons_fields(db):
    db.info[GUARDED] = True
    caught = await _bypasses(
        db,
        need_to_know.internal(select(Officer.id, Officer.name_latin), "names are not the system's own business"),
        need_to_know.internal(select(Officer), "nor whole officers"),
    )
    assert len(caught) == 2 and "name_latin" in caught[0]
    assert (
        await _bypasses(db, need_to_know.internal(select(Officer.id, Officer.agency_id, Officer.sex), "ids and sex"))
        == []
    )


async def test_everywhere_the_guard_watches_sessions_the_tests_did_not_mark(db):
    """The webhook worker opens its own sessions: its test runs the guard everywhere."""
    unmarked = db  # no GUARDED flag
    assert await _bypasses(unmarked, select(Officer.name_latin)) == []
    assert len(await _bypasses(unmarked, select(Officer.name_latin), everywhere=True)) == 1
    assert isinstance(unmarked.sync_session, Session)
