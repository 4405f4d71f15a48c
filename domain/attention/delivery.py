"""The dashboard's kinds about delivery: modules whose participants' vetting is not in order
before they run, delivered modules with certificates still to issue, and webhook endpoints that
fail or were disabled (for those who manage webhooks)."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import need_to_know
from domain.access.need_to_know import internal
from domain.attention.schemas import CertificatesToIssue, FailingWebhook, ModuleBrief, VettingDue, VettingProblem
from domain.attention.scope import planned_cycles
from domain.auth.policy import WEBHOOKS_MANAGE, allowed
from domain.auth.principal import Principal, Role
from domain.catalogue.module_service import module_dates
from domain.models.catalogue import DELIVERED, ENROLLING, Module, ModuleStatus, TrainingSession, VettingType
from domain.models.certificates import Certificate, CertificateKind
from domain.models.cycles import Cycle
from domain.models.enrolment import HOLDS_SEAT, Nomination, NominationStatus
from domain.models.officers import Officer
from domain.models.vetting import Vetting, VettingStatus
from domain.models.webhooks import SubscriptionStatus, WebhookSubscription
from domain.vetting.rules import VettingFact, blocker_reason

_FACTS = (
    "id",
    "type",
    "status",
    "unit_agency_id",
    "requested_on",
    "needed_by",
    "result_on",
    "valid_from",
    "valid_until",
)
_VETTING_STAGES = (ModuleStatus.planned, *ENROLLING)


def vetting_problem(vettings: list[VettingFact], required: VettingType) -> VettingProblem:
    """Which of the dashboard's words fits a participant whose vetting blocks: the latest vetting of
    the required type is still requested (pending), approved but not valid over the module's dates
    (expiring), refused or withdrawn (failed), or there is none (missing)."""
    relevant = sorted((v for v in vettings if v.type is required), key=lambda v: (v.requested_on, str(v.id)))
    if not relevant:
        return "missing"
    latest = relevant[-1]
    if latest.status is VettingStatus.requested:
        return "pending"
    if latest.status is VettingStatus.approved:
        return "expiring"
    return "failed"


async def vettings_due(session: AsyncSession, *, principal: Principal, now: datetime) -> list[VettingDue]:
    """Modules that need vetting and have not ended, with the participants holding a seat whose
    vetting would block confirmation (domain rule 11): counted, never named here."""
    not_over = select(TrainingSession.module_id).where(TrainingSession.ends_at > now)
    stmt = internal(
        select(
            Module.id,
            Module.code,
            Module.title,
            Module.status,
            Module.vetting_required,
            Officer.id.label("officer_id"),
            Officer.agency_id,
            *(getattr(Vetting, f).label(f"v_{f}") for f in _FACTS),
        )
        .select_from(Nomination)
        .join(Module, Module.id == Nomination.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .join(Officer, Officer.id == Nomination.officer_id)
        .outerjoin(Vetting, Vetting.officer_id == Officer.id)
        .where(
            Module.vetting_required != VettingType.none,
            Module.status.in_(_VETTING_STAGES),
            Module.id.in_(not_over),
            Nomination.status.in_(HOLDS_SEAT),
            planned_cycles(principal),
        )
        .order_by(Module.code),
        "participants' units and vetting facts, for the confirmation rule: counted, nothing of a person returned",
    )
    rows = (await session.execute(stmt)).all()
    if not rows:
        return []
    modules: dict[uuid.UUID, ModuleBrief] = {}
    required: dict[uuid.UUID, VettingType] = {}
    people: dict[tuple[uuid.UUID, uuid.UUID], uuid.UUID] = {}
    facts: dict[tuple[uuid.UUID, uuid.UUID], list[VettingFact]] = defaultdict(list)
    for r in rows:
        modules.setdefault(r.id, ModuleBrief(id=r.id, code=r.code, title=r.title, status=r.status))
        required[r.id] = r.vetting_required
        people[r.id, r.officer_id] = r.agency_id
        if r.v_id is not None:
            facts[r.id, r.officer_id].append(VettingFact(**{f: getattr(r, f"v_{f}") for f in _FACTS}))
    dates = await module_dates(session, list(modules))
    problems: dict[uuid.UUID, Counter[VettingProblem]] = defaultdict(Counter)
    for (module_id, officer_id), agency_id in people.items():
        starts_on, ends_on = dates.get(module_id, (None, None))
        known = facts.get((module_id, officer_id), [])
        if blocker_reason(
            known, required=required[module_id], agency_id=agency_id, starts_on=starts_on, ends_on=ends_on
        ):
            problems[module_id][vetting_problem(known, required[module_id])] += 1
    return [
        VettingDue(
            module=module,
            vetting=required[module.id].value,
            starts_on=dates.get(module.id, (None, None))[0],
            ends_on=dates.get(module.id, (None, None))[1],
            blocking=sum(problems[module.id].values()),
            by_problem=dict(sorted(problems[module.id].items())),
        )
        for module in modules.values()
        if problems[module.id]
    ]


async def certificates_to_issue(session: AsyncSession, *, principal: Principal) -> list[CertificatesToIssue]:
    """Delivered (or closed) modules where someone who completed holds no certificate of
    attendance, among the participants the principal may issue for."""
    certified = func.count(Certificate.id)
    stmt = (
        select(
            Module.id,
            Module.code,
            Module.title,
            Module.status,
            func.count(Nomination.id).label("completed"),
            certified.label("certified"),
        )
        .select_from(Nomination)
        .join(Module, Module.id == Nomination.module_id)
        .join(Cycle, Cycle.id == Module.cycle_id)
        .outerjoin(
            Certificate,
            and_(
                Certificate.module_id == Nomination.module_id,
                Certificate.officer_id == Nomination.officer_id,
                Certificate.kind == CertificateKind.attendance,
            ),
        )
        .where(
            Nomination.status == NominationStatus.completed,
            Module.status.in_(DELIVERED),
            planned_cycles(principal),
            need_to_know.nominations(principal),
        )
        .group_by(Module.id, Module.code, Module.title, Module.status)
        .having(certified < func.count(Nomination.id))
        .order_by(Module.code)
    )
    return [
        CertificatesToIssue(
            module=ModuleBrief(id=r.id, code=r.code, title=r.title, status=r.status),
            completed=r.completed,
            certified=r.certified,
        )
        for r in (await session.execute(stmt)).all()
    ]


async def failing_webhooks(session: AsyncSession, *, principal: Principal) -> list[FailingWebhook] | None:
    """Endpoints disabled, or whose every attempt has failed since some time; None for a
    principal who does not manage webhooks (they could do nothing about it)."""
    if not allowed(principal, WEBHOOKS_MANAGE):
        return None
    stmt = select(WebhookSubscription).where(
        or_(
            WebhookSubscription.status == SubscriptionStatus.disabled,
            WebhookSubscription.failing_since.is_not(None),
        )
    )
    if principal.role is not Role.admin:
        stmt = stmt.where(WebhookSubscription.owner_id == principal.id)
    found = await session.scalars(stmt.order_by(WebhookSubscription.id))
    return [
        FailingWebhook(
            id=w.id,
            url=w.url,
            description=w.description,
            status=w.status.value,
            failing_since=w.failing_since,
            disabled_at=w.disabled_at,
            disabled_reason=w.disabled_reason,
        )
        for w in found
    ]
