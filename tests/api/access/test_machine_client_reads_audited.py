"""A machine client's reads of personal data are logged like a focal point's: who, which filter,
how many rows, whether read through the REST routes, SCIM or the change feed."""

from __future__ import annotations

import pytest

from tests.api.catalogue_data import cycle, disciplines, programme  # noqa: F401  (fixtures)
from tests.api.enrolment_data import agency, nominate, officer, open_module

SCIM = "http://test/scim/v2/"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
OFFICER_EXT = "urn:tadrib:params:scim:schemas:extension:officer:2.0:User"


async def _reads(client, actor_name: str) -> list[tuple[str, int]]:
    log = await client.get("/audit", params={"action": "read", "actor_name": actor_name, "limit": 200})
    assert log.status_code == 200, log.text
    return [(e["entity"], e["row_count"]) for e in log.json()["items"]]


@pytest.fixture
async def world(client, cycle):  # noqa: F811
    moi = await agency(client, "Audited Ministry")
    person = await officer(client, moi, external_ids=[{"source": "mission-hr", "id": "AUD-1"}])
    module = await open_module(client, cycle["id"], "AUD-01")
    nomination = (await nominate(client, module["id"], person)).json()
    return {"moi": moi, "officer": person, "module": module["id"], "nomination": nomination["id"]}


@pytest.mark.parametrize("bound", [True, False], ids=["bound", "unbound"])
async def test_every_read_of_personal_data_by_a_machine_client_is_logged(client, machine, world, bound):
    scopes = ["officers:read", "nominations:read", "certificates:read", "events:read"]
    hr = await machine(scopes, agency_id=world["moi"] if bound else None)
    reads = [
        ("/officers", "officer"),
        (f"/officers/{world['officer']}", "officer"),
        (f"/modules/{world['module']}/nominations", "nomination"),
        (f"/nominations/{world['nomination']}", "nomination"),
        (f"/nominations/{world['nomination']}/history", "nomination_history"),
        (f"/modules/{world['module']}/waitlist", "waitlist"),
        ("/certificates", "certificate"),
        ("/events", "events"),
    ]
    for path, _ in reads:
        r = await hr.get(path)
        assert r.status_code == 200, (path, r.text)
    logged = await _reads(client, f"client:{hr.client_id}")
    assert [entity for entity, _ in logged] == [entity for _, entity in reads]
    assert logged[0] == ("officer", 1) and logged[1] == ("officer", 1) and logged[2] == ("nomination", 1)


async def test_scim_reads_by_a_machine_client_are_logged(client, machine, world):
    scim = await machine(["scim"], agency_id=world["moi"], base_url=SCIM)
    ext = {"arabicName": "علي حسن كريم", "sex": "male"}
    made = await scim.post("Users", json={"schemas": [USER, OFFICER_EXT], "userName": "aud.one", OFFICER_EXT: ext})
    assert made.status_code == 201, made.text
    assert (await scim.get(f"Users/{made.json()['id']}")).status_code == 200
    assert (await scim.get("Users", params={"filter": 'userName eq "aud.one"'})).json()["totalResults"] == 1
    assert await _reads(client, f"client:{scim.client_id}") == [("scim_user", 1), ("scim_user", 1)]
