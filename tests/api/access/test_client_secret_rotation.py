"""A machine client's secret is rotated with an overlap: the previous secret keeps working beside
the new one for CLIENT_SECRET_OVERLAP_HOURS, then only the new one does; or, for a leaked
secret, the previous one and every token issued with it stop at once. Audited, secrets unsaid."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update

from domain.models.auth import ApiClient
from tests.problems import assert_problem

GRANT = {"grant_type": "client_credentials"}


@pytest.fixture
async def hr(client) -> dict:
    r = await client.post("/clients", json={"name": "Mission HR", "scopes": ["officers:read"]})
    assert r.status_code == 201, r.text
    return r.json()


async def token(anonymous: httpx.AsyncClient, client_id: str, secret: str) -> httpx.Response:
    return await anonymous.post("/auth/token", data=GRANT, auth=(client_id, secret))


async def works(anonymous: httpx.AsyncClient, client_id: str, secret: str) -> bool:
    r = await token(anonymous, client_id, secret)
    assert r.status_code in (200, 401), r.text
    return r.status_code == 200


async def test_the_previous_secret_works_through_the_overlap_then_only_the_new_one(client, anonymous, hr, db):
    old = hr["client_secret"]
    before = datetime.now(UTC)
    r = await client.post(f"/clients/{hr['id']}/secret")
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    rotated = r.json()
    new = rotated["client_secret"]
    assert rotated["client_id"] == hr["client_id"] and new != old
    until = datetime.fromisoformat(rotated["previous_secret_until"])
    assert timedelta(hours=24) <= until - before <= timedelta(hours=24, minutes=1)
    shown = (await client.get(f"/clients/{hr['id']}")).json()
    assert shown["previous_secret_until"] == rotated["previous_secret_until"]
    assert await works(anonymous, hr["client_id"], old) and await works(anonymous, hr["client_id"], new)

    await db.execute(
        update(ApiClient)
        .where(ApiClient.client_id == hr["client_id"])
        .values(previous_secret_until=datetime.now(UTC) - timedelta(seconds=1))
    )
    assert not await works(anonymous, hr["client_id"], old)
    assert await works(anonymous, hr["client_id"], new)


async def test_revoking_the_previous_secret_stops_it_and_the_tokens_issued_before_at_once(client, anonymous, hr):
    old = hr["client_secret"]
    issued = (await token(anonymous, hr["client_id"], old)).json()["access_token"]
    assert (await anonymous.get("/officers", headers={"Authorization": f"Bearer {issued}"})).status_code == 200
    r = await client.post(f"/clients/{hr['id']}/secret", params={"revoke_previous": "true"})
    assert r.status_code == 200 and r.json()["previous_secret_until"] is None
    new = r.json()["client_secret"]
    assert not await works(anonymous, hr["client_id"], old)
    stale = await anonymous.get("/officers", headers={"Authorization": f"Bearer {issued}"})
    assert_problem(stale, 401)
    fresh = (await token(anonymous, hr["client_id"], new)).json()["access_token"]
    assert (await anonymous.get("/officers", headers={"Authorization": f"Bearer {fresh}"})).status_code == 200


async def test_tokens_issued_before_an_overlapping_rotation_keep_working(client, anonymous, hr):
    issued = (await token(anonymous, hr["client_id"], hr["client_secret"])).json()["access_token"]
    assert (await client.post(f"/clients/{hr['id']}/secret")).status_code == 200
    assert (await anonymous.get("/officers", headers={"Authorization": f"Bearer {issued}"})).status_code == 200


async def test_rotating_again_during_an_overlap_ends_the_oldest_secret(client, anonymous, hr):
    first = hr["client_secret"]
    second = (await client.post(f"/clients/{hr['id']}/secret")).json()["client_secret"]
    third = (await client.post(f"/clients/{hr['id']}/secret")).json()["client_secret"]
    assert not await works(anonymous, hr["client_id"], first)
    assert await works(anonymous, hr["client_id"], second) and await works(anonymous, hr["client_id"], third)


async def test_a_rotation_is_audited_without_the_secrets(client, hr):
    rotated = (await client.post(f"/clients/{hr['id']}/secret", params={"revoke_previous": "true"})).json()
    audit = (await client.get("/audit", params={"entity": "client", "entity_id": hr["id"]})).json()["items"]
    entry = next(e for e in audit if e["action"] == "secret-rotated")
    text = json.dumps(audit)
    assert rotated["client_secret"] not in text and hr["client_secret"] not in text
    assert "secret" in entry["changes"] and "tokens" in entry["changes"]


async def test_an_unknown_client_is_a_404(client):
    assert_problem(await client.post("/clients/0190a3c0-0000-7000-8000-000000000099/secret"), 404)
