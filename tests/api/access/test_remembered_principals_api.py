"""A principal remembered between requests (domain/auth/remembered.py), through HTTP: the next
request with the same token reads nothing, and a change to the account made through this API
applies to the very next request, whatever was remembered."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from domain.auth.principal import Role
from tests.api.catalogue_data import programme  # noqa: F401  (fixture)
from tests.conftest import StatementCounter


@pytest.fixture
def kept_a_minute(app):
    """Principals remembered longer than the test takes on a busy machine (1 s by default)."""
    seconds, app.state.principals.seconds = app.state.principals.seconds, 60
    yield
    app.state.principals.seconds = seconds


@pytest.fixture
def sent(engine):
    counter = StatementCounter()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine.sync_engine, "before_cursor_execute", counter)


async def test_the_next_request_with_the_same_token_reads_no_account(sign_in, sent, kept_a_minute):
    focal = await sign_in(Role.focal_point.value)
    assert (await focal.get("/me")).status_code == 200
    sent.count = 0
    for _ in range(3):
        r = await focal.get("/me")
        assert r.status_code == 200, r.text
    assert sent.count == 0


async def test_a_change_through_the_api_applies_to_the_next_request(client, sign_in, programme, kept_a_minute):  # noqa: F811
    coordinator = await sign_in(Role.coordinator.value)
    me = (await coordinator.get("/me")).json()
    assert me["programme_ids"] == [] and (await coordinator.get("/me")).status_code == 200  # remembered now
    r = await client.patch(f"/users/{coordinator.user_id}", json={"programme_ids": [programme["id"]]})
    assert r.status_code == 200, r.text
    assert (await coordinator.get("/me")).json()["programme_ids"] == [programme["id"]]
    r = await client.patch(f"/users/{coordinator.user_id}", json={"role": "observer", "programme_ids": []})
    assert r.status_code == 200, r.text
    assert (await coordinator.get("/me")).json()["role"] == "observer"
    r = await client.patch(f"/users/{coordinator.user_id}", json={"disabled": True})
    assert r.status_code == 200, r.text
    refused = await coordinator.get("/me")
    assert refused.status_code == 401 and "invalid_token" in refused.headers["www-authenticate"]


async def test_a_client_whose_scopes_shrink_loses_them_at_the_next_request(client, machine, kept_a_minute):
    hr = await machine(["officers:read", "officers:write"])
    assert (await hr.get("/officers")).status_code == 200
    r = await client.patch(f"/clients/{hr.record_id}", json={"scopes": ["planning:read"]})
    assert r.status_code == 200, r.text
    assert (await hr.get("/officers")).status_code == 403
