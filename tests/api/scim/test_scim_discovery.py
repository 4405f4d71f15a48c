"""What /scim/v2 says a client must send is what it then accepts, client by client: the agency is
required of an unbound client and optional for a bound one, its canonical values are the codes
that client may send; `active` is in every User and cannot be removed."""

from __future__ import annotations

from tests.api.scim.conftest import OFFICER, PATCH_OP, agency, user

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"


async def _attribute(scim, schema: str, name: str) -> dict:
    listed = await scim.get("Schemas")
    assert listed.status_code == 200, listed.text
    one = await scim.get(f"Schemas/{schema}")
    assert one.status_code == 200, one.text
    from_list = next(s for s in listed.json()["Resources"] if s["id"] == schema)
    assert from_list["attributes"] == one.json()["attributes"]  # the list and the schema agree
    return next(a for a in one.json()["attributes"] if a["name"] == name)


async def test_the_agency_is_required_exactly_of_the_clients_that_must_send_it(scim_world):
    mission, moi = scim_world["mission"], scim_world["moi"]
    unbound = await _attribute(mission, OFFICER, "agency")
    assert unbound["required"] is True
    assert (await mission.post("Users", json=user("disc.unbound"))).status_code == 400  # as published
    bound = await _attribute(moi, OFFICER, "agency")
    assert bound["required"] is False
    created = await moi.post("Users", json=user("disc.bound"))  # as published: the agency may be left out
    assert created.status_code == 201, created.text


async def test_the_canonical_agency_codes_are_those_the_client_may_send(client, scim_world):
    mission, moi, other = scim_world["mission"], scim_world["moi"], scim_world["other"]
    # A code two agencies share names neither: it is not offered (an id must be sent instead).
    await agency(client, "SCIM Twin A", "TWIN")
    await agency(client, "SCIM Twin B", "twin")
    assert (await _attribute(moi, OFFICER, "agency"))["canonicalValues"] == ["CEID", "FIIA", "SMOI"]
    assert (await _attribute(other, OFFICER, "agency"))["canonicalValues"] == ["OTHER"]
    offered = (await _attribute(mission, OFFICER, "agency"))["canonicalValues"]
    assert {"CEID", "FIIA", "SMOI", "OTHER"} <= set(offered) and not {"TWIN", "twin"} & set(offered)
    for code in ("CEID", "FIIA", "SMOI"):  # every code offered is accepted
        r = await moi.post("Users", json=user(f"canon.{code.lower()}", agency=code))
        assert r.status_code == 201 and r.json()[OFFICER]["agency"] == code, r.text
    assert (await moi.post("Users", json=user("canon.other", agency="OTHER"))).status_code == 400
    assert (await mission.post("Users", json=user("canon.twin", agency="TWIN"))).status_code == 400


async def test_active_is_always_in_a_user_and_cannot_be_removed(scim_world):
    scim = scim_world["moi"]
    published = await _attribute(scim, CORE_USER, "active")
    assert published["required"] is True and published["returned"] == "always"
    created = await scim.post("Users", json=user("active.default"))  # sent without `active`
    assert created.status_code == 201 and created.json()["active"] is True, created.text
    url = f"Users/{created.json()['id']}"
    assert (await scim.get(url)).json()["active"] is True
    assert (await scim.get(url, params={"excludedAttributes": "active"})).json()["active"] is True
    assert (await scim.get(url, params={"attributes": "userName"})).json()["active"] is True
    listed = await scim.get("Users", params={"filter": 'userName eq "active.default"'})
    assert listed.json()["Resources"][0]["active"] is True
    present = await scim.get("Users", params={"filter": "active pr"})
    assert present.json()["totalResults"] == 1

    removal = {"schemas": [PATCH_OP], "Operations": [{"op": "remove", "path": "active"}]}
    refused = await scim.patch(url, json=removal)
    assert refused.status_code == 400, refused.text
    off = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": False}]}
    assert (await scim.patch(url, json=off)).json()["active"] is False
    refused = await scim.patch(url, json=removal)  # removing it never reactivates anyone either
    assert refused.status_code == 400 and (await scim.get(url)).json()["active"] is False
