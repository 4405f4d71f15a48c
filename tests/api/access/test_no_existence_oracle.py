"""No existence oracle: an external id, a national id or an account name that only an officer outside
the caller's reach carries answers, by every route, exactly as one that nobody carries. Each test
sends the same request twice, once with a key held in another agency and once with a free one, and
compares the answers (status, body with the key, fresh ids and times set aside)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.api.imports.helpers import by_line, csv_file, plan

SCIM = "http://test/scim/v2/"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
OFFICER_EXT = "urn:tadrib:params:scim:schemas:extension:officer:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
# What differs between two answers about two different people: fresh ids, times, versions, names.
VOLATILE = {"id", "officer_id", "created_at", "updated_at", "full_name_ar", "name_latin", "plan_hash"}
VOLATILE |= {"meta", "filename", "arabicName"}


def shape(r, *keys: str) -> tuple[int, Any]:
    """The answer with the keys written as <key> and what differs between two people left out."""

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in VOLATILE}
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, str):
            for key in keys:
                value = value.replace(key, "<key>")
        return value

    return r.status_code, clean(r.json())


async def _agency(client, name: str, parent: str | None = None) -> str:
    r = await client.post(
        "/agencies", json={"name_en": name, "name_ar": "جهة " + name, "kind": "police", "parent_id": parent}
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _person(agency_id: str, n: int, **extra) -> dict:
    names = ["علي حسن", "زينب عباس", "عمر خالد", "هالة سلمان", "ليث كريم", "رامي كاظم", "وسام جاسم", "باسم فلاح"]
    return {"agency_id": agency_id, "full_name_ar": names[n], "name_latin": f"Person {n}", "sex": "male"} | extra


@pytest.fixture
async def world(client, sign_in, machine):
    ours, theirs = await _agency(client, "Oracle Ministry"), await _agency(client, "Oracle Service")
    held = await client.post(
        "/officers",
        json=_person(
            theirs,
            7,
            external_ids=[{"source": "mission-hr", "id": "HELD-1"}],
            user_name="held.name",
            national_id="NID-HELD",
        ),
    )
    assert held.status_code == 201, held.text
    scopes = ["officers:read", "officers:write", "imports:write"]
    return {
        "ours": ours,
        "theirs": theirs,
        "held": held.json(),
        "focal": await sign_in("focal_point", agency_id=uuid.UUID(ours)),
        "bound": await machine(scopes, agency_id=ours),
    }


CALLERS = pytest.mark.parametrize("who", ["focal", "bound"])


@CALLERS
async def test_creating_with_a_key_held_elsewhere_answers_as_with_a_free_one(world, who):
    caller, ours = world[who], world["ours"]
    answers = []
    for n, (ext, name) in enumerate((("HELD-1", "held.name"), ("FREE-1", "free.name"))):
        sent = _person(ours, n, external_ids=[{"source": "mission-hr", "id": ext}], user_name=name)
        r = await caller.post("/officers", json=sent)
        answers.append(shape(r, ext, name))
    assert answers[0] == answers[1] and answers[0][0] == 201


@CALLERS
async def test_upserting_an_id_held_elsewhere_creates_as_for_a_free_one(world, who):
    caller, ours = world[who], world["ours"]
    held = await caller.put("/officers/by-external-id/mission-hr/HELD-1", json=_person(ours, 0))
    free = await caller.put("/officers/by-external-id/mission-hr/FREE-2", json=_person(ours, 1))
    assert shape(held, "HELD-1") == shape(free, "FREE-2")
    assert held.status_code == 201 and held.json()["id"] != world["held"]["id"]


@CALLERS
async def test_changing_to_keys_held_elsewhere_answers_as_with_free_ones(client, world, who):
    caller, ours = world[who], world["ours"]
    mine = [(await client.post("/officers", json=_person(ours, n))).json()["id"] for n in (2, 3)]
    ids = [
        await caller.patch(f"/officers/{mine[0]}", json={"external_ids": [{"source": "mission-hr", "id": "HELD-1"}]}),
        await caller.patch(f"/officers/{mine[1]}", json={"external_ids": [{"source": "mission-hr", "id": "FREE-3"}]}),
    ]
    assert shape(ids[0], "HELD-1") == shape(ids[1], "FREE-3") and ids[0].status_code == 200
    names = [
        await caller.patch(f"/officers/{mine[0]}", json={"user_name": "held.name"}),
        await caller.patch(f"/officers/{mine[1]}", json={"user_name": "free.name2"}),
    ]
    assert shape(names[0], "held.name", "HELD-1") == shape(names[1], "free.name2", "FREE-3")
    assert names[0].status_code == 200


@CALLERS
async def test_an_import_plans_and_applies_keys_held_elsewhere_as_free_ones(client, world, who):
    caller = world[who]
    by_id = by_line(
        await plan(
            caller,
            csv_file([["HELD-1", "سعد ناصر", "Saad", "male", "", ""], ["FREE-4", "فلاح حسن", "Falah", "male", "", ""]]),
        )
    )
    assert by_id[2]["action"] == by_id[3]["action"] == "create"
    assert shape_row(by_id[2], "HELD-1") == shape_row(by_id[3], "FREE-4")
    header = ["national_id", "full_name_ar", "name_latin", "sex"]
    planned = await plan(
        caller,
        csv_file([["NID-HELD", "سعد جاسم", "Saad J", "male"], ["NID-FREE", "فلاح كريم", "Falah K", "male"]], header),
        key="national_id",
    )
    rows = by_line(planned)
    assert rows[2]["action"] == rows[3]["action"] == "create"
    assert shape_row(rows[2], "NID-HELD") == shape_row(rows[3], "NID-FREE")
    # Applying: "taken since planning" does not see the holder either.
    applied = await caller.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
    assert applied.status_code == 200, applied.text
    assert (await client.get(f"/officers/{world['held']['id']}")).json()["agency_id"] == world["theirs"]


def shape_row(row: dict, key: str) -> dict:
    return {
        k: (v.replace(key, "<key>") if isinstance(v, str) else v)
        for k, v in row.items()
        if k not in VOLATILE | {"line"}
    }


async def test_an_import_applied_after_a_holder_appeared_elsewhere_still_applies(client, world):
    caller = world["focal"]
    planned = await plan(caller, csv_file([["LATE-1", "سعد ناصر", "Saad", "male", "", ""]]))
    r = await client.put("/officers/by-external-id/mission-hr/LATE-1", json=_person(world["theirs"], 4))
    assert r.status_code == 201
    applied = await caller.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
    assert applied.status_code == 200, applied.text


@pytest.fixture
async def scim_client(world, machine):
    return await machine(["scim"], agency_id=world["ours"], base_url=SCIM)


def _user(user_name: str, n: int, **core) -> dict:
    names = ["علي حسن", "زينب عباس", "عمر خالد", "هالة سلمان"]
    ext = {"arabicName": names[n], "sex": "male"}
    return {"schemas": [USER, OFFICER_EXT], "userName": user_name, OFFICER_EXT: ext} | core


async def test_scim_user_names_held_elsewhere_answer_as_free_ones(scim_client):
    made = [
        await scim_client.post("Users", json=_user("held.name", 0)),
        await scim_client.post("Users", json=_user("free.one", 1)),
    ]
    assert shape(made[0], "held.name") == shape(made[1], "free.one") and made[0].status_code == 201
    # PUT and PATCH to a name held elsewhere, as to a free one.
    first, second = made[0].json()["id"], made[1].json()["id"]
    put = [
        await scim_client.put(f"Users/{first}", json=_user("HELD.NAME", 0)),
        await scim_client.put(f"Users/{second}", json=_user("FREE.ONE", 1)),
    ]
    assert [r.status_code for r in put] == [200, 200]
    patch = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "userName", "value": "held.name"}]}
    free = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "userName", "value": "free.two"}]}
    patched = [
        await scim_client.patch(f"Users/{first}", json=patch),
        await scim_client.patch(f"Users/{second}", json=free),
    ]
    assert shape(patched[0], "held.name") == shape(patched[1], "free.two") and patched[0].status_code == 200


async def test_scim_external_ids_held_out_of_reach_answer_as_free_ones(client, world, scim_client):
    gone = await scim_client.post("Users", json=_user("gone.away", 2, externalId="EXT-GONE"))
    assert gone.status_code == 201, gone.text
    # Someone else moves that officer out of the client's reach: the client no longer sees them.
    moved = await client.patch(f"/officers/{gone.json()['id']}", json={"agency_id": world["theirs"]})
    assert moved.status_code == 200, moved.text
    assert (await scim_client.get(f"Users/{gone.json()['id']}")).status_code == 404
    made = [
        await scim_client.post("Users", json=_user("again.one", 3, externalId="EXT-GONE")),
        await scim_client.post("Users", json=_user("again.two", 0, externalId="EXT-FREE")),
    ]
    assert shape(made[0], "EXT-GONE", "again.one") == shape(made[1], "EXT-FREE", "again.two")
    assert made[0].status_code == 201


async def test_within_reach_a_key_still_conflicts_and_an_ambiguous_one_is_named(client, world):
    # The administrator sees both agencies: a held id is a 409 naming the holder.
    clash = await client.post(
        "/officers", json=_person(world["ours"], 0, external_ids=[{"source": "mission-hr", "id": "HELD-1"}])
    )
    assert clash.status_code == 409 and [c["id"] for c in clash.json()["candidates"]] == [world["held"]["id"]]
    taken = await client.post("/officers", json=_person(world["ours"], 1, user_name="HELD.name"))
    assert taken.status_code == 409 and taken.json()["officer_id"] == world["held"]["id"]
    # A focal point records the same id in their agency: for the administrator it is now ambiguous.
    mine = await world["focal"].put("/officers/by-external-id/mission-hr/HELD-1", json=_person(world["ours"], 2))
    assert mine.status_code == 201
    ambiguous = await client.put("/officers/by-external-id/mission-hr/HELD-1", json=_person(world["ours"], 2))
    assert ambiguous.status_code == 409 and ambiguous.json()["type"].endswith("/key-ambiguous")
    assert {c["id"] for c in ambiguous.json()["candidates"]} == {world["held"]["id"], mine.json()["id"]}
    # Moving an officer to an agency where someone carries their id is refused with the holder named.
    moved = await client.patch(f"/officers/{mine.json()['id']}", json={"agency_id": world["theirs"]})
    assert moved.status_code == 409 and world["held"]["id"] in moved.text


async def test_an_import_never_moves_an_officer_onto_a_key_their_new_agency_holds(client, sign_in, world):
    ours, theirs = world["ours"], world["theirs"]
    ids = [{"source": "mission-hr", "id": "MOVE-1"}, {"source": "invest", "id": "INV-1"}]
    mover = await client.post("/officers", json=_person(ours, 0, external_ids=ids))
    assert mover.status_code == 201
    their_focal = await sign_in("focal_point", agency_id=uuid.UUID(theirs))
    theirs_too = _person(theirs, 1, external_ids=[{"source": "invest", "id": "INV-1"}])
    assert (await their_focal.post("/officers", json=theirs_too)).status_code == 201  # they do not see the mover
    content = csv_file([["MOVE-1", "علي حسن", "Person 0", "male", theirs, ""]])
    row = by_line(await plan(client, content))[2]
    assert row["action"] == "error" and row["problems"][0]["rule"] == "key-taken-in-agency"
    # Planned before the holder appeared: the apply names the row and writes nothing.
    later = await client.post(
        "/officers", json=_person(ours, 2, external_ids=[{"source": "mission-hr", "id": "MOVE-2"}])
    )
    planned = await plan(client, csv_file([["MOVE-2", "عمر خالد", "Person 2", "male", theirs, ""]]))
    assert by_line(planned)[2]["action"] == "update"
    late = _person(theirs, 3, external_ids=[{"source": "mission-hr", "id": "MOVE-2"}])
    assert (await their_focal.post("/officers", json=late)).status_code == 201
    applied = await client.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
    assert applied.status_code == 409 and applied.json()["rows"] == [{"line": 2, "officer_id": later.json()["id"]}]
    assert (await client.get(f"/officers/{later.json()['id']}")).json()["agency_id"] == ours
