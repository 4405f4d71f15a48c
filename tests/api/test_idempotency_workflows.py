"""Retried nominations, decisions and attendance lists take effect once; a secret shown once is
never kept for a replay. The policy itself is tested in tests/api/test_idempotency.py."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from domain.models.auth import ApiClient
from domain.models.idempotency import IdempotencyKey
from tests.api.catalogue_data import assert_problem, cycle, disciplines, programme  # noqa: F401  (fixtures)
from tests.api.enrolment_data import agency, officer, open_module


def key() -> dict[str, str]:
    return {"Idempotency-Key": f'"{uuid.uuid4()}"'}


async def test_a_retried_nomination_and_decision_take_effect_once(client, cycle):
    module = await open_module(client, cycle["id"], "IDEM-1", capacity=5)
    oid = await officer(client, await agency(client, "Retry police (test)"))
    nominate = {"officer_id": oid}
    headers = key()
    nominated = await client.post(f"/modules/{module['id']}/nominations", json=nominate, headers=headers)
    assert nominated.status_code == 201, nominated.text
    retried = await client.post(f"/modules/{module['id']}/nominations", json=nominate, headers=headers)
    assert (retried.status_code, retried.headers["idempotent-replayed"]) == (201, "true")
    assert retried.json() == nominated.json() and retried.headers["location"] == nominated.headers["location"]
    # Without the key the same request is a second nomination, and the rules refuse it.
    assert_problem(
        await client.post(f"/modules/{module['id']}/nominations", json=nominate), 422, "/problems/already-nominated"
    )

    nomination_id, decision = nominated.json()["id"], key()
    accepted = await client.post(
        f"/nominations/{nomination_id}/decision", json={"decision": "accept"}, headers=decision
    )
    assert accepted.status_code == 200 and accepted.json()["nomination"]["status"] == "enrolled", accepted.text
    again = await client.post(f"/nominations/{nomination_id}/decision", json={"decision": "accept"}, headers=decision)
    assert (again.status_code, again.headers["idempotent-replayed"]) == (
        200,
        "true",
    ) and again.json() == accepted.json()
    history = (await client.get(f"/nominations/{nomination_id}/history")).json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [(None, "submitted"), ("submitted", "enrolled")]
    balance = (await client.get(f"/modules/{module['id']}/balance")).json()
    assert balance["enrolled"]["male"] + balance["enrolled"]["female"] == 1


async def test_a_repeated_attendance_list_changes_nothing(client, cycle):
    """PUT replaces the session's marks with the list sent: repeating it leaves the same marks and
    no correction, so it needs no key (the header is ignored on PUT, PATCH and DELETE)."""
    module = await open_module(client, cycle["id"], "IDEM-2")
    oid = await officer(client, await agency(client, "Attendance police (test)"))
    nomination = (await client.post(f"/modules/{module['id']}/nominations", json={"officer_id": oid})).json()
    assert (
        await client.post(f"/nominations/{nomination['id']}/decision", json={"decision": "accept"})
    ).status_code == 200
    session_id = (await client.get(f"/modules/{module['id']}/sessions")).json()["items"][0]["id"]
    marks = {"marks": [{"officer_id": oid, "status": "present"}]}
    first = await client.put(f"/sessions/{session_id}/attendance", json=marks, headers=key())
    assert first.status_code == 200, first.text
    second = await client.put(f"/sessions/{session_id}/attendance", json=marks, headers=key())
    assert second.json() == first.json() and "idempotent-replayed" not in second.headers
    assert (await client.get(f"/sessions/{session_id}/attendance/history")).json() == []


async def test_an_answer_with_a_secret_is_not_kept(client, db):
    headers, body = key(), {"name": f"HR system {uuid.uuid4().hex[:6]} (test)", "scopes": ["officers:read"]}
    created = await client.post("/clients", json=body, headers=headers)
    assert created.status_code == 201 and created.json()["client_secret"], created.text
    assert created.headers["cache-control"] == "no-store"
    [stored] = await db.scalars(
        select(IdempotencyKey).where(IdempotencyKey.key == headers["Idempotency-Key"].strip('"'))
    )
    assert stored.body is None and stored.status == 201
    retried = await client.post("/clients", json=body, headers=headers)
    problem = assert_problem(retried, 409, "/problems/idempotency-key-answer-not-kept")
    assert problem["first_status"] == 201 and "client_secret" not in retried.text
    assert retried.headers["location"] == created.headers["location"]
    assert await db.scalar(select(func.count()).select_from(ApiClient).where(ApiClient.name == body["name"])) == 1
