"""Failed sign-ins are limited per user name and address (domain/auth/throttle.py), so that a
stranger guessing at the administrator's password slows only themselves: the administrator still
signs in from another address. Waiting is played by moving the recorded failures back in time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from domain.auth.passwords import hash_password
from domain.models.auth import SignInFailures, User
from tests.problems import assert_problem

PASSWORD = "correct horse battery"
STRANGER, DESK, ELSEWHERE = "203.0.113.66", "198.51.100.7", "192.0.2.44"


@pytest.fixture
async def admin(db) -> User:
    user = User(username="admin.one", password_hash=hash_password(PASSWORD), role="admin", disabled=False)
    user.programmes = []
    db.add(user)
    await db.flush()
    return user


@pytest.fixture
async def from_address(app) -> AsyncIterator:
    """from_address(ip) -> an anonymous client whose requests come from that address."""
    opened: list[httpx.AsyncClient] = []

    def _client(ip: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(ip, 40000))
        client = httpx.AsyncClient(transport=transport, base_url="http://test/api/v1")
        opened.append(client)
        return client

    yield _client
    for client in opened:
        await client.aclose()


async def sign_in(client: httpx.AsyncClient, password: str, username: str = "admin.one") -> httpx.Response:
    return await client.post("/auth/token", data={"grant_type": "password", "username": username, "password": password})


async def wait(db, seconds: float, **where: str) -> None:
    """As if `seconds` had passed since the failures recorded (those of one pair, if named)."""
    stmt = (
        select(SignInFailures)
        .where(*(getattr(SignInFailures, k) == v for k, v in where.items()))
        .execution_options(populate_existing=True)  # the app changed them since this session read them
    )
    for row in (await db.scalars(stmt)).all():
        row.last_at -= timedelta(seconds=seconds)
        if row.previous_at is not None:
            row.previous_at -= timedelta(seconds=seconds)
    await db.flush()


async def failures(db, username: str = "admin.one", address: str = STRANGER) -> int:
    row = await db.scalar(
        select(SignInFailures.failures).where(SignInFailures.username == username, SignInFailures.address == address)
    )
    return row or 0


def assert_too_soon(r: httpx.Response) -> int:
    body = assert_problem(r, 429, "/problems/too-many-requests")
    assert body["error"] == "temporarily_unavailable"
    return int(r.headers["retry-after"])


async def test_five_wrong_passwords_from_one_address_do_not_stop_the_right_one_from_another(admin, from_address):
    stranger, desk = from_address(STRANGER), from_address(DESK)
    for _ in range(5):
        assert (await sign_in(stranger, "not the password")).json()["error"] == "invalid_grant"
    assert assert_too_soon(await sign_in(stranger, PASSWORD)) >= 1  # even the right password waits there
    r = await sign_in(desk, PASSWORD)
    assert r.status_code == 200, r.text


async def test_the_waits_grow_and_every_attempt_counts_even_a_refused_one(admin, from_address, db, app):
    stranger = from_address(STRANGER)
    for _ in range(5):
        assert (await sign_in(stranger, "guess")).status_code == 400
    assert await failures(db) == 5
    assert assert_too_soon(await sign_in(stranger, "guess")) == 2  # refused, and counted: the 6th
    assert await failures(db) == 6
    await wait(db, 2)
    assert (await sign_in(stranger, "guess")).status_code == 400  # let through after its wait: the 7th
    assert assert_too_soon(await sign_in(stranger, "guess")) == 8  # the 8th: the next waits 2^3 s
    await wait(db, 7)
    assert assert_too_soon(await sign_in(stranger, "guess")) == 16  # too soon by a second: waits longer
    cap = app.state.settings.sign_in_max_delay_seconds
    await db.execute(update(SignInFailures).values(failures=60))
    assert assert_too_soon(await sign_in(stranger, "guess")) == cap == 900


async def test_the_right_password_after_the_wait_gets_in_and_forgets_only_its_own_failures(admin, from_address, db):
    stranger, elsewhere = from_address(STRANGER), from_address(ELSEWHERE)
    for _ in range(6):
        await sign_in(stranger, "guess")
    await sign_in(elsewhere, "guess")
    await wait(db, 4)
    assert (await sign_in(stranger, PASSWORD)).status_code == 200
    assert await failures(db, address=STRANGER) == 0
    assert await failures(db, address=ELSEWHERE) == 1


async def test_failures_are_forgotten_after_the_window(admin, from_address, db, app):
    stranger = from_address(STRANGER)
    for _ in range(6):
        await sign_in(stranger, "guess")
    assert (await sign_in(stranger, PASSWORD)).status_code == 429
    await wait(db, app.state.settings.sign_in_window_hours * 3600 + 1)
    for _ in range(5):  # counted from zero again: five free attempts
        assert (await sign_in(stranger, "guess")).status_code == 400
    assert await failures(db) == 5


async def test_spraying_one_password_over_many_user_names_is_capped_per_address(admin, from_address, app, monkeypatch):
    monkeypatch.setattr(app.state.settings, "sign_in_address_max_failures", 12)
    sprayer = from_address(STRANGER)
    answers = [(await sign_in(sprayer, "Summer2026!", username=f"user{i}")).status_code for i in range(14)]
    assert answers == [400] * 12 + [429] * 2  # one attempt per name: only the address cap stops it
    r = await sign_in(sprayer, PASSWORD)
    assert "from this address" in assert_problem(r, 429)["detail"]
    assert int(r.headers["retry-after"]) > 23 * 3600  # until its failures age out of the window
    assert (await sign_in(from_address(DESK), PASSWORD)).status_code == 200


async def test_a_user_name_guessed_at_from_many_addresses_slows_those_addresses_only(
    admin, from_address, db, app, monkeypatch
):
    monkeypatch.setattr(app.state.settings, "sign_in_user_name_failures", 6)
    botnet = [from_address(f"203.0.113.{i}") for i in range(1, 7)]
    for bot in botnet[:5]:
        assert (await sign_in(bot, "guess")).status_code == 400
    # Five failures in all: below the threshold, one failure from an address costs no wait.
    assert (await sign_in(botnet[0], "guess")).status_code == 400
    # Six now: an address with a failure for this name waits from its first failure.
    assert assert_too_soon(await sign_in(botnet[1], "guess")) == 2
    await wait(db, 1, address="203.0.113.3")
    assert (await sign_in(botnet[2], "guess")).status_code == 400  # after its wait, let through
    # An address with no failure for this name is never slowed down: the right password gets in.
    assert (await sign_in(botnet[5], PASSWORD)).status_code == 200
    assert (await sign_in(from_address(DESK), PASSWORD)).status_code == 200


async def test_a_machine_clients_wrong_secrets_from_one_address_do_not_stop_it_elsewhere(client, from_address):
    created = (await client.post("/clients", json={"name": "Mission HR", "scopes": ["officers:read"]})).json()
    cid, secret = created["client_id"], created["client_secret"]
    stranger, hr = from_address(STRANGER), from_address(DESK)
    grant = {"grant_type": "client_credentials"}
    for _ in range(5):
        bad = await stranger.post("/auth/token", data=grant, auth=(cid, "wrong secret"))
        assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    assert_too_soon(await stranger.post("/auth/token", data=grant, auth=(cid, secret)))
    assert (await hr.post("/auth/token", data=grant, auth=(cid, secret))).status_code == 200


async def test_an_ipv6_host_counts_by_its_64(admin, from_address, db):
    same_64 = ("2001:db8:1:2::10", "2001:db8:1:2::11", "2001:db8:1:2:ffff::1", "2001:db8:1:2::12", "2001:db8:1:2::13")
    for host in same_64:
        assert (await sign_in(from_address(host), "guess")).status_code == 400
    assert await failures(db, address="2001:db8:1:2::/64") == 5
    assert_too_soon(await sign_in(from_address("2001:db8:1:2::99"), PASSWORD))
    assert (await sign_in(from_address("2001:db8:1:3::10"), PASSWORD)).status_code == 200
