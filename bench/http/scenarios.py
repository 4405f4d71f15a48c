"""What the HTTP bench asks of the API, as a user would: one entry per table row. Each builds
either a wrk script (single requests) or a load-generator spec (dependent requests, uploads)."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from seeds.names import ELDERS, FEMALE_GIVEN, MALE_GIVEN

CEILING = "/bench/ceiling"
IMPORT_ROWS = 20_000


@dataclass
class Context:
    base: str
    tokens: dict[str, str]  # role -> bearer token, signed in through POST /api/v1/auth/token
    fixture: dict
    run: int  # which server run this is (each nominates for a module of its own)
    scratch: Path

    def auth(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@dataclass
class Scripted:
    lua: str
    probe: tuple[str, str, str]  # method, path, body of a request sent once before the load


@dataclass
class Scenario:
    key: str
    route: str  # as printed in the table
    who: str  # the role whose token is sent
    tool: str  # "wrk" or "python"
    needs: tuple[str, ...] = ()  # route paths that must exist in the app, else "not available"
    path: Callable[[Context], str] | None = None  # wrk: a GET of this path
    script: Callable[[Context, int], Scripted] | None = None  # wrk, anything but a plain GET: (ctx, 0 warm-up | 1)
    spec: Callable[[Context], dict] | None = None  # python: the load generator's spec
    clients: int | None = None  # python: concurrent clients (default: --connections)
    prepare: Callable[[Context], None] | None = None  # run once per server run, before the probe


def _marks(ctx: Context, invocation: int) -> Scripted:
    """Every PUT corrects 30 marks: each wrk invocation has a set of 32 sessions of its own, primed
    "late", and sends "present" to each in turn, then "late", and so on. Going round 32 sessions,
    two PUTs of one session are never in flight together over 16 connections."""
    from bench.http.wrk import rotating_script

    sessions = ctx.fixture["attendance_session_sets"][2 * ctx.run + invocation]
    officers = ctx.fixture["attendance_officer_ids"]
    items = [
        (
            f"/api/v1/sessions/{s}/attendance",
            json.dumps({"marks": [{"officer_id": o, "status": status} for o in officers]}),
        )
        for status in ("present", "late")
        for s in sessions
    ]
    headers = ctx.auth("admin") | {"Content-Type": "application/json"}
    # The probe resends what is stored ("late"): it checks the answer and changes nothing.
    return Scripted(rotating_script("PUT", headers, items), ("PUT", *items[-1]))


def _nominations(ctx: Context) -> dict:
    return {
        "kind": "nominate_accept",
        "module_id": ctx.fixture["nomination_module_ids"][ctx.run],
        "officer_ids": ctx.fixture["officer_ids"],
        "focal_token": ctx.tokens["focal"],
        "admin_token": ctx.tokens["admin"],
    }


def import_file(path: Path, agency_id: str, rows: int = IMPORT_ROWS) -> Path:
    """An HR export of `rows` fictional officers (CSV, UTF-8), the same on every run."""
    rng = random.Random(IMPORT_ROWS)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["external_id", "full_name_ar", "name_latin", "sex", "agency_id"])
        for i in range(rows):
            female = rng.random() < 0.25
            parts = [rng.choice(FEMALE_GIVEN if female else MALE_GIVEN), *rng.sample(ELDERS, 2)]
            out.writerow(
                [
                    f"hr-{i:05d}",
                    " ".join(p[0] for p in parts),
                    " ".join(p[1] for p in parts),
                    "female" if female else "male",
                    agency_id,
                ]
            )
    return path


def _imports(ctx: Context) -> dict:
    path = import_file(ctx.scratch / "officers-import.csv", ctx.fixture["agency_id"])
    return {
        "kind": "import_plan_apply",
        "file": str(path),
        "admin_token": ctx.tokens["admin"],
        "max_ops": 3,
        "timeout": 600,
    }  # a 20,000-row plan may take minutes


SCIM_USER_NAME = "bench.officer@moi.example"


def _provision(ctx: Context) -> None:
    """The looked-up user, provisioned by the admin over SCIM (a source sees what it provisioned);
    a second server run on the same database finds it there already (409)."""
    import httpx

    ext = "urn:tadrib:params:scim:schemas:extension:officer:2.0:User"
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ext],
        "userName": SCIM_USER_NAME,
        "externalId": "BENCH-1",
        "name": {"givenName": "Bench", "familyName": "Officer"},
        ext: {"arabicName": "علي حسن كريم", "sex": "male", "agency": "MoI"},
    }
    r = httpx.post(
        ctx.base + "/scim/v2/Users",
        json=body,
        timeout=30,
        headers=ctx.auth("admin") | {"Content-Type": "application/scim+json"},
    )
    if r.status_code not in (201, 409):
        raise RuntimeError(f"SCIM provisioning answered {r.status_code}: {r.text[:300]}")


SCENARIOS = [
    Scenario(
        "module", "GET /api/v1/modules/{id}", "admin", "wrk", path=lambda c: f"/api/v1/modules/{c.fixture['module_id']}"
    ),
    Scenario("modules", "GET /api/v1/modules?limit=50", "admin", "wrk", path=lambda c: "/api/v1/modules?limit=50"),
    Scenario("me", "GET /api/v1/me", "focal", "wrk", path=lambda c: "/api/v1/me"),
    Scenario(
        "search",
        "GET /api/v1/officers?q=(Arabic) (audited)",
        "focal",
        "wrk",
        path=lambda c: f"/api/v1/officers?q={quote(c.fixture['search_q'])}",
    ),
    Scenario("nominate", "POST nomination, POST accept", "focal+admin", "python", spec=_nominations),
    Scenario("marks", "PUT /api/v1/sessions/{id}/attendance (30)", "admin", "wrk", script=_marks),
    Scenario(
        "balance", "GET /api/v1/reports/gender-balance", "admin", "wrk", path=lambda c: "/api/v1/reports/gender-balance"
    ),
    Scenario(
        "results",
        "GET /api/v1/reports/cycles/{id}/results",
        "admin",
        "wrk",
        path=lambda c: f"/api/v1/reports/cycles/{c.fixture['cycle_id']}/results",
    ),
    Scenario(
        "scim",
        "GET /scim/v2/Users?filter=userName eq",
        "admin",
        "wrk",
        needs=("/scim/v2/Users",),
        path=lambda c: "/scim/v2/Users?filter=" + quote(f'userName eq "{SCIM_USER_NAME}"'),
        prepare=_provision,
    ),
    Scenario(
        "import",
        "POST officers import 20,000 rows, apply",
        "admin",
        "python",
        clients=1,
        needs=("/api/v1/officers/imports", "/api/v1/officers/imports/{import_id}/apply"),
        spec=_imports,
    ),
]


def missing_routes(scenario: Scenario, app_paths: set[str]) -> list[str]:
    """The routes a scenario needs that the app does not have. Path parameters may be named anyhow."""

    def shape(p: str) -> str:
        return "/".join("{}" if part.startswith("{") else part for part in p.split("/"))

    have = {shape(p) for p in app_paths}
    return [p for p in scenario.needs if shape(p) not in have]
