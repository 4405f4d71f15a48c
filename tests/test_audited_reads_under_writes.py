"""A focal point's officer list is an audited read: it writes an audit row. On the embedded SQLite
default such reads used to fail with "database is locked" beside writes (39 of 40 answered 500).
Now: 40 concurrent audited reads beside 40 concurrent writes, through a real server with real
threads, answer only 2xx, and every read left its audit row. On both databases."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from api.main import create_app
from domain.auth.principal import Role
from domain.db import sync_url
from domain.models.agencies import Agency
from domain.models.audit import AuditEntry
from domain.models.catalogue import Venue
from domain.models.officers import Officer, Sex
from domain.officers.names import arabic_key, latin_key
from tests.conftest import make_settings, migrate, scratch_database
from tests.servers import account, http_client, serving

READS = WRITES = 40


@pytest.fixture(scope="module")
def world():
    with scratch_database("audited_reads") as url:
        migrate(url)
        app = create_app(make_settings(url))
        engine = create_engine(sync_url(url))
        with Session(engine) as s:
            agency_id = uuid.uuid4()
            s.add(
                Agency(
                    id=agency_id,
                    path=f"/{agency_id}/",
                    name_en="Federal Police (test)",
                    name_ar="الشرطة الاتحادية",
                    kind="police",
                    country="IQ",
                )
            )
            s.flush()
            for i in range(30):
                name_ar, name_latin = f"ضابط رقم {i}", f"Officer Number {i}"
                s.add(
                    Officer(
                        agency_id=agency_id,
                        full_name_ar=name_ar,
                        full_name_ar_key=arabic_key(name_ar),
                        name_latin=name_latin,
                        name_latin_key=latin_key(name_latin),
                        sex=Sex.female if i % 3 else Sex.male,
                    )
                )
            s.commit()
        focal_id, focal = account(url, app, Role.focal_point, agency_id=agency_id)
        _, admin = account(url, app, Role.admin)
        with serving(app) as base:
            yield base + "/api/v1", focal_id, focal, admin, engine
        engine.dispose()


def test_audited_reads_beside_writes_answer_2xx_and_keep_every_audit_row(world):
    base, focal_id, focal, admin, engine = world

    def read(i: int) -> int:
        with http_client(base, headers=focal, timeout=60) as c:
            return c.get("/officers", params={"q": "ضابط", "limit": 10 + i % 5}).status_code

    def write(i: int) -> int:
        with http_client(base, headers=admin, timeout=60) as c:
            return c.post("/venues", json={"name": f"Hall {i} (test)", "city": "Baghdad", "capacity": 20}).status_code

    with ThreadPoolExecutor(max_workers=READS + WRITES) as pool:
        reads = [pool.submit(read, i) for i in range(READS)]
        writes = [pool.submit(write, i) for i in range(WRITES)]
        statuses = [f.result() for f in reads], [f.result() for f in writes]
    assert statuses == ([200] * READS, [201] * WRITES)
    with Session(engine) as s:
        logged = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.actor_id == focal_id, AuditEntry.action == "read", AuditEntry.entity == "officer")
        )
        venues = s.scalar(select(func.count()).select_from(Venue))
    assert (logged, venues) == (READS, WRITES)
