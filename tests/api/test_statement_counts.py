"""Queries that do not grow: every list route sends the same number of SQL statements for a list
of 1 row and for a list of 200 (issue 12, item 4). Counted on the test engine with a
`before_cursor_execute` listener (the `statements` fixture); the rows are inserted with Core-speed
bulk INSERTs (`insert(Model)`), not through HTTP. Each listed row carries what a row can carry
(external ids, prerequisites, trainers, marks...), so that a query per row would show."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.principal import Role
from domain.ids import uuid7
from domain.models.agencies import Agency
from domain.models.attendance import AttendanceMark, AttendanceStatus
from domain.models.audit import AuditEntry
from domain.models.auth import ApiClient, User
from domain.models.catalogue import (
    Discipline,
    Module,
    ModuleFormat,
    ModuleStatus,
    Trainer,
    TrainingSession,
    Venue,
    VettingType,
    module_prerequisites,
    session_trainers,
)
from domain.models.certificates import Certificate, CertificateKind
from domain.models.cycles import Cycle
from domain.models.enrolment import Nomination, NominationRole, NominationStatus
from domain.models.officers import Officer, OfficerExternalId, ProvisioningLink, Sex
from domain.models.programmes import Programme
from domain.models.vetting import Vetting
from domain.officers.writes import name_keys

SMALL, LARGE = 1, 200
_serial = itertools.count()
SignIn = Callable[..., Awaitable[httpx.AsyncClient]]


def _tag() -> str:
    return f"sc{next(_serial)}x{uuid.uuid4().hex[:6]}"


async def _rows(db: AsyncSession, model: Any, rows: list[dict]) -> list[uuid.UUID]:
    """Bulk INSERT of `rows` (ids drawn here); returns the ids in order."""
    for row in rows:
        row.setdefault("id", uuid7())
    if rows:
        await db.execute(insert(model), rows)
    return [r["id"] for r in rows]


async def _programme(db: AsyncSession) -> uuid.UUID:
    t = _tag()
    return (await _rows(db, Programme, [{"name": f"Programme {t}", "acronym": t, "implementer": "Test implementer"}]))[
        0
    ]


async def _cycle(db: AsyncSession, programme_id: uuid.UUID | None = None) -> uuid.UUID:
    programme_id = programme_id or await _programme(db)
    return (
        await _rows(
            db,
            Cycle,
            [
                {
                    "programme_id": programme_id,
                    "partner_country": "IQ",
                    "title": f"Cycle {_tag()}",
                    "starts_on": date(2024, 1, 1),
                    "ends_on": date(2026, 12, 31),
                }
            ],
        )
    )[0]


async def _agency(db: AsyncSession, parent_path: str = "") -> tuple[uuid.UUID, str]:
    agency_id = uuid7()
    path = f"{parent_path or '/'}{agency_id}/"
    await _rows(
        db,
        Agency,
        [
            {
                "id": agency_id,
                "path": path,
                "name_en": f"Agency {_tag()}",
                "name_ar": "جهة اختبار",
                "kind": "police",
                "country": "IQ",
                "parent_id": None if not parent_path else uuid.UUID(parent_path.rstrip("/").split("/")[-1]),
            }
        ],
    )
    return agency_id, path


async def _officers(db: AsyncSession, agency_id: uuid.UUID, n: int) -> list[uuid.UUID]:
    """n officers, each with two external ids."""
    t = _tag()
    people = []
    for i in range(n):
        full_name_ar, name_latin = f"ضابط اختبار {i}", f"Officer {t} {i:03d}"
        people.append(
            {
                "agency_id": agency_id,
                "full_name_ar": full_name_ar,
                "name_latin": name_latin,
                "sex": Sex.female if i % 3 == 0 else Sex.male,
                **name_keys(full_name_ar, name_latin),
            }
        )
    ids = await _rows(db, Officer, people)
    await _rows(
        db,
        OfficerExternalId,
        [
            {"officer_id": o, "agency_id": agency_id, "source": source, "external_id": f"{source}-{t}-{i}"}
            for i, o in enumerate(ids)
            for source in ("mission-hr", "invest")
        ],
    )
    return ids


async def _discipline(db: AsyncSession) -> str:
    code = _tag()
    await db.execute(insert(Discipline), [{"code": code, "label_en": f"Discipline {code}"}])
    return code


async def _modules(
    db: AsyncSession,
    cycle_id: uuid.UUID,
    n: int,
    *,
    prerequisite: uuid.UUID | None = None,
    status: ModuleStatus = ModuleStatus.draft,
    capacity: int = 300,
) -> list[uuid.UUID]:
    discipline, t = await _discipline(db), _tag()
    ids = await _rows(
        db,
        Module,
        [
            {
                "cycle_id": cycle_id,
                "code": f"{t}-{i:03d}",
                "title": f"Module {t} {i}",
                "discipline": discipline,
                "format": ModuleFormat.course,
                "capacity": capacity,
                "status": status,
            }
            for i in range(n)
        ],
    )
    if prerequisite is not None:
        await db.execute(insert(module_prerequisites), [{"module_id": m, "prerequisite_id": prerequisite} for m in ids])
    return ids


async def _sessions(
    db: AsyncSession, module_id: uuid.UUID, n: int, *, trainer: uuid.UUID | None = None, venue: uuid.UUID | None = None
) -> list[uuid.UUID]:
    first = datetime(2025, 2, 2, 6, tzinfo=UTC)
    ids = await _rows(
        db,
        TrainingSession,
        [
            {
                "module_id": module_id,
                "title": f"Session {i}",
                "venue_id": venue,
                "starts_at": first + timedelta(days=i),
                "ends_at": first + timedelta(days=i, hours=3),
            }
            for i in range(n)
        ],
    )
    if trainer is not None:
        await db.execute(insert(session_trainers), [{"session_id": s, "trainer_id": trainer} for s in ids])
    return ids


async def _nominations(
    db: AsyncSession,
    module_id: uuid.UUID,
    agency_id: uuid.UUID,
    officer_ids: list[uuid.UUID],
    status: NominationStatus = NominationStatus.enrolled,
) -> list[uuid.UUID]:
    return await _rows(
        db,
        Nomination,
        [
            {
                "module_id": module_id,
                "officer_id": o,
                "agency_id": agency_id,
                "role": NominationRole.participant,
                "nominated_by": "test",
                "status": status,
                "priority": 1,
            }
            for o in officer_ids
        ],
    )


async def _trainer(db: AsyncSession, name: str | None = None) -> uuid.UUID:
    return (await _rows(db, Trainer, [{"name": name or f"Trainer {_tag()}", "organisation": "Test academy"}]))[0]


async def _venue(db: AsyncSession, name: str | None = None) -> uuid.UUID:
    return (await _rows(db, Venue, [{"name": name or f"Venue {_tag()}", "city": "Baghdad", "capacity": 30}]))[0]


@dataclass
class Listing:
    client: httpx.AsyncClient
    url: str
    params: dict[str, Any]
    items: Callable[[Any], list]  # the listed rows in the answer


def _page(body: Any) -> list:
    return body["items"]


# --- the lists: arrange(db, sign_in, n) -> a listing of exactly n rows ---------------------------


async def programmes(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    t = _tag()
    await _rows(
        db,
        Programme,
        [
            {
                "name": f"Counted {t} {i}",
                "acronym": f"{t}-{i}",
                "implementer": "Test",
                "funding_sources": [{"donor": "EU", "instrument": "NDICI"}],
            }
            for i in range(n)
        ],
    )
    return Listing(await sign_in("admin"), "/programmes", {"q": t, "limit": LARGE}, _page)


async def cycles(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    programme_id = await _programme(db)
    for _ in range(n):
        await _cycle(db, programme_id)
    return Listing(await sign_in("admin"), "/cycles", {"programme_id": str(programme_id), "limit": LARGE}, _page)


async def agencies(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    parent, path = await _agency(db)
    for _ in range(n):
        await _agency(db, path)
    return Listing(await sign_in("admin"), "/agencies", {"parent_id": str(parent), "limit": LARGE}, _page)


async def officers(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    agency_id, _ = await _agency(db)
    await _officers(db, agency_id, n)
    return Listing(await sign_in("admin"), "/officers", {"agency_id": str(agency_id), "limit": LARGE}, _page)


async def officers_as_focal_point(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    """The need-to-know filter (the agency subtree) is in the same one query."""
    agency_id, path = await _agency(db)
    unit, _ = await _agency(db, path)
    await _officers(db, unit, n)
    return Listing(await sign_in("focal_point", agency_id=agency_id), "/officers", {"limit": LARGE}, _page)


async def shared_keys(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    """n external ids, each carried by an officer of two agencies: the keys grouped in SQL, then their officers."""
    t = _tag()
    for _ in range(2):
        agency_id, _path = await _agency(db)
        ids = await _officers(db, agency_id, n)
        await _rows(
            db,
            OfficerExternalId,
            [
                {"officer_id": o, "agency_id": agency_id, "source": "shared-hr", "external_id": f"{t}-{i}"}
                for i, o in enumerate(ids)
            ],
        )
    return Listing(await sign_in("admin"), "/officers/shared-keys", {"limit": LARGE}, _page)


async def modules(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    cycle_id = await _cycle(db)
    (prerequisite,) = await _modules(db, await _cycle(db), 1)
    await _modules(db, cycle_id, n, prerequisite=prerequisite)
    return Listing(await sign_in("admin"), "/modules", {"cycle_id": str(cycle_id), "limit": LARGE}, _page)


async def sessions(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    (module_id,) = await _modules(db, await _cycle(db), 1)
    await _sessions(db, module_id, n, trainer=await _trainer(db), venue=await _venue(db))
    return Listing(await sign_in("admin"), f"/modules/{module_id}/sessions", {"limit": LARGE}, _page)


async def _enrolled(
    db: AsyncSession,
    n: int,
    *,
    status: NominationStatus = NominationStatus.enrolled,
    module_status: ModuleStatus = ModuleStatus.open,
) -> tuple[uuid.UUID, uuid.UUID, list[uuid.UUID]]:
    """A module with n nominations of one agency's officers: (module, agency, officers)."""
    agency_id, _ = await _agency(db)
    (module_id,) = await _modules(db, await _cycle(db), 1, status=module_status)
    officer_ids = await _officers(db, agency_id, n)
    await _nominations(db, module_id, agency_id, officer_ids, status)
    return module_id, agency_id, officer_ids


async def nominations(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    module_id, _, _ = await _enrolled(db, n)
    return Listing(await sign_in("admin"), f"/modules/{module_id}/nominations", {"limit": LARGE}, _page)


async def waitlist(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    module_id, _, _ = await _enrolled(db, n, status=NominationStatus.waitlisted)
    return Listing(await sign_in("admin"), f"/modules/{module_id}/waitlist", {}, lambda body: body)


async def roster(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    module_id, _, officer_ids = await _enrolled(db, n, module_status=ModuleStatus.confirmed)
    session_ids = await _sessions(db, module_id, 2)
    await _rows(
        db,
        AttendanceMark,
        [
            {"session_id": s, "officer_id": o, "status": AttendanceStatus.present, "recorded_by": "test"}
            for s in session_ids
            for o in officer_ids
        ],
    )
    return Listing(await sign_in("admin"), f"/modules/{module_id}/roster", {}, lambda body: body["participants"])


async def attendance(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    module_id, _, officer_ids = await _enrolled(db, n, module_status=ModuleStatus.confirmed)
    (session_id,) = await _sessions(db, module_id, 1)
    await _rows(
        db,
        AttendanceMark,
        [
            {"session_id": session_id, "officer_id": o, "status": AttendanceStatus.late, "recorded_by": "test"}
            for o in officer_ids
        ],
    )
    return Listing(await sign_in("admin"), f"/sessions/{session_id}/attendance", {}, lambda body: body["marks"])


async def venues(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    t = _tag()
    for i in range(n):
        await _venue(db, f"Hall {t} {i}")
    return Listing(await sign_in("admin"), "/venues", {"q": t, "limit": LARGE}, _page)


async def trainers(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    t = _tag()
    for i in range(n):
        await _trainer(db, f"Trainer {t} {i}")
    return Listing(await sign_in("admin"), "/trainers", {"q": t, "limit": LARGE}, _page)


async def users(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    agency_id, _ = await _agency(db)
    await _rows(
        db,
        User,
        [
            {"username": f"{_tag()}-{i}", "password_hash": "!", "role": Role.focal_point, "agency_id": agency_id}
            for i in range(n)
        ],
    )
    return Listing(await sign_in("admin"), "/users", {"agency_id": str(agency_id), "limit": LARGE}, _page)


async def clients(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    agency_id, _ = await _agency(db)
    await _rows(
        db,
        ApiClient,
        [
            {
                "client_id": f"tc_{_tag()}",
                "name": f"HR {i}",
                "secret_hash": "!",
                "scopes": ["officers:read"],
                "agency_id": agency_id,
                "disabled": True,
            }
            for i in range(n)
        ],
    )
    return Listing(await sign_in("admin"), "/clients", {"disabled": "true", "limit": LARGE}, _page)


async def audit(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    entity_id = _tag()
    await _rows(
        db,
        AuditEntry,
        [
            {
                "actor_name": "test",
                "action": "updated",
                "entity": "module",
                "entity_id": entity_id,
                "changes": {"title": ["before", "after"]},
            }
            for _ in range(n)
        ],
    )
    return Listing(await sign_in("admin"), "/audit", {"entity_id": entity_id, "limit": LARGE}, _page)


async def certificates(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    module_id, _, officer_ids = await _enrolled(
        db, n, status=NominationStatus.completed, module_status=ModuleStatus.delivered
    )
    now = datetime.now(UTC)
    await _rows(
        db,
        Certificate,
        [
            {
                "module_id": module_id,
                "officer_id": o,
                "kind": CertificateKind.attendance,
                "verification_code": _tag(),
                "holder_initials": "O. T.",
                "credential": "x.y.z",
                "issued_at": now,
            }
            for o in officer_ids
        ],
    )
    return Listing(await sign_in("admin"), "/certificates", {"module_id": str(module_id), "limit": LARGE}, _page)


async def vettings(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    agency_id, _ = await _agency(db)
    (officer_id,) = await _officers(db, agency_id, 1)
    await _rows(
        db,
        Vetting,
        [
            {
                "officer_id": officer_id,
                "type": VettingType.leahy,
                "unit_agency_id": agency_id,
                "requested_on": date(2025, 1, 1) + timedelta(days=i),
            }
            for i in range(n)
        ],
    )
    return Listing(await sign_in("admin"), f"/officers/{officer_id}/vettings", {"limit": LARGE}, _page)


async def scim_users(db: AsyncSession, sign_in: SignIn, n: int) -> Listing:
    """SCIM's list: the officers this source provisioned (here an administrator's own source)."""
    username = f"admin-{_tag()}"
    agency_id, _ = await _agency(db)
    officer_ids = await _officers(db, agency_id, n)
    await _rows(
        db,
        ProvisioningLink,
        [
            {
                "officer_id": o,
                "agency_id": agency_id,
                "source": f"scim:user:{username}",
                "external_id": f"ext-{i}",
                "display_name": f"Officer {i}",
            }
            for i, o in enumerate(officer_ids)
        ],
    )
    return Listing(
        await sign_in("admin", username=username),
        "http://test/scim/v2/Users",
        {"count": LARGE},
        lambda body: body.get("Resources", []),
    )


LISTS = [
    programmes,
    cycles,
    agencies,
    officers,
    officers_as_focal_point,
    shared_keys,
    modules,
    sessions,
    nominations,
    waitlist,
    roster,
    attendance,
    venues,
    trainers,
    users,
    clients,
    audit,
    certificates,
    vettings,
    scim_users,
]


async def _count(statements, listing: Listing) -> tuple[int, int]:
    statements.count = 0
    r = await listing.client.get(listing.url, params=listing.params)
    assert r.status_code == 200, r.text
    return statements.count, len(listing.items(r.json()))


@pytest.mark.parametrize("arrange", LISTS, ids=[f.__name__ for f in LISTS])
async def test_a_list_of_200_costs_the_statements_of_a_list_of_1(arrange, db, sign_in, statements):
    # Each list is counted before the next is arranged (a list without a filter of its own, such
    # as the disabled clients, then shows exactly what was arranged so far).
    few, n_small = await _count(statements, await arrange(db, sign_in, SMALL))
    many, n_large = await _count(statements, await arrange(db, sign_in, LARGE - SMALL if arrange is clients else LARGE))
    assert (n_small, n_large) == (SMALL, LARGE)
    assert few == many, f"{arrange.__name__}: {few} statements for {SMALL} row, {many} for {LARGE}"
