"""The coordinator's desk at work: two CT PHARE modules, dated from the day the seed first runs, that
put at least one item of every kind on the demo coordinator's "needs attention" dashboard (and the
administrator's), each resolvable from the page it links to:

- PHARE-05 (open): its nomination deadline in four days with the Higher Judicial Council's quota
  not filled; five nominations awaiting a decision (the Ministry of Interior's quota one seat from
  full, so that a second of its nominees is offered the waitlist); two waiting in line; only men
  on its roster (below the 30 % target); its second day, within the fortnight, has no trainer.
- PHARE-06 (open, courtesy vetting): two participants' vetting still requested and one expiring
  before the module ends; a preparatory briefing that double-books PHARE-05's first-day trainer
  (kept with a reason: THE DEMO'S CLASHING SESSION, which the planner shows too), and a field
  visit on a Friday (a calendar warning).
- A webhook endpoint of the administrator's, disabled.

These dates follow the real day even when the rest of the demo is loaded for another one.

Sessions held without attendance (PHARE-LIVE, seeds/live.py) and delivered modules without
certificates come with the rest of the demo. Everything goes through the services; a later run
finds the modules (and the endpoint) and changes nothing."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from ipaddress import ip_network
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.auth.principal import Principal, Role
from domain.catalogue.module_service import create_module
from domain.catalogue.schemas import ModuleCreate, ModuleTransition, SessionCreate
from domain.catalogue.session_service import create_session
from domain.enrolment.nominations import create_nomination, decide
from domain.enrolment.quotas import put_quotas
from domain.enrolment.schemas import Decision, NominationCreate, QuotaSet, QuotasPut
from domain.lifecycle.service import transition_module
from domain.models.auth import User
from domain.models.catalogue import Module, ModuleFormat, ModuleStatus, VettingType
from domain.models.cycles import Cycle
from domain.models.officers import Officer, Sex
from domain.models.webhooks import WebhookSubscription
from domain.vetting.schemas import VettingCreate, VettingUpdate
from domain.vetting.service import create_vetting, update_vetting
from domain.webhooks.schemas import WebhookCreate, WebhookUpdate
from domain.webhooks.service import create_webhook, update_webhook
from seeds.tally import SEED, Tally

TZ = ZoneInfo("Asia/Baghdad")
VICTIMS = "PHARE-05"
DILIGENCE = "PHARE-06"
CLASH_REASON = "Kept for now: the trainer's travel dates are being confirmed with the embassy."
HOOK_URL = "http://127.0.0.1:9/mission-hr/tadrib-events"


def working_day(cycle: Cycle, day: date) -> date:
    """`day`, or the first working day after it that is not a listed holiday."""
    holidays = {h["date"] for h in cycle.holidays}
    while day.strftime("%A").lower() not in cycle.working_days or day.isoformat() in holidays:
        day += timedelta(days=1)
    return day


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=TZ)


def slot(title: str, day: date, start: str, end: str, venue: uuid.UUID, trainers: list[uuid.UUID]) -> SessionCreate:
    return SessionCreate(
        title=title, starts_at=at(day, start), ends_at=at(day, end), venue_id=venue, trainer_ids=trainers
    )


async def load_desk(
    session: AsyncSession,
    tally: Tally,
    cycles: dict[str, Cycle],
    venues: dict[str, uuid.UUID],
    trainers: dict[str, uuid.UUID],
    agencies: dict[str, uuid.UUID],
) -> None:
    """Dated from the real day, whatever day the rest of the demo is loaded for (tests pin one):
    the nomination rules read the clock, and the dashboard is about today."""
    today = datetime.now(TZ).date()
    cycle = cycles["phare"]
    stored = set(
        await session.scalars(
            select(Module.code).where(Module.cycle_id == cycle.id, Module.code.in_([VICTIMS, DILIGENCE]))
        )
    )
    if stored:
        tally.found("desk module", len(stored))
    else:
        people = await _people(session, agencies)
        first = working_day(cycle, today + timedelta(days=9))
        await _victims(session, cycle, venues, trainers, agencies, people, today, first)
        await _diligence(session, cycle, venues, trainers, people, today, first)
        tally.made("desk module", 2)
    await _disabled_hook(session, tally)


async def _people(session: AsyncSession, agencies: dict[str, uuid.UUID]) -> dict[tuple[str, Sex], list[uuid.UUID]]:
    """Fictional officers of the demo, by agency key and sex, in a fixed order."""
    keys = {v: k for k, v in agencies.items()}
    found: dict[tuple[str, Sex], list[uuid.UUID]] = {}
    rows = await session.execute(
        select(Officer.id, Officer.agency_id, Officer.sex)
        .where(Officer.erased_at.is_(None), Officer.agency_id.in_(list(agencies.values())))
        .order_by(Officer.name_latin_key, Officer.id)
    )
    for officer_id, agency_id, sex in rows:
        found.setdefault((keys[agency_id], Sex(sex)), []).append(officer_id)
    return found


async def _focal_point(session: AsyncSession, agencies: dict[str, uuid.UUID]) -> Principal:
    """The demo's Ministry of Interior focal point nominates its officers (seeds/accounts.py)."""
    user = await session.scalar(select(User).where(User.username == "focal.moi"))
    if user is None:
        return SEED
    return Principal(id=user.id, name=user.username, role=Role.focal_point, agency_id=agencies["moi"])


async def _nominate(
    session: AsyncSession, principal: Principal, module_id: uuid.UUID, officer_id: uuid.UUID, decision: str | None
) -> None:
    made = await create_nomination(
        session, principal=principal, module_id=module_id, data=NominationCreate(officer_id=officer_id)
    )
    if decision is not None:
        await decide(session, principal=SEED, nomination_id=made.id, data=Decision(decision=decision))


async def _victims(
    session: AsyncSession,
    cycle: Cycle,
    venues: dict[str, uuid.UUID],
    trainers: dict[str, uuid.UUID],
    agencies: dict[str, uuid.UUID],
    people: dict[tuple[str, Sex], list[uuid.UUID]],
    today: date,
    first: date,
) -> None:
    module = await create_module(
        session,
        principal=SEED,
        data=ModuleCreate(
            cycle_id=cycle.id,
            code=VICTIMS,
            title="Rights of victims of terrorism: a workshop for investigators",
            discipline="human-rights",
            format=ModuleFormat.workshop,
            capacity=10,
            venue_id=venues["euam"],
            languages=["ar", "en"],
            interpretation=True,
            nomination_deadline=at(today + timedelta(days=4), "16:00"),
        ),
    )
    second = working_day(cycle, first + timedelta(days=1))
    for data in (
        slot(
            "Day 1: Victims' rights in the criminal process",
            first,
            "09:00",
            "12:30",
            venues["euam"],
            [trainers["iij-rights"]],
        ),
        slot("Day 2: Interviewing victims and witnesses", second, "09:00", "12:30", venues["euam"], []),
    ):
        await create_session(session, principal=SEED, module_id=module.id, data=data)
    for status in (ModuleStatus.planned, ModuleStatus.open):
        await transition_module(session, principal=SEED, module_id=module.id, data=ModuleTransition(to=status))
    await put_quotas(
        session,
        principal=SEED,
        module_id=module.id,
        data=QuotasPut(
            quotas=[QuotaSet(agency_id=agencies["moi"], seats=4), QuotaSet(agency_id=agencies["hjc"], seats=3)]
        ),
    )
    focal = await _focal_point(session, agencies)
    men, women = people[("fp", Sex.male)], people[("ceid", Sex.female)]
    for officer_id in men[:3]:  # three of the Ministry's four seats taken, by men
        await _nominate(session, focal, module.id, officer_id, "accept")
    await _nominate(session, SEED, module.id, people[("hjc", Sex.male)][0], "accept")
    await _nominate(session, SEED, module.id, people[("inis", Sex.female)][0], "waitlist")
    await _nominate(session, focal, module.id, men[3], "waitlist")
    # Awaiting a decision, oldest first: two of the Ministry's women, one of its men, a judge, an analyst.
    await _nominate(session, focal, module.id, women[0], None)
    await _nominate(session, focal, module.id, men[4], None)
    await _nominate(session, focal, module.id, women[1], None)
    await _nominate(session, SEED, module.id, people[("hjc", Sex.female)][0], None)
    await _nominate(session, SEED, module.id, people[("inis", Sex.male)][0], None)


async def _diligence(
    session: AsyncSession,
    cycle: Cycle,
    venues: dict[str, uuid.UUID],
    trainers: dict[str, uuid.UUID],
    people: dict[tuple[str, Sex], list[uuid.UUID]],
    today: date,
    first_of_victims: date,
) -> None:
    module = await create_module(
        session,
        principal=SEED,
        data=ModuleCreate(
            cycle_id=cycle.id,
            code=DILIGENCE,
            title="Human-rights due diligence in security cooperation: vetting in practice",
            discipline="human-rights",
            format=ModuleFormat.workshop,
            capacity=12,
            venue_id=venues["judicial"],
            languages=["ar", "en"],
            interpretation=True,
            vetting_required=VettingType.courtesy,
            nomination_deadline=at(today + timedelta(days=15), "16:00"),
        ),
    )
    day_one = working_day(cycle, today + timedelta(days=20))
    day_two = working_day(cycle, day_one + timedelta(days=1))
    friday = day_two + timedelta(days=(4 - day_two.weekday()) % 7 or 7)
    briefing = slot(
        "Preparatory briefing", first_of_victims, "10:00", "11:30", venues["judicial"], [trainers["iij-rights"]]
    )
    briefing.override_reason = CLASH_REASON
    plan = [
        briefing,
        slot(
            "Day 1: Due-diligence policies and their tests",
            day_one,
            "09:00",
            "12:30",
            venues["judicial"],
            [trainers["iij-justice"]],
        ),
        slot(
            "Day 2: Vetting files: a case exercise",
            day_two,
            "09:00",
            "12:30",
            venues["judicial"],
            [trainers["iij-justice"]],
        ),
        slot(
            "Field visit: a reception centre", friday, "09:00", "12:00", venues["judicial"], [trainers["iij-justice"]]
        ),
    ]
    for data in plan:
        await create_session(session, principal=SEED, module_id=module.id, data=data)
    for status in (ModuleStatus.planned, ModuleStatus.open):
        await transition_module(session, principal=SEED, module_id=module.id, data=ModuleTransition(to=status))
    pending = people[("moj", Sex.male)][:2]
    expiring = people[("hchr", Sex.female)][0]
    valid = people[("hchr", Sex.female)][1]
    for officer_id in [*pending, expiring, valid]:
        await _nominate(session, SEED, module.id, officer_id, "accept")
    for officer_id in pending:
        await _vetting(session, officer_id, module.id, requested=today - timedelta(days=10), needed=day_one)
    await _vetting(
        session,
        expiring,
        module.id,
        requested=today - timedelta(days=375),
        needed=None,
        result=today - timedelta(days=360),
    )
    await _vetting(
        session, valid, module.id, requested=today - timedelta(days=30), needed=None, result=today - timedelta(days=20)
    )


async def _vetting(
    session: AsyncSession,
    officer_id: uuid.UUID,
    module_id: uuid.UUID,
    *,
    requested: date,
    needed: date | None,
    result: date | None = None,
) -> None:
    """A courtesy vetting requested on `requested`; approved on `result` (valid one year from it)."""
    made = await create_vetting(
        session,
        principal=SEED,
        officer_id=officer_id,
        data=VettingCreate(
            type="courtesy",
            requested_on=requested,
            needed_by=needed or requested + timedelta(days=14),
            module_id=module_id,
        ),
    )
    if result is not None:
        await update_vetting(
            session,
            principal=SEED,
            vetting_id=made.id,
            data=VettingUpdate(status="approved", result_on=result),
            expected_version=None,
        )


async def _disabled_hook(session: AsyncSession, tally: Tally) -> None:
    """The administrator's endpoint for a mission HR system, disabled: the dashboard's webhook item."""
    admin = await session.scalar(select(User).where(User.username == "admin"))
    if admin is None:
        return
    if await session.scalar(select(WebhookSubscription.id).where(WebhookSubscription.url == HOOK_URL)):
        tally.found("disabled webhook")
        return
    owner = Principal(id=admin.id, name=admin.username, role=Role.admin)
    hook, _ = await create_webhook(
        session,
        principal=owner,
        data=WebhookCreate(
            url=HOOK_URL,
            description="Mission HR system: participations and certificates (receiver being replaced)",
            event_types=["nomination.decided", "certificate.issued"],
        ),
        allowed_networks=[ip_network("127.0.0.0/8")],
    )
    await update_webhook(
        session,
        principal=owner,
        webhook_id=hook.id,
        data=WebhookUpdate(enabled=False),
        expected_version=None,
        allowed_networks=[ip_network("127.0.0.0/8")],
    )
    tally.made("disabled webhook")
