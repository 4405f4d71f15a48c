"""An officer's keys carry the officer's agency (they are unique within it): whichever path moves the
officer (a PATCH, an upsert, SCIM, an import's apply and its undo), the keys move with them."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from domain.models.officers import OfficerExternalId, ProvisioningLink
from tests.api.imports.helpers import csv_file, plan

SCIM = "http://test/scim/v2/"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
OFFICER_EXT = "urn:tadrib:params:scim:schemas:extension:officer:2.0:User"


async def _agency(client, name: str) -> str:
    r = await client.post("/agencies", json={"name_en": name, "name_ar": "جهة " + name, "kind": "police"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _key_agencies(db, officer_id: str) -> set[str]:
    oid = uuid.UUID(officer_id)
    ids = await db.scalars(select(OfficerExternalId.agency_id).where(OfficerExternalId.officer_id == oid))
    links = await db.scalars(select(ProvisioningLink.agency_id).where(ProvisioningLink.officer_id == oid))
    return {str(a) for a in [*ids, *links]}


async def test_keys_move_with_their_officer_whichever_path_moves_them(client, machine, db):
    a, b, c = await _agency(client, "Keys A"), await _agency(client, "Keys B"), await _agency(client, "Keys C")
    scim = await machine(["scim"], base_url=SCIM)
    made = await scim.post(
        "Users",
        json={
            "schemas": [USER, OFFICER_EXT],
            "userName": "keys.mover",
            "externalId": "SCIM-9",
            OFFICER_EXT: {"arabicName": "علي حسن", "sex": "male", "agency": a},
        },
    )
    assert made.status_code == 201, made.text
    officer = made.json()["id"]
    r = await client.patch(f"/officers/{officer}", json={"external_ids": [{"source": "mission-hr", "id": "MOVE-9"}]})
    assert r.status_code == 200, r.text
    assert await _key_agencies(db, officer) == {a}

    assert (await client.patch(f"/officers/{officer}", json={"agency_id": b})).status_code == 200
    assert await _key_agencies(db, officer) == {b}

    upsert = {"agency_id": c, "full_name_ar": "علي حسن", "name_latin": "Ali Hassan", "sex": "male"}
    assert (await client.put("/officers/by-external-id/mission-hr/MOVE-9", json=upsert)).status_code == 200
    assert await _key_agencies(db, officer) == {c}

    user = made.json() | {OFFICER_EXT: {"arabicName": "علي حسن", "sex": "male", "agency": a}}
    user.pop("meta", None)
    assert (await scim.put(f"Users/{officer}", json=user)).status_code == 200
    assert await _key_agencies(db, officer) == {a}

    planned = await plan(client, csv_file([["MOVE-9", "علي حسن", "Ali Hassan", "male", b, ""]]))
    assert planned["counts"]["update"] == 1, planned
    applied = await client.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
    assert applied.status_code == 200, applied.text
    assert await _key_agencies(db, officer) == {b}
    assert (await client.post(f"/officers/imports/{planned['id']}/undo")).status_code == 200
    assert await _key_agencies(db, officer) == {a}
