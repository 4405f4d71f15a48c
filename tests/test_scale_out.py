"""Scale out (issue 12, item 5): the same workflow (plan a module, nominate, decide, mark
attendance, deliver, report) played through one API process, then split across two, each
request going to the next process in turn, gives the same results.

The processes are real: `python -m api.serve` (the production command, docs/operations.md "Serving
with N workers") in subprocesses on free loopback ports, on a scratch PostgreSQL database of their own,
sharing the signing key; they are stopped at the end whatever happens. PostgreSQL only: several
API processes are a PostgreSQL deployment (on SQLite docs/operations.md keeps one process)."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from domain.auth.principal import Role
from domain.auth.tokens import KeyRing
from domain.db import is_sqlite
from tests.conftest import _TMP, DATABASE_URL, ROOT, make_settings, migrate, scratch_database
from tests.servers import account, free_port, http_client

pytestmark = pytest.mark.skipif(
    is_sqlite(DATABASE_URL),
    reason="several API processes are a PostgreSQL deployment; SQLite serves one process (docs/operations.md)",
)

START_TIMEOUT_S = 60
KEY_DIR = _TMP / "scale-out-keys"


@contextmanager
def api_processes(url: str, count: int) -> Iterator[list[str]]:
    """`count` processes of `python -m api.serve` on free loopback ports until the block ends,
    started together; yields their base URLs once every one answers /healthz."""
    env = {**os.environ, "DATABASE_URL": url, "KEY_DIR": str(KEY_DIR), "GENERATE_KEYS": "true"}
    started: list[tuple[subprocess.Popen, str, Path]] = []
    try:
        for _ in range(count):
            port = free_port()
            log = _TMP / f"scale-out-{port}.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "api.serve", "--host", "127.0.0.1", "--port", str(port)],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            started.append((proc, f"http://127.0.0.1:{port}", log))
        deadline = time.monotonic() + START_TIMEOUT_S
        with http_client(timeout=2) as probe:
            for proc, base, log in started:
                while True:
                    try:
                        if probe.get(base + "/healthz").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the API process did not start:\n{log.read_text()[-2000:]}")
                    time.sleep(0.1)
        yield [base + "/api/v1" for _, base, _ in started]
    finally:
        for proc, _, _ in started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc, _, _ in started:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture(scope="module")
def deployment():
    """A migrated scratch database, an administrator's token, and two API processes on it."""
    with scratch_database("scale_out") as url:
        migrate(url)
        keyring = KeyRing(make_settings(url, key_dir=KEY_DIR))  # the processes share this key
        _, admin = account(url, SimpleNamespace(state=SimpleNamespace(keyring=keyring)), Role.admin)
        with api_processes(url, 2) as bases:
            yield bases, admin


class RoundRobin:
    """Each request to the next process in turn."""

    def __init__(self, bases: list[str], headers: dict[str, str]):
        self.clients = [http_client(b, headers=headers, timeout=60) for b in bases]
        self._next = itertools.cycle(self.clients)
        self.served: dict[str, int] = {str(c.base_url): 0 for c in self.clients}

    def __call__(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        client = next(self._next)
        self.served[str(client.base_url)] += 1
        r = client.request(method, path, **kwargs)
        assert r.status_code == expect, (method, path, r.status_code, r.text)
        return r.json() if r.content else None

    def close(self) -> None:
        for c in self.clients:
            c.close()


OFFICERS = [
    ("female", "زينب عباس"),
    ("male", "علي حسن"),
    ("female", "مريم كاظم"),
    ("male", "عمر جاسم"),
    ("male", "خالد ناصر"),
    ("female", "سارة حميد"),
]


def play(call: RoundRobin) -> dict[str, Any]:
    """The workflow; returns what a user would read at the end, without the ids and names that
    differ from one play to the next."""
    tag = uuid.uuid4().hex[:8]
    programme = call(
        "POST", "/programmes", 201, json={"name": f"Scale-out {tag}", "acronym": f"SO-{tag}", "implementer": "Test"}
    )
    cycle = call(
        "POST",
        "/cycles",
        201,
        json={
            "programme_id": programme["id"],
            "partner_country": "IQ",
            "title": f"Cycle {tag}",
            "starts_on": "2025-01-01",
            "ends_on": "2025-12-31",
            "female_share_target": 0.4,
        },
    )
    _discipline(call)
    agency = call(
        "POST",
        "/agencies",
        201,
        json={"name_en": f"Police {tag}", "name_ar": "الشرطة", "kind": "police", "country": "IQ"},
    )
    officer_ids = [
        call(
            "POST",
            "/officers",
            201,
            json={
                "agency_id": agency["id"],
                "full_name_ar": f"{name} {i}",
                "name_latin": f"Officer {tag} {i}",
                "sex": sex,
            },
        )["id"]
        for i, (sex, name) in enumerate(OFFICERS)
    ]
    module = call(
        "POST",
        "/modules",
        201,
        json={
            "cycle_id": cycle["id"],
            "code": f"ILP-{tag}",
            "title": "ILP",
            "discipline": "ilp",
            "format": "course",
            "capacity": 4,
        },
    )
    sessions = [
        call(
            "POST",
            f"/modules/{module['id']}/sessions",
            201,
            json={
                "title": f"Day {d}",
                "starts_at": f"2025-02-0{d}T09:00:00+03:00",
                "ends_at": f"2025-02-0{d}T13:00:00+03:00",
            },
        )["id"]
        for d in (2, 3)
    ]
    for to in ("planned", "open"):
        call("POST", f"/modules/{module['id']}/transitions", json={"to": to})
    decisions = []
    for officer_id in officer_ids:
        nomination = call("POST", f"/modules/{module['id']}/nominations", 201, json={"officer_id": officer_id})
        decided = call(
            "POST", f"/nominations/{nomination['id']}/decision", json={"decision": "accept", "on_full": "waitlist"}
        )
        decisions.append(decided["nomination"]["status"])
    call("POST", f"/modules/{module['id']}/transitions", json={"to": "confirmed"})
    enrolled = [o for o, status in zip(officer_ids, decisions) if status == "enrolled"]
    call(
        "PUT",
        f"/sessions/{sessions[0]}/attendance",
        json={"marks": [{"officer_id": o, "status": "present"} for o in enrolled]},
    )
    no_show = {"status": "absent", "reason": "no_show", "cause": "unknown"}
    call(
        "PUT",
        f"/sessions/{sessions[1]}/attendance",
        json={"marks": [{"officer_id": o} | ({"status": "present"} if i else no_show) for i, o in enumerate(enrolled)]},
    )
    call("POST", f"/modules/{module['id']}/transitions", json={"to": "delivered"})
    roster = call("GET", f"/modules/{module['id']}/roster")
    balance = call("GET", "/reports/gender-balance", params={"cycle_id": cycle["id"], "group_by": "module"})
    results = call("GET", f"/reports/cycles/{cycle['id']}/results")
    return {"decisions": decisions, "roster": figures(roster), "balance": figures(balance), "results": figures(results)}


def _discipline(call: RoundRobin) -> None:
    client = next(call._next)
    r = client.post("/disciplines", json={"code": "ilp", "label_en": "Intelligence-led policing"})
    assert r.status_code in (201, 409), r.text  # 409: the other play made it


def figures(body: Any, path: str = "") -> list[tuple[str, Any]]:
    """The numbers, booleans and statuses of an answer, by where they sit (list positions left
    out, then sorted): the figures a reader compares, without ids, names and times."""
    out: list[tuple[str, Any]] = []
    if isinstance(body, dict):
        for key, value in body.items():
            out += figures(value, f"{path}.{key}")
    elif isinstance(body, list):
        for value in body:
            out += figures(value, f"{path}[]")
    elif isinstance(body, bool | int | float) or body is None:
        out.append((path, body))
    elif isinstance(body, str) and path.endswith((".status", ".sex", ".completed", ".discipline", ".format")):
        out.append((path, body))
    return sorted(out, key=repr)


def test_a_workflow_split_across_two_api_processes_gives_the_results_of_one(deployment):
    bases, admin = deployment
    one, two = RoundRobin(bases[:1], admin), RoundRobin(bases, admin)
    try:
        alone, split = play(one), play(two)
    finally:
        one.close()
        two.close()
    assert alone["decisions"] == ["enrolled"] * 4 + ["waitlisted"] * 2
    assert split == alone
    assert min(two.served.values()) >= 15, two.served  # both processes did their share of the work


def test_an_account_disabled_through_one_process_is_refused_by_the_other_within_the_recheck(deployment):
    """Each process remembers a principal for PRINCIPAL_RECHECK_SECONDS (domain/auth/remembered.py):
    a change made through another process applies there within that time, never later."""
    bases, admin = deployment
    recheck = make_settings(DATABASE_URL).principal_recheck_seconds
    name, password = f"observer-{uuid.uuid4().hex[:8]}", "a long enough password 2026"
    with http_client(bases[0], headers=admin, timeout=30) as first, http_client(bases[1], timeout=30) as second:
        made = first.post("/users", json={"username": name, "password": password, "role": "observer"})
        assert made.status_code == 201, made.text
        signed_in = second.post("/auth/token", data={"grant_type": "password", "username": name, "password": password})
        assert signed_in.status_code == 200, signed_in.text
        token = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        assert second.get("/me", headers=token).status_code == 200  # the second process remembers it now
        r = first.patch(f"/users/{made.json()['id']}", json={"disabled": True})
        assert r.status_code == 200, r.text
        disabled_at = time.monotonic()
        while True:
            sent_at = time.monotonic()  # a slow answer on a busy machine does not count against the server
            answer = second.get("/me", headers=token)
            if answer.status_code != 200:
                break
            assert sent_at - disabled_at < recheck + 0.5, "still accepted past the recheck"
            time.sleep(0.05)
        assert answer.status_code == 401, answer.text
        assert first.get("/me", headers=token).status_code == 401  # the process that made the change: at once
