"""The request shapes Microsoft Entra ID and Okta really send (../shared/integration.md) give the
same stored result as the canonical RFC 7644 forms."""

from __future__ import annotations

import pytest

from tests.api.scim.conftest import ENTERPRISE, OFFICER, PATCH_OP, USER, user

COMPARED = ("userName", "displayName", "title", "active", "name", "emails", ENTERPRISE)


def _ops(*ops: dict) -> dict:
    return {"schemas": [PATCH_OP], "Operations": list(ops)}


async def _provision(scim, user_name: str) -> dict:
    r = await scim.post(
        "Users",
        json=user(
            user_name,
            emails=[{"value": f"{user_name}@home.example", "type": "home"}],
            name={"givenName": "Ali", "familyName": "Hassan"},
            active=True,
        ),
    )
    assert r.status_code == 201, r.text
    return r.json()


async def _state(scim, user_id: str) -> dict:
    r = await scim.get(f"Users/{user_id}")
    assert r.status_code == 200, r.text
    body = r.json()
    return {k: body.get(k) for k in COMPARED if k != "userName"}


CASES = {
    "deactivate": (
        [{"op": "Replace", "path": "active", "value": "False"}],  # Entra: capitalised op, boolean as a string
        [{"op": "replace", "path": "active", "value": False}],
    ),
    "deactivate without a path (Okta)": (
        [{"op": "replace", "value": {"active": False}}],
        [{"op": "replace", "path": "active", "value": False}],
    ),
    "names and attributes in any case, dotted keys, a stray id": (
        [
            {
                "op": "Replace",
                "value": {
                    "id": "{id}",
                    "name.givenName": "Alaa",
                    "DisplayName": "Alaa H",
                    f"{ENTERPRISE}:department": "Forensics",
                    "Active": "True",
                },
            }
        ],
        [
            {"op": "replace", "path": "name.givenName", "value": "Alaa"},
            {"op": "replace", "path": "displayName", "value": "Alaa H"},
            {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Forensics"},
            {"op": "replace", "path": "active", "value": True},
        ],
    ),
    "a work e-mail through a value-filtered path that matches nothing yet": (
        [{"op": "Add", "path": 'emails[type eq "work"].value', "value": "ali@work.example"}],
        [{"op": "add", "path": "emails", "value": [{"value": "ali@work.example", "type": "work"}]}],
    ),
    "remove with a value selecting the entry (Entra)": (
        [{"op": "Remove", "path": "emails", "value": [{"value": "{user}@home.example"}]}],
        [{"op": "remove", "path": 'emails[value eq "{user}@home.example"]'}],
    ),
    "add for a change that replace would make": (
        [{"op": "Add", "path": "title", "value": "Investigator"}],
        [{"op": "replace", "path": "title", "value": "Investigator"}],
    ),
}


def _fill(ops: list[dict], user_id: str, user_name: str) -> list[dict]:
    import json

    return json.loads(json.dumps(ops).replace("{id}", user_id).replace("{user}", user_name))


@pytest.mark.parametrize("case", list(CASES))
async def test_identity_provider_patch_shapes_match_the_canonical_forms(scim_world, case):
    scim = scim_world["moi"]
    quirky, canonical = CASES[case]
    a, b = await _provision(scim, "quirk.a"), await _provision(scim, "quirk.b")
    ra = await scim.patch(f"Users/{a['id']}", json=_ops(*_fill(quirky, a["id"], "quirk.a")))
    rb = await scim.patch(f"Users/{b['id']}", json=_ops(*_fill(canonical, b["id"], "quirk.b")))
    assert ra.status_code == rb.status_code == 200, (ra.text, rb.text)
    state_a, state_b = await _state(scim, a["id"]), await _state(scim, b["id"])
    for entry in (state_a, state_b):  # the e-mails differ by the user name only
        for email in entry.get("emails") or []:
            email["value"] = email["value"].replace("quirk.a", "X").replace("quirk.b", "X")
    assert state_a == state_b


async def test_entra_full_default_payload_is_accepted_and_what_we_do_not_keep_is_dropped(scim_world, client):
    """Entra's default attribute mappings, including attributes Tadrib does not keep."""
    scim = scim_world["moi"]
    body = user(
        "entra.user@moi.example",
        externalId="0a1b2c3d",
        displayName="Entra User",
        title="Analyst",
        active=True,
        preferredLanguage="ar-IQ",
        addresses=[{"type": "work", "locality": "Baghdad"}],
        emails=[{"primary": True, "type": "work", "value": "entra.user@moi.example"}],
        name={"givenName": "Entra", "familyName": "User"},
        phoneNumbers=[{"type": "work", "value": "+964 770 123 4567"}],
    )
    body["schemas"].append(ENTERPRISE)
    body[ENTERPRISE] = {"employeeNumber": "E-77", "department": "Evidence", "manager": {"value": "0000"}}
    created = await scim.post("Users", json=body)
    assert created.status_code == 201, created.text
    got = created.json()
    assert got["externalId"] == "0a1b2c3d" and got[ENTERPRISE] == {"employeeNumber": "E-77", "department": "Evidence"}
    assert "addresses" not in got and got["preferredLanguage"] == "ar-IQ"  # kept as sent...
    officer = (await client.get(f"/officers/{got['id']}")).json()  # ... and the officer's messages go in Arabic
    assert officer["language"] == "ar" and officer["email"] == "entra.user@moi.example"
    # Entra looks the person up first, by userName then by externalId.
    for flt in ('userName eq "Entra.User@moi.example"', 'externalId eq "0a1b2c3d"'):
        found = await scim.get("Users", params={"filter": flt})
        assert found.status_code == 200 and [u["id"] for u in found.json()["Resources"]] == [got["id"]], (
            flt,
            found.text,
        )


async def test_okta_connection_test_and_a_full_put_without_active(scim_world):
    scim = scim_world["moi"]
    probe = await scim.get("Users", params={"startIndex": 1, "count": 2})
    assert probe.status_code == 200 and probe.json()["totalResults"] == 0 and probe.json()["startIndex"] == 1
    created = (await scim.post("Users", json=user("okta.user", active=False))).json()
    put = await scim.put(f"Users/{created['id']}", json=user("okta.user", title="Officer"))  # no `active`
    assert put.status_code == 200, put.text
    assert put.json()["active"] is False  # omitted by a PUT: kept, never flipped by accident
    created = (
        await scim.post("Users", json=user("okta.other", arabic="زينب عباس جاسم", sex="female", active=True))
    ).json()
    put = await scim.put(f"Users/{created['id']}", json=user("okta.other", arabic="زينب عباس جاسم", sex="female"))
    assert put.json()["active"] is True
    again = await scim.put(f"Users/{created['id']}", json=user("okta.other", arabic="زينب عباس جاسم", sex="female"))
    assert again.headers["etag"] == put.headers["etag"]  # the same PUT twice changes nothing
