from __future__ import annotations

import pytest

SCIM = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
OFFICER = "urn:tadrib:params:scim:schemas:extension:officer:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


async def agency(client, name: str, acronym: str | None = None, parent: str | None = None) -> str:
    r = await client.post(
        "/agencies",
        json={"name_en": name, "name_ar": "جهة " + name, "kind": "police", "acronym": acronym, "parent_id": parent},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


@pytest.fixture
async def scim_world(client, machine):
    """A ministry with two coded directorates, another service, and SCIM clients: one bound to
    the ministry, one bound to the other service, one unbound."""
    moi = await agency(client, "SCIM Ministry", "SMOI")
    ceid = await agency(client, "SCIM Evidence Directorate", "CEID", moi)
    fiia = await agency(client, "SCIM Intelligence Agency", "FIIA", moi)
    other = await agency(client, "SCIM Other Service", "OTHER")
    base = "http://test/scim/v2/"
    return {
        "agencies": {"moi": moi, "ceid": ceid, "fiia": fiia, "other": other},
        "moi": await machine(["scim"], agency_id=moi, base_url=base),
        "other": await machine(["scim"], agency_id=other, base_url=base),
        "mission": await machine(["scim"], base_url=base),
        "no_scope": await machine(["officers:read"], base_url=base),
    }


def user(user_name: str, *, arabic: str = "علي حسن كريم", sex: str = "male", agency: str | None = None, **core) -> dict:
    ext = {"arabicName": arabic, "sex": sex} | ({"agency": agency} if agency else {})
    return {"schemas": [USER, OFFICER], "userName": user_name, OFFICER: ext} | core
