"""Browser tests: Debian's Chromium, headless, driven by Playwright for Python (its wheel carries
the driver; nothing downloads a browser: never `playwright install`). One server and one browser
per test session: the app served by uvicorn in a thread on a scratch database of its own, with
committed data arranged through the services.

Chromium missing: outside CI these tests are skipped, saying how to install it
(`apt-get install chromium chromium-driver fonts-noto-core`); in CI (.ci/run sets
TADRIB_BROWSER_TESTS=required) a missing Chromium fails them. `make test-browser` runs them alone."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from api.main import create_app
from domain.agencies.schemas import AgencyCreate
from domain.agencies.service import create_agency
from domain.auth.passwords import hash_password
from domain.auth.principal import Role
from domain.catalogue.module_service import create_module
from domain.catalogue.resources import create_trainer
from domain.catalogue.schemas import ModuleCreate, SessionCreate, TrainerCreate
from domain.catalogue.session_service import create_session
from domain.cycles.schemas import CycleCreate
from domain.cycles.service import create_cycle
from domain.db import make_engine, make_sessionmaker, utcnow
from domain.models.auth import User
from domain.models.catalogue import Discipline
from domain.models.enrolment import Nomination, NominationRole, NominationStatus
from domain.officers.schemas import OfficerCreate
from domain.officers.service import create_officer
from domain.programmes.schemas import ProgrammeCreate
from domain.programmes.service import create_programme
from domain.settings import Settings
from tests.api.catalogue_data import ARRANGER, cycle_body, module_body
from tests.conftest import _TMP, ROOT, make_settings, migrate, scratch_database
from tests.servers import serving

CHROMIUM = Path("/usr/bin/chromium")
REQUIRED = os.environ.get("TADRIB_BROWSER_TESTS") == "required"
SCREENSHOTS = ROOT / "screenshots"
PASSWORD = "browser-trainer-2026"
PARTICIPANTS = 40
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists() or REQUIRED:
        return
    skip = pytest.mark.skip(
        reason="Chromium is not installed (apt-get install chromium chromium-driver fonts-noto-core); "
        "in CI (TADRIB_BROWSER_TESTS=required) this is a failure"
    )
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(skip)


async def _arrange(url: str) -> SimpleNamespace:
    """A cycle running now, a trainer with a password, a module of 40 participants with a session
    that started half an hour ago and one that starts tomorrow; committed."""
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as db:
        db.add(Discipline(code="ilp", label_en="Intelligence-led policing"))
        programme = await create_programme(
            db,
            principal=ARRANGER,
            data=ProgrammeCreate(name="Browser programme", acronym="BRW", implementer="Test", funding_sources=[]),
        )
        today = utcnow().date()
        cycle = await create_cycle(
            db,
            principal=ARRANGER,
            data=CycleCreate.model_validate(
                cycle_body(
                    str(programme.id),
                    starts_on=str(today - timedelta(days=365)),
                    ends_on=str(today + timedelta(days=365)),
                    holidays=[],
                )
            ),
        )
        agency = await create_agency(
            db,
            principal=ARRANGER,
            data=AgencyCreate(name_en="Federal Police", name_ar="الشرطة الاتحادية", kind="police"),
        )
        trainer = await create_trainer(
            db, principal=ARRANGER, data=TrainerCreate(name="Browser Trainer", organisation="T")
        )
        module = await create_module(
            db, principal=ARRANGER, data=ModuleCreate(**module_body(str(cycle.id), "BRW-01", capacity=PARTICIPANTS))
        )
        now = utcnow().replace(second=0, microsecond=0)
        sessions = []
        for title, start in (("Day 1", now - timedelta(minutes=30)), ("Day 2", now + timedelta(days=1))):
            made, _ = await create_session(
                db,
                principal=ARRANGER,
                module_id=module.id,
                data=SessionCreate(
                    title=title, starts_at=start, ends_at=start + timedelta(hours=3), trainer_ids=[trainer.id]
                ),
            )
            sessions.append(made.id)
        given = ["علي", "حسن", "زينب", "مريم", "عمر", "فاطمة", "خالد", "سارة"]
        latin = ["Ali", "Hassan", "Zainab", "Maryam", "Omar", "Fatima", "Khalid", "Sara"]
        officers = []
        for i in range(PARTICIPANTS):
            officer = await create_officer(
                db,
                principal=ARRANGER,
                data=OfficerCreate(
                    agency_id=agency.id,
                    full_name_ar=f"{given[i % 8]} جاسم {i:02d}",
                    name_latin=f"{latin[i % 8]} Jasim {i:02d}",
                    sex="female" if i % 4 == 2 else "male",
                ),
            )
            officers.append(officer.id)
            db.add(
                Nomination(
                    module_id=module.id,
                    officer_id=officer.id,
                    agency_id=agency.id,
                    role=NominationRole.participant,
                    status=NominationStatus.enrolled,
                    nominated_by="test",
                )
            )
        user = User(
            username="trainer.browser", password_hash=hash_password(PASSWORD), role=Role.trainer, trainer_id=trainer.id
        )
        user.programmes = []
        admin = User(username="admin.browser", password_hash="!", role=Role.admin)
        admin.programmes = []
        db.add_all([user, admin])
        await db.commit()
        world = SimpleNamespace(session_id=sessions[0], tomorrow_id=sessions[1], officers=officers, admin_id=admin.id)
    await engine.dispose()
    return world


@pytest.fixture(scope="session")
def browser_database() -> Iterator[str]:
    with scratch_database(f"browser_{uuid.uuid4().hex[:6]}") as url:
        migrate(url)
        yield url


@pytest.fixture(scope="session")
async def site(browser_database: str) -> AsyncIterator[SimpleNamespace]:
    world = await _arrange(browser_database)
    settings = make_settings(browser_database)
    app = create_app(settings)
    token, _ = app.state.keyring.issue_access_token(subject=f"user:{world.admin_id}", claims={"role": "admin", "cv": 1})
    with serving(app) as base:
        yield SimpleNamespace(
            base=base, api=f"{base}/api/v1", admin={"Authorization": f"Bearer {token}"}, **vars(world)
        )


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is required here (TADRIB_BROWSER_TESTS=required): apt-get install chromium")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def tablet(chromium) -> AsyncIterator[object]:
    """A fresh, empty profile at a tablet's width (768 px), collecting the page's errors."""
    context = await chromium.new_context(viewport={"width": 768, "height": 1024}, locale="en-GB")
    page = await context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.on("console", lambda m: page.problems.append(m.text) if m.type in ("error", "warning") else None)
    yield page
    await context.close()


def screenshot_path(name: str) -> str:
    SCREENSHOTS.mkdir(exist_ok=True)
    return str(SCREENSHOTS / f"{name}.png")
