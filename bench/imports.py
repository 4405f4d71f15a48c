"""python -m bench imports [--rows 20000] [--databases sqlite,postgresql] [--keep]

Plans and applies an import of 20,000 fictional officers through HTTP, against a uvicorn server
(the production command) on a scratch database, and times it against a raw executemany of the
same rows (officers and their external ids, the two tables the import fills) on the same
database. Prints the times and the ratio; writes the results JSON under bench/results/. The
scratch databases (names ending in _scim_bench) are dropped at the end unless --keep. Never run
by the tests; every request is bounded (10 minutes)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.http.scenarios import import_file
from bench.http.server import serve
from domain.agencies.schemas import AgencyCreate
from domain.agencies.service import create_agency
from domain.auth.passwords import hash_password
from domain.auth.principal import Principal
from domain.db import make_engine, make_sessionmaker, sync_url
from domain.models.agencies import AgencyKind
from domain.models.auth import ApiClient
from domain.officers.names import arabic_key, latin_key

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PG_URL = "postgresql://postgres@127.0.0.1:5432/tadrib_imports_scim_bench"
SQLITE_PATH = Path(tempfile.gettempdir()) / "tadrib-bench" / "imports_scim_bench.db"
AIM = 3.0
SECRET = "bench-imports-secret-0123456789"


def _fresh(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    u = make_url(sync_url(url))
    assert u.database and u.database.endswith("_scim_bench"), "scratch databases only"
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{u.database}"'))
    admin.dispose()


def _drop(url: str) -> None:
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(make_url(url).database) + suffix).unlink(missing_ok=True)
        return
    u = make_url(sync_url(url))
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
    admin.dispose()


async def _prepare(url: str) -> tuple[str, str]:
    """An agency and a machine client with imports:write; returns (agency id, client id)."""
    from alembic import command

    from api.startup import alembic_config

    command.upgrade(alembic_config(sync_url(url)), "head")
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        agency = await create_agency(
            session,
            principal=Principal.system("bench"),
            data=AgencyCreate(name_en="Bench Ministry", name_ar="وزارة القياس", kind=AgencyKind.ministry, country="IQ"),
        )
        client = ApiClient(
            client_id=f"tc_bench{uuid.uuid4().hex[:8]}",
            name="bench HR",
            secret_hash=hash_password(SECRET),
            scopes=["imports:write", "officers:read"],
            disabled=False,
        )
        session.add(client)
        await session.commit()
        ids = str(agency.id), client.client_id
    await engine.dispose()
    return ids


def _through_http(base: str, client_id: str, path: Path) -> dict:
    with httpx.Client(base_url=base, timeout=600) as http:
        token = http.post("/api/v1/auth/token", data={"grant_type": "client_credentials"}, auth=(client_id, SECRET))
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        began = time.perf_counter()
        planned = http.post(
            "/api/v1/officers/imports",
            params={"source": "bench-hr"},
            headers=headers,
            files={"file": ("officers.csv", path.read_bytes(), "text/csv")},
        )
        planned.raise_for_status()
        plan_s = time.perf_counter() - began
        plan = planned.json()
        began = time.perf_counter()
        applied = http.post(
            f"/api/v1/officers/imports/{plan['id']}/apply", headers=headers, json={"plan_hash": plan["plan_hash"]}
        )
        applied.raise_for_status()
        apply_s = time.perf_counter() - began
        return {
            "plan_s": round(plan_s, 3),
            "apply_s": round(apply_s, 3),
            "total_s": round(plan_s + apply_s, 3),
            "counts": plan["counts"],
            "written": applied.json()["result"]["written"],
            "plan_bytes": len(planned.content),
        }


def _raw_rows(path: Path, agency_id: str, source: str = "raw-hr") -> tuple[list[tuple], list[tuple]]:
    """The file's rows as the two INSERTs take them (new ids and external ids: the import's own stay)."""
    import csv

    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    officers, external = [], []
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            officer_id = uuid.uuid4().hex
            officers.append(
                (
                    officer_id,
                    agency_id.replace("-", ""),
                    row["full_name_ar"],
                    arabic_key(row["full_name_ar"]),
                    row["name_latin"],
                    latin_key(row["name_latin"]),
                    "{}",
                    row["sex"],
                    now,
                    now,
                    1,
                )
            )
            external.append((uuid.uuid4().hex, officer_id, agency_id.replace("-", ""), source, row["external_id"]))
    return officers, external


AUDIT_SQL = "INSERT INTO audit_log (id, at, actor_id, actor_name, action, entity, entity_id, changes) VALUES ({p})"
OUTBOX_SQL = (
    "INSERT INTO outbox_events (id, occurred_at, type, entity, entity_id, resource_seq, officer_id, agency_id, "
    "payload) VALUES ({p})"
)
OFFICERS_SQL = (
    "INSERT INTO officers (id, agency_id, full_name_ar, full_name_ar_key, name_latin, name_latin_key, name_parts, "
    "sex, created_at, updated_at, version) VALUES ({p})"
)
EXTERNAL_SQL = "INSERT INTO officer_external_ids (id, officer_id, agency_id, source, external_id) VALUES ({p})"


def _ledger_rows(officers: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """An audit entry and an outbox event per officer, as every write of the product leaves."""
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    audit = [
        (
            uuid.uuid4().hex,
            now,
            None,
            "bench",
            "created",
            "officer",
            o[0],
            json.dumps(
                {
                    "full_name_ar": {"before": None, "after": o[2]},
                    "name_latin": {"before": None, "after": o[4]},
                    "sex": {"before": None, "after": o[7]},
                },
                ensure_ascii=False,
            ),
        )
        for o in officers
    ]
    outbox = [
        (
            uuid.uuid4().hex,
            now,
            "officer.created",
            "officer",
            o[0],
            1,
            o[0],
            o[1],
            json.dumps({"agency_id": str(o[1]), "active": True}),
        )
        for o in officers
    ]
    return audit, outbox


def _raw_executemany(url: str, officers: list[tuple], external: list[tuple], ledger: bool = False) -> float:
    audit, outbox = _ledger_rows(officers) if ledger else ([], [])
    if url.startswith("sqlite"):
        conn = sqlite3.connect(make_url(url).database, isolation_level=None)
        began = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(OFFICERS_SQL.format(p=", ".join("?" * 11)), officers)
        conn.executemany(EXTERNAL_SQL.format(p="?, ?, ?, ?, ?"), external)
        if ledger:
            conn.executemany(AUDIT_SQL.format(p=", ".join("?" * 8)), audit)
            conn.executemany(OUTBOX_SQL.format(p=", ".join("?" * 9)), outbox)
        conn.execute("COMMIT")
        elapsed = time.perf_counter() - began
        conn.close()
        return elapsed
    import psycopg

    u = make_url(sync_url(url))
    with psycopg.connect(host=u.host, port=u.port, user=u.username, password=u.password, dbname=u.database) as conn:
        began = time.perf_counter()
        with conn.cursor() as cur:
            cur.executemany(OFFICERS_SQL.format(p=", ".join(["%s"] * 11)), [o[:6] + (o[6],) + o[7:] for o in officers])
            cur.executemany(EXTERNAL_SQL.format(p="%s, %s, %s, %s, %s"), external)
            if ledger:
                cur.executemany(AUDIT_SQL.format(p=", ".join(["%s"] * 8)), audit)
                cur.executemany(OUTBOX_SQL.format(p=", ".join(["%s"] * 9)), outbox)
        conn.commit()
        return time.perf_counter() - began


def run(database: str, url: str, rows: int, keep: bool, scratch: Path) -> dict:
    _fresh(url)
    try:
        agency_id, client_id = asyncio.run(_prepare(url))
        path = import_file(scratch / f"officers-{database}.csv", agency_id, rows)
        with serve(
            {"DATABASE_URL": url, "KEY_DIR": str(scratch / "keys")}, 1, scratch / f"server-{database}.log", timeout=120
        ) as server:
            http = _through_http(server.base, client_id, path)
        raw_s = _raw_executemany(url, *_raw_rows(path, agency_id))
        # The same rows with the ledger every write of the product leaves (an audit entry and an outbox event each).
        ledger_s = _raw_executemany(url, *_raw_rows(path, agency_id, source="raw-hr-ledger"), ledger=True)
        return {
            "database": database,
            "rows": rows,
            **http,
            "raw_executemany_s": round(raw_s, 3),
            "raw_with_ledger_s": round(ledger_s, 3),
            "load_average_1m": round(os.getloadavg()[0], 2),
            "ratio": round(http["total_s"] / raw_s, 1),
            "apply_ratio": round(http["apply_s"] / raw_s, 1),
            "ratio_with_ledger": round(http["total_s"] / ledger_s, 1),
        }
    finally:
        if not keep:
            _drop(url)


def table(results: list[dict]) -> str:
    lines = [
        "| database | rows | plan (HTTP) | apply (HTTP) | plan + apply | raw executemany | ratio | apply / raw "
        "| raw + ledger | ratio to it |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['rows']:,} | {r['plan_s']:.2f} s | {r['apply_s']:.2f} s | {r['total_s']:.2f} s | "
            f"{r['raw_executemany_s']:.2f} s | {r['ratio']}x | {r['apply_ratio']}x | {r['raw_with_ledger_s']:.2f} s | "
            f"{r['ratio_with_ledger']}x |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench imports")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="tadrib-bench-imports-"))
    urls = {"sqlite": f"sqlite:///{SQLITE_PATH}", "postgresql": args.pg_url}
    results = [run(db, urls[db], args.rows, args.keep, scratch) for db in args.databases.split(",")]
    print(table(results))
    print(
        f"aim: plan + apply within {AIM:.0f}x of the raw executemany; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores (the machine is shared)"
    )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{datetime.now(UTC):%Y-%m-%d}-imports.json"
    out.write_text(
        json.dumps(
            {
                "bench": "imports",
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "aim_ratio": AIM,
                "cores": os.cpu_count(),
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(ROOT)}")
    return 0
