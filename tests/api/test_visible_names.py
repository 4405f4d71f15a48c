"""Names arrive with bidi controls and zero-width characters (copied from HR files, sent by identity
providers) and are stored without them, whichever way they come in: REST, the upsert by external
id, SCIM and imports. What a coordinator then reads on a roster is what the database holds."""

from __future__ import annotations

from tests.api.imports.helpers import by_line, csv_file, plan
from tests.api.scim.conftest import OFFICER, USER, scim_world, user  # noqa: F401  (scim_world: a fixture)
from tests.problems import assert_problem

# As a roster shows them, and as they arrive: a right-to-left override, isolates, a zero-width
# space, marks and a byte order mark around and inside them.
ARABIC, LATIN = "علي حسن كريم", "Ali Hassan Kareem"
DIRTY_ARABIC = "\u202bعلي\u200b حسن\u200f كريم\u202c"
DIRTY_LATIN = "\ufeff\u2067Ali Hassan\u2069 Ka\u200dreem\u200e"


async def _agency(client, name: str) -> str:
    r = await client.post("/agencies", json={"name_en": name, "name_ar": "جهة " + name, "kind": "police"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _clean(officer: dict) -> None:
    assert (officer["full_name_ar"], officer["name_latin"]) == (ARABIC, LATIN), officer


async def test_rest_create_change_and_upsert_store_names_without_them(client):
    agency = await _agency(client, "Visible Police")
    created = await client.post(
        "/officers",
        json={
            "agency_id": agency,
            "full_name_ar": DIRTY_ARABIC,
            "name_latin": DIRTY_LATIN,
            "name_parts": {"given": "\u200fعلي\u200b", "father": "حسن\u202e"},
            "sex": "male",
            "user_name": "a.kareem\u200b@moi.example",
        },
    )
    assert created.status_code == 201, created.text
    officer = (await client.get(f"/officers/{created.json()['id']}")).json()
    _clean(officer)
    assert officer["name_parts"] | {} == {**officer["name_parts"], "given": "علي", "father": "حسن"}
    assert officer["user_name"] == "a.kareem@moi.example"
    # A search typed (or pasted) with a stray mark still finds it, by name and by account name.
    for params in ({"user_name": "a.kareem\u2060@moi.example"}, {"q": "Hassan\u200b Kareem"}, {"q": "حسن\u200f كريم"}):
        found = (await client.get("/officers", params=params)).json()["items"]
        assert [o["id"] for o in found] == [officer["id"]], params

    patched = await client.patch(f"/officers/{officer['id']}", json={"name_latin": "\u202eAli H. Kareem\u202c"})
    assert patched.status_code == 200 and patched.json()["name_latin"] == "Ali H. Kareem"

    upserted = await client.put(
        "/officers/by-external-id/mission-hr/VIS-1",
        json={"agency_id": agency, "full_name_ar": DIRTY_ARABIC, "name_latin": DIRTY_LATIN, "sex": "male"},
        params={"allow_duplicate": "true"},
    )
    assert upserted.status_code == 201, upserted.text
    _clean(upserted.json())


async def test_a_name_of_nothing_but_invisible_characters_is_a_422_naming_the_field(client):
    agency = await _agency(client, "Empty Name Police")
    r = await client.post(
        "/officers",
        json={"agency_id": agency, "full_name_ar": "علي", "name_latin": "\u200b\u202e\u200f", "sex": "male"},
    )
    problem = assert_problem(r, 422, "/problems/validation-error")
    assert [e["field"] for e in problem["errors"]] == ["name_latin"]


async def test_a_machine_clients_name_is_stored_without_them(client):
    r = await client.post("/clients", json={"name": "\u202eMission HR\u200b", "scopes": ["officers:read"]})
    assert r.status_code == 201, r.text
    assert (await client.get(f"/clients/{r.json()['id']}")).json()["name"] == "Mission HR"


async def test_scim_provisioning_stores_names_without_them(scim_world, client):
    scim = scim_world["moi"]
    body = user(
        "s.kareem\u200b@moi.example",
        arabic=DIRTY_ARABIC,
        name={"formatted": DIRTY_LATIN, "givenName": "\u2066Ali\u2069", "familyName": "Kareem\ufeff"},
        displayName="\u202eAli Kareem\u202c",
    )
    r = await scim.post("Users", json=body)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["userName"] == "s.kareem@moi.example" and made[OFFICER]["arabicName"] == ARABIC
    assert made["name"] == {"formatted": LATIN, "givenName": "Ali", "familyName": "Kareem"}
    assert made["displayName"] == "Ali Kareem"
    _clean((await client.get(f"/officers/{made['id']}")).json())
    # The identity provider looks the account up again with the name as it holds it.
    listed = await scim.get("Users", params={"filter": 'userName eq "s.kareem\u200b@moi.example"'})
    assert [u["id"] for u in listed.json()["Resources"]] == [made["id"]]
    replaced = await scim.put(f"Users/{made['id']}", json=body | {"schemas": [USER, OFFICER], "title": "Major\u200f"})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["title"] == "Major" and replaced.json()["userName"] == "s.kareem@moi.example"


async def test_an_import_stores_names_without_them_and_a_second_run_changes_nothing(client):
    agency = await _agency(client, "Import Visible Police")
    content = csv_file([["IV-1", DIRTY_ARABIC, DIRTY_LATIN, "male", agency, "Captain\u200e"]])
    planned = await plan(client, content)
    assert by_line(planned)[2]["action"] == "create", planned
    applied = await client.post(f"/officers/imports/{planned['id']}/apply", json={"plan_hash": planned["plan_hash"]})
    assert applied.status_code == 200, applied.text
    stored = (await client.get("/officers", params={"external_source": "mission-hr", "external_id": "IV-1"})).json()[
        "items"
    ]
    assert len(stored) == 1
    _clean(stored[0])
    assert stored[0]["rank"] == "Captain"
    again = await plan(client, content)  # the same dirty file: nothing to change
    assert by_line(again)[2]["action"] == "unchanged", again
