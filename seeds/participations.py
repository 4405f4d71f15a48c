"""Past participations of the demo's delivered modules, so that rosters, reports and calendars
have something to show. These modules were delivered before the system existed, so their records
are imported as history (like an HR import), not replayed through today's nomination rules."""

from __future__ import annotations

import random

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ids import uuid7
from domain.models.attendance import AbsenceCause, AbsenceReason, Assessment, AttendanceMark, AttendanceStatus
from domain.models.catalogue import Module, ModuleStatus, TrainingSession
from domain.models.enrolment import Nomination, NominationChange, NominationRole, NominationStatus
from domain.models.officers import Officer, Sex
from seeds.tally import SEED, Tally

ACTOR = SEED.name


async def load_participations(session: AsyncSession, tally: Tally) -> None:
    rng = random.Random(1447)
    modules = list(
        await session.scalars(
            select(Module).where(Module.status.in_((ModuleStatus.delivered, ModuleStatus.closed))).order_by(Module.code)
        )
    )
    counted = dict(
        (await session.execute(select(Nomination.module_id, func.count()).group_by(Nomination.module_id))).all()
    )
    officers = list(
        await session.scalars(select(Officer).where(Officer.erased_at.is_(None)).order_by(Officer.name_latin_key))
    )
    if not officers:
        return
    women = [o for o in officers if o.sex is Sex.female]
    men = [o for o in officers if o.sex is Sex.male]
    sessions_by_module: dict = {}
    for ts in await session.scalars(select(TrainingSession).order_by(TrainingSession.starts_at)):
        sessions_by_module.setdefault(ts.module_id, []).append(ts)
    for module in modules:
        if counted.get(module.id):
            tally.found("past participation", counted[module.id])
            continue
        size = min(module.capacity, len(officers))
        n_women = min(len(women), round(size * rng.uniform(0.15, 0.35)))
        people = rng.sample(women, n_women) + rng.sample(men, min(len(men), size - n_women))
        sessions = sessions_by_module.get(module.id, [])
        for officer in people:
            _participation(session, rng, module, officer, sessions)
        tally.made("past participation", len(people))
    await session.flush()


def _participation(session: AsyncSession, rng: random.Random, module: Module, officer: Officer, sessions: list) -> None:
    attended = 0
    misses = 0 if rng.random() < 0.85 else rng.randint(1, max(1, len(sessions) // 2 + 1))
    missed = set(rng.sample(range(len(sessions)), min(misses, len(sessions))))
    for i, ts in enumerate(sessions):
        if i in missed:
            no_show = rng.random() < 0.5
            session.add(
                AttendanceMark(
                    session_id=ts.id,
                    officer_id=officer.id,
                    status=AttendanceStatus.absent,
                    reason=AbsenceReason.no_show if no_show else AbsenceReason.cancellation,
                    cause=rng.choice(list(AbsenceCause)),
                    recorded_by=ACTOR,
                )
            )
        else:
            attended += 1
            status = AttendanceStatus.late if rng.random() < 0.08 else AttendanceStatus.present
            session.add(AttendanceMark(session_id=ts.id, officer_id=officer.id, status=status, recorded_by=ACTOR))
    completed = bool(sessions) and attended / len(sessions) >= module.completion_threshold
    status = NominationStatus.completed if completed else NominationStatus.not_completed
    nomination = Nomination(
        id=uuid7(),
        module_id=module.id,
        officer_id=officer.id,
        agency_id=officer.agency_id,
        role=NominationRole.participant,
        priority=100,
        status=status,
        nominated_by=ACTOR,
    )
    session.add(nomination)
    session.add_all(
        [
            NominationChange(
                nomination_id=nomination.id,
                actor_name=ACTOR,
                from_status=None,
                to_status=NominationStatus.enrolled.value,
                reason="imported from the programme's records",
            ),
            NominationChange(
                nomination_id=nomination.id,
                actor_name=ACTOR,
                from_status=NominationStatus.enrolled.value,
                to_status=status.value,
                reason=f"module delivered: attendance {attended}/{len(sessions)}",
            ),
        ]
    )
    pre = rng.randint(30, 70)
    session.add(
        Assessment(
            module_id=module.id, officer_id=officer.id, pre_test=pre, post_test=min(100, pre + rng.randint(-5, 30))
        )
    )
