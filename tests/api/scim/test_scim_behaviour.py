"""SCIM behaviour beyond the tester: reach and sources, filters (Arabic included), paging, ETags,
DELETE as unlink-and-deactivate, SCIM's own error format, and deactivation at nomination."""

from __future__ import annotations

import uuid

import pytest

from tests.api.catalogue_data import cycle, disciplines, programme  # noqa: F401  (fixtures)
from tests.api.enrolment_data import nominate, open_module
from tests.api.scim.conftest import OFFICER, PATCH_OP, SCIM, user

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def _error(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(SCIM), r.headers["content-type"]
    body = r.json()
    assert body["schemas"] == [ERROR] and body["status"] == str(status)
    return body


async def _create(scim, user_name: str, **kw) -> dict:
    r = await scim.post("Users", json=user(user_name, **kw))
    assert r.status_code == 201, r.text
    return r.json()


async def test_another_agencys_officer_is_a_404_everywhere(scim_world):
    mine = await _create(scim_world["moi"], "iso.mine")
    other = scim_world["other"]
    for method, kwargs in (
        ("GET", {}),
        ("PUT", {"json": user("iso.mine")}),
        ("DELETE", {}),
        ("PATCH", {"json": {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "title", "value": "x"}]}}),
    ):
        hidden = await other.request(method, f"Users/{mine['id']}", **kwargs)
        missing = await other.request(method, f"Users/{uuid.uuid4()}", **kwargs)
        assert _error(hidden, 404)["detail"].split()[0] == _error(missing, 404)["detail"].split()[0]
    listed = await other.get("Users", params={"filter": 'userName eq "iso.mine"'})
    assert listed.json()["totalResults"] == 0
    # A bound client cannot put someone into an agency outside its subtree, by code or by id.
    for ref in ("SMOI", scim_world["agencies"]["moi"]):
        _error(await other.post("Users", json=user("iso.theirs", agency=ref)), 400)
    # Another source (even mission-wide) sees only the officers it provisioned.
    assert (await scim_world["mission"].get(f"Users/{mine['id']}")).status_code == 404
    # An account name held only outside the client's reach is as if nobody held it.
    theirs = await other.post("Users", json=user("ISO.MINE"))
    assert theirs.status_code == 201, theirs.text
    assert theirs.json()["id"] != mine["id"]


async def test_a_mission_wide_client_names_the_agency_or_is_refused(scim_world):
    mission = scim_world["mission"]
    body = _error(await mission.post("Users", json=user("mission.nobody")), 400)
    assert "agency" in body["detail"]
    made = await _create(mission, "mission.someone", agency="OTHER")
    assert made[OFFICER]["agency"] == "OTHER"
    by_id = await _create(mission, "mission.byid", agency=scim_world["agencies"]["fiia"], arabic="عمر خالد سلمان")
    got = await mission.get(f"Users/{by_id['id']}", params={"attributes": f"{OFFICER}:agencyId"})
    assert got.json()[OFFICER]["agencyId"] == scim_world["agencies"]["fiia"]


async def test_authentication_and_scope_errors_are_scim_errors(scim_world, anonymous):
    import httpx

    transport = anonymous._transport
    async with httpx.AsyncClient(transport=transport, base_url="http://test/scim/v2/") as nobody:
        assert (await nobody.get("ServiceProviderConfig")).status_code == 200  # RFC 7644 §4: no credentials needed
        r = await nobody.get("Users")
        _error(r, 401)
        assert r.headers["www-authenticate"].lower().startswith("bearer")
        _error(await nobody.get("Users", headers={"Authorization": "Bearer not-a-token"}), 401)
    _error(await scim_world["no_scope"].get("Users"), 403)


async def test_filters_on_arabic_and_latin_names_emails_and_paging(scim_world):
    scim = scim_world["moi"]
    await _create(
        scim,
        "مصطفى.سلمان",
        name={"givenName": "Mustafa", "familyName": "Salman"},
        emails=[{"value": "m.salman@moi.example", "type": "work"}],
        arabic="مصطفى أحمد سلمان",
    )
    await _create(
        scim,
        "Zainab.Jassim",
        name={"givenName": "Zainab", "familyName": "Jassim"},
        arabic="زينب عباس جاسم",
        sex="female",
        emails=[{"value": "z.jassim@moi.example", "type": "work"}],
    )
    await _create(scim, "Ümit.Kaya", name={"givenName": "Ümit", "familyName": "Kaya"}, arabic="أوميت كايا")

    async def names(flt: str, **params) -> list[str]:
        r = await scim.get("Users", params={"filter": flt} | params)
        assert r.status_code == 200, r.text
        return sorted(u["userName"] for u in r.json()["Resources"])

    assert await names('userName eq "مصطفى.سلمان"') == ["مصطفى.سلمان"]
    assert await names(f'{OFFICER}:arabicName eq "زينب عباس جاسم"') == ["Zainab.Jassim"]
    assert await names('userName eq "ÜMIT.KAYA"') == ["Ümit.Kaya"]  # folded beyond ASCII
    assert await names('name.givenName sw "üm"') == ["Ümit.Kaya"]
    assert await names('name.familyName co "ASSI"') == ["Zainab.Jassim"]
    assert await names('emails.value eq "M.SALMAN@moi.example"') == ["مصطفى.سلمان"]
    assert await names('userName eq "Zainab.Jassim" or emails.value co "salman"') == ["Zainab.Jassim", "مصطفى.سلمان"]
    assert await names('name.givenName sw "z" and not (userName eq "nobody")') == ["Zainab.Jassim"]
    first = await scim.get("Users", params={"startIndex": 1, "count": 2, "sortBy": "userName"})
    second = await scim.get("Users", params={"startIndex": 3, "count": 2, "sortBy": "userName"})
    assert first.json()["totalResults"] == 3 and first.json()["itemsPerPage"] == 2
    seen = [u["userName"] for u in first.json()["Resources"] + second.json()["Resources"]]
    assert sorted(seen) == sorted(["مصطفى.سلمان", "Zainab.Jassim", "Ümit.Kaya"])
    _error(await scim.get("Users", params={"filter": "userName eq"}), 400)


async def test_etag_is_the_version_and_if_match_is_honoured(scim_world):
    scim = scim_world["moi"]
    made = await scim.post("Users", json=user("etag.user"))
    etag = made.headers["etag"]
    assert etag == made.json()["meta"]["version"] == 'W/"1"'
    patch = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "title", "value": "Major"}]}
    ok = await scim.patch(f"Users/{made.json()['id']}", json=patch, headers={"If-Match": etag})
    assert ok.status_code == 200 and ok.headers["etag"] == 'W/"2"'
    _error(await scim.patch(f"Users/{made.json()['id']}", json=patch, headers={"If-Match": etag}), 412)
    _error(await scim.put(f"Users/{made.json()['id']}", json=user("etag.user"), headers={"If-Match": etag}), 412)
    _error(await scim.delete(f"Users/{made.json()['id']}", headers={"If-Match": etag}), 412)


async def test_delete_unlinks_and_deactivates_and_history_stays(scim_world, client):
    scim = scim_world["moi"]
    made = await _create(scim, "leaver", externalId="HR-9")
    assert (await scim.delete(f"Users/{made['id']}")).status_code == 204
    _error(await scim.get(f"Users/{made['id']}"), 404)
    record = await client.get(f"/officers/{made['id']}")  # the officer and their history stay
    assert record.status_code == 200
    assert record.json()["active"] is False and record.json()["user_name"] is None
    again = await _create(scim, "leaver", externalId="HR-9")  # the account name and externalId are free again
    assert again["id"] != made["id"]
    audit = await client.get("/audit", params={"entity": "officer", "entity_id": made["id"]})
    assert {e["action"] for e in audit.json()["items"]} >= {"created", "provisioned", "updated"}


async def test_a_deactivated_officer_is_refused_at_nomination(scim_world, client, cycle):  # noqa: F811
    scim = scim_world["moi"]
    made = await _create(scim, "inactive.one", active=False)
    module = await open_module(client, cycle["id"], "SCIM-NOM")
    r = await nominate(client, module["id"], made["id"])
    assert r.status_code == 422, r.text
    assert r.json()["type"] == "/problems/officer-deactivated"
