"""Certificates through HTTP: issued for a delivered module to those who completed it (attendance;
competence too where the post-test reaches the pass mark), once; an Open Badges 3.0 VC-JWT that
verifies with nothing but the published JWKS; listed within need-to-know; revoked with a reason;
and a public check that reveals the module, its dates, the issuer and initials, nothing more.

Module dates used: sessions on Sunday 7 and Thursday 11 September 2025 (Asia/Baghdad); the last
ends at 01:30 on 12 September in Baghdad (22:30 UTC on the 11th), so its local date is the 12th."""

from __future__ import annotations

import json
import uuid

import pytest
from jose import jwt
from jose.exceptions import JWTError
from sqlalchemy import update

from domain.models.attendance import Assessment
from domain.models.catalogue import Module, ModuleStatus
from domain.models.enrolment import Nomination, NominationRole, NominationStatus
from tests.api.catalogue_data import assert_problem, cycle, disciplines, error_fields, programme, unknown_id  # noqa: F401
from tests.api.enrolment_data import agency, officer, open_module

SESSIONS = [
    ("2025-09-07T09:00:00+03:00", "2025-09-07T15:00:00+03:00"),
    ("2025-09-11T20:00:00+03:00", "2025-09-12T01:30:00+03:00"),
]
VERIFICATION_FIELDS = {
    "status",
    "kind",
    "module_title",
    "starts_on",
    "ends_on",
    "issuer",
    "holder_initials",
    "issued_at",
    "revoked_at",
}


async def participant(
    db, module: dict, officer_id: str, agency_id: str, status: NominationStatus, post_test: float | None = None
):
    """Nominations and assessments are arranged directly: this file tests certificates."""
    db.add(
        Nomination(
            module_id=uuid.UUID(module["id"]),
            officer_id=uuid.UUID(officer_id),
            agency_id=uuid.UUID(agency_id),
            role=NominationRole.participant,
            status=status,
            nominated_by="test",
        )
    )
    if post_test is not None:
        db.add(
            Assessment(
                module_id=uuid.UUID(module["id"]), officer_id=uuid.UUID(officer_id), pre_test=40, post_test=post_test
            )
        )
    await db.flush()


async def set_status(db, module: dict, status: ModuleStatus) -> None:
    await db.execute(update(Module).where(Module.id == uuid.UUID(module["id"])).values(status=status))


@pytest.fixture
async def unit(client) -> str:
    return await agency(client, "Intelligence directorate (test)")


@pytest.fixture
async def delivered(client, db, cycle, unit) -> dict:
    """An assessed module (pass mark 60), delivered: three completed, one not, one withdrawn."""
    module = await open_module(
        client, cycle["id"], "OSINT-CERT", sessions=SESSIONS, pass_mark=60, title="Open-source intelligence"
    )
    people = {
        "passed": await officer(client, unit, name_latin="Zainab Kadhim Abbas", sex="female"),
        "failed": await officer(client, unit, name_latin="Omar Jasim Nasser"),
        "untested": await officer(client, unit, name_latin="Hassan Rashid Salman"),
        "not_completed": await officer(client, unit, name_latin="Yusuf Hamid Falah"),
        "withdrawn": await officer(client, unit, name_latin="Nour Abbas Kareem", sex="female"),
    }
    await participant(db, module, people["passed"], unit, NominationStatus.completed, post_test=75)
    await participant(db, module, people["failed"], unit, NominationStatus.completed, post_test=55)
    await participant(db, module, people["untested"], unit, NominationStatus.completed)
    await participant(db, module, people["not_completed"], unit, NominationStatus.not_completed, post_test=90)
    await participant(db, module, people["withdrawn"], unit, NominationStatus.withdrawn)
    await set_status(db, module, ModuleStatus.delivered)
    return module | {"people": people}


async def issue(client, module: dict) -> dict:
    r = await client.post(f"/modules/{module['id']}/certificates")
    assert r.status_code == 200, r.text
    return r.json()


# --- issuing ---------------------------------------------------------------------------------------


async def test_issued_to_those_who_completed_once(client, delivered):
    people = delivered["people"]
    first = await issue(client, delivered)
    assert (first["issued"], first["already"]) == (4, 0)
    held = sorted((c["officer_id"], c["kind"]) for c in first["certificates"])
    assert held == sorted(
        [
            (people["passed"], "attendance"),
            (people["passed"], "competence"),
            (people["failed"], "attendance"),
            (people["untested"], "attendance"),
        ]
    )
    by_holder = {(c["officer_id"], c["kind"]): c for c in first["certificates"]}
    assert by_holder[(people["passed"], "competence")]["holder_initials"] == "Z. K. A."
    codes = [c["verification_code"] for c in first["certificates"]]
    assert len(set(codes)) == 4 and all(len(code) >= 16 for code in codes)
    assert all(c["revoked_at"] is None and c["credential"].count(".") == 2 for c in first["certificates"])

    again = await issue(client, delivered)
    assert (again["issued"], again["already"]) == (0, 4)
    assert again["certificates"] == first["certificates"]


async def test_only_a_delivered_or_closed_module_gets_certificates(client, db, cycle, unit):
    module = await open_module(client, cycle["id"], "NOT-YET", sessions=SESSIONS)
    await participant(db, module, await officer(client, unit), unit, NominationStatus.completed)
    body = assert_problem(
        await client.post(f"/modules/{module['id']}/certificates"), 409, "/problems/module-not-delivered"
    )
    assert body["module_status"] == "open"
    assert (await client.get("/certificates", params={"module_id": module["id"]})).json()["items"] == []
    await set_status(db, module, ModuleStatus.closed)
    assert (await issue(client, module))["issued"] == 1
    assert_problem(await client.post(f"/modules/{unknown_id()}/certificates"), 404)


async def test_a_module_without_pass_mark_gives_attendance_only(client, db, cycle, unit):
    module = await open_module(client, cycle["id"], "UNASSESSED", sessions=SESSIONS)
    await participant(db, module, await officer(client, unit), unit, NominationStatus.completed, post_test=100)
    await set_status(db, module, ModuleStatus.delivered)
    assert [c["kind"] for c in (await issue(client, module))["certificates"]] == ["attendance"]


async def test_only_the_programmes_coordinators_issue(client, sign_in, delivered, programme):
    stranger = await sign_in("coordinator")
    assert_problem(await stranger.post(f"/modules/{delivered['id']}/certificates"), 403)
    for role in ("focal_point", "trainer", "observer"):
        assert_problem(await (await sign_in(role)).post(f"/modules/{delivered['id']}/certificates"), 403)
    coordinator = await sign_in("coordinator", programme_ids=[uuid.UUID(programme["id"])])
    r = await coordinator.post(f"/modules/{delivered['id']}/certificates")
    assert r.status_code == 200 and r.json()["issued"] == 4


# --- the credential ----------------------------------------------------------------------------------


async def test_the_credential_verifies_with_the_published_keys_only(client, anonymous, delivered, programme):
    people = delivered["people"]
    issued = await issue(client, delivered)
    certificate = next(
        c for c in issued["certificates"] if c["officer_id"] == people["passed"] and c["kind"] == "competence"
    )
    token = certificate["credential"]

    jwks = (await anonymous.get("http://test/.well-known/jwks.json")).json()
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["typ"] == "vc+jwt"
    key = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    claims = jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False})

    assert claims["iss"] == f"urn:tadrib:programme:{programme['id']}"
    assert claims["sub"] == f"urn:tadrib:officer:{people['passed']}"
    assert claims["jti"] == f"urn:uuid:{certificate['id']}"
    assert claims["iat"] == claims["nbf"] and "exp" not in claims
    vc = claims["vc"]
    assert vc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"] == {"id": claims["iss"], "type": ["Profile"], "name": programme["name"]}
    assert vc["validFrom"].endswith("Z")
    subject = vc["credentialSubject"]
    assert subject["id"] == claims["sub"] and subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    assert achievement["id"] == f"urn:tadrib:module:{delivered['id']}:competence"
    assert achievement["type"] == ["Achievement"]
    assert "Open-source intelligence" in achievement["name"]
    assert "2025-09-07 to 2025-09-12" in achievement["description"]
    assert (
        achievement["criteria"]["narrative"]
        == "attendance >= 80% of all the module's sessions, and a post-test score >= 60 out of 100"
    )
    # No name travels in the credential.
    text = json.dumps(claims)
    assert "Zainab" not in text and "Z. K. A." not in text

    head, body, signature = token.split(".")
    forged = jwt.get_unverified_claims(token) | {"sub": f"urn:tadrib:officer:{uuid.uuid4()}"}
    forged_body = jwt.encode(forged, "not-the-key", algorithm="HS256").split(".")[1]
    with pytest.raises(JWTError):
        jwt.decode(f"{head}.{forged_body}.{signature}", key, algorithms=["RS256"], options={"verify_aud": False})


# --- listing and need-to-know --------------------------------------------------------------------------


async def test_list_filters_and_focal_point_subtree(client, db, sign_in, delivered, cycle, unit):
    elsewhere = await agency(client, "Customs directorate (test)")
    other_module = await open_module(client, cycle["id"], "OTHER-CERT", sessions=SESSIONS)
    outsider = await officer(client, elsewhere)
    await participant(db, other_module, outsider, elsewhere, NominationStatus.completed)
    await participant(db, other_module, delivered["people"]["passed"], unit, NominationStatus.completed)
    await set_status(db, other_module, ModuleStatus.delivered)
    mine = await issue(client, delivered)
    theirs = await issue(client, other_module)

    r = await client.get("/certificates", params={"module_id": delivered["id"]})
    assert r.status_code == 200 and {c["id"] for c in r.json()["items"]} == {c["id"] for c in mine["certificates"]}
    r = await client.get("/certificates", params={"officer_id": delivered["people"]["passed"]})
    assert len(r.json()["items"]) == 3
    r = await client.get(
        "/certificates", params={"officer_id": delivered["people"]["passed"], "module_id": other_module["id"]}
    )
    assert [c["kind"] for c in r.json()["items"]] == ["attendance"]
    page = await client.get("/certificates", params={"limit": 2})
    assert len(page.json()["items"]) == 2 and page.json()["next_cursor"] and 'rel="next"' in page.headers["link"]

    outsiders = next(c for c in theirs["certificates"] if c["officer_id"] == outsider)
    focal = await sign_in("focal_point", agency_id=uuid.UUID(unit))
    r = await focal.get("/certificates")
    assert r.status_code == 200 and outsiders["id"] not in {c["id"] for c in r.json()["items"]}
    assert len(r.json()["items"]) == 5
    assert (await focal.get(f"/certificates/{mine['certificates'][0]['id']}")).status_code == 200
    assert_problem(await focal.get(f"/certificates/{outsiders['id']}"), 404)
    assert_problem(await focal.post(f"/certificates/{mine['certificates'][0]['id']}/revoke", json={"reason": "x"}), 403)
    for role in ("trainer", "observer"):
        assert_problem(await (await sign_in(role)).get("/certificates"), 403)
    assert_problem(await client.get(f"/certificates/{unknown_id()}"), 404)


# --- revocation and the public check --------------------------------------------------------------------


async def test_public_verification_and_revocation(client, anonymous, delivered, programme):
    issued = await issue(client, delivered)
    certificate = next(
        c
        for c in issued["certificates"]
        if c["officer_id"] == delivered["people"]["passed"] and c["kind"] == "attendance"
    )
    code = certificate["verification_code"]

    r = await anonymous.get(f"/certificates/verify/{code}")
    assert r.status_code == 200, r.text
    check = r.json()
    assert set(check) == VERIFICATION_FIELDS
    assert check == {
        "status": "valid",
        "kind": "attendance",
        "module_title": "Open-source intelligence",
        "starts_on": "2025-09-07",
        "ends_on": "2025-09-12",
        "issuer": programme["name"],
        "holder_initials": "Z. K. A.",
        "issued_at": certificate["issued_at"],
        "revoked_at": None,
    }
    for secret in ("Zainab", delivered["people"]["passed"], certificate["id"], delivered["id"]):
        assert secret not in r.text

    assert_problem(await anonymous.get("/certificates/verify/no-such-code"), 404, "/problems/not-found")
    assert_problem(await anonymous.get("/certificates"), 401)

    assert "reason" in error_fields(
        assert_problem(await client.post(f"/certificates/{certificate['id']}/revoke", json={}), 422)
    )
    assert_problem(await client.post(f"/certificates/{certificate['id']}/revoke", json={"reason": ""}), 422)
    r = await client.post(
        f"/certificates/{certificate['id']}/revoke", json={"reason": "Attendance sheet found to be falsified"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["revoked_reason"] == "Attendance sheet found to be falsified" and r.json()["revoked_at"]
    assert_problem(
        await client.post(f"/certificates/{certificate['id']}/revoke", json={"reason": "again"}),
        409,
        "/problems/already-revoked",
    )
    assert_problem(await client.post(f"/certificates/{unknown_id()}/revoke", json={"reason": "x"}), 404)

    check = (await anonymous.get(f"/certificates/verify/{code}")).json()
    assert check["status"] == "revoked" and check["revoked_at"] == r.json()["revoked_at"]
    assert "falsified" not in json.dumps(check)
    # Issuing again does not bring it back.
    again = await issue(client, delivered)
    assert again["issued"] == 0
    assert next(c for c in again["certificates"] if c["id"] == certificate["id"])["revoked_at"] is not None
