"""SCIM checks a request as the REST routes do: the body (400 in SCIM, its own 422) and whether the
User exists for this client (404) before If-Match's precondition (412)."""

from __future__ import annotations

import uuid

from tests.api.scim.conftest import PATCH_OP, user


async def test_scims_patch_put_and_delete(scim_world):
    scim = scim_world["moi"]
    made = await scim.post("Users", json=user("order.user"))
    assert made.status_code == 201, made.text
    url = f"Users/{made.json()['id']}"
    stale = {"If-Match": 'W/"999"'}
    bad_patch = {"schemas": [PATCH_OP], "Operations": [{"op": "jump", "path": "title", "value": "x"}]}
    good_patch = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "title", "value": "x"}]}
    assert (await scim.patch(url, json=bad_patch, headers=stale)).status_code == 400
    assert (await scim.patch(url, json=good_patch, headers=stale)).status_code == 412
    assert (await scim.put(url, json={"schemas": [], "userName": 5}, headers=stale)).status_code == 400
    assert (await scim.put(url, json=user("order.user"), headers=stale)).status_code == 412
    assert (await scim.delete(f"Users/{uuid.uuid4()}", headers=stale)).status_code == 404
    assert (await scim.delete(url, headers=stale)).status_code == 412
