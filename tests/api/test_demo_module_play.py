"""A whole demo module from the seeds, end to end through HTTP: quotas, 40 nominations for 30
seats, a prerequisite refusal, a vetting failure that lets an alternate in, a withdrawal that
promotes from the waitlist, attendance with corrections, assessments, delivery, certificates,
a public verification and a revocation."""

import uuid
from datetime import date

from jose import jwt

import seeds

TODAY = date(2024, 12, 15)  # the seeds set statuses from "today": ILP-01 (January 2025) is open


async def _module(client, code):
    return (await client.get("/modules", params={"q": code})).json()["items"][0]


async def _agency(client, name):
    return next(
        a["id"] for a in (await client.get("/agencies", params={"q": name})).json()["items"] if a["name_en"] == name
    )


async def test_play_ilp_01_from_nomination_to_certificate(client, anonymous, db, sign_in):
    await seeds.load(db, "demo", today=TODAY)
    ilp = await _module(client, "ILP-01")
    digev = await _module(client, "DIGEV-01")
    assert ilp["status"] == "open" and ilp["capacity"] == 30
    # The seeded deadline is long past in real time; reopen nominations for the play.
    assert (await client.patch(f"/modules/{ilp['id']}", json={"nomination_deadline": None})).status_code == 200
    moi = await _agency(client, "Ministry of Interior")
    inis = await _agency(client, "National Intelligence Service")

    # Quotas: 20 seats for the Ministry of Interior (and its directorates); 10 remain in the pool.
    q = await client.put(f"/modules/{ilp['id']}/quotas", json={"quotas": [{"agency_id": moi, "seats": 20}]})
    assert q.status_code == 200 and q.json()["general_pool"] == 10

    # A focal point of the Ministry nominates 25 officers of theirs (5 as alternates); the coordinator
    # adds 15 from INIS.
    focal = await sign_in("focal_point", agency_id=uuid.UUID(moi))
    moi_officers = (await focal.get("/officers", params={"limit": 25})).json()["items"]
    inis_officers = (await client.get("/officers", params={"agency_id": inis, "limit": 15})).json()["items"]
    assert len(moi_officers) == 25 and len(inis_officers) == 15
    noms = {}
    for i, o in enumerate(moi_officers):
        r = await focal.post(
            f"/modules/{ilp['id']}/nominations",
            json={"officer_id": o["id"], "role": "alternate" if i >= 20 else "participant", "priority": i + 1},
        )
        assert r.status_code == 201, r.text
        noms[o["id"]] = r.json()["id"]
    for i, o in enumerate(inis_officers):
        r = await client.post(f"/modules/{ilp['id']}/nominations", json={"officer_id": o["id"], "priority": i + 1})
        noms[o["id"]] = r.json()["id"]
    assert len(noms) == 40

    # A prerequisite refusal: DIGEV-01 follows OPINT-01, which nobody here has completed.
    await client.patch(f"/modules/{digev['id']}", json={"nomination_deadline": None})
    await client.post(f"/modules/{digev['id']}/transitions", json={"to": "open"})
    refused = await focal.post(f"/modules/{digev['id']}/nominations", json={"officer_id": moi_officers[0]["id"]})
    assert refused.status_code == 422 and refused.json()["type"] == "/problems/prerequisite-not-completed"

    # Decisions: accept everyone, queueing those beyond the quota or the pool.
    outcomes = {}
    for officer_id, nid in noms.items():
        r = await client.post(f"/nominations/{nid}/decision", json={"decision": "accept", "on_full": "waitlist"})
        assert r.status_code == 200, r.text
        outcomes[officer_id] = r.json()["nomination"]["status"]
    enrolled = [o for o, s in outcomes.items() if s == "enrolled"]
    assert len(enrolled) == 30 and sum(1 for s in outcomes.values() if s == "waitlisted") == 10
    assert sum(1 for o in moi_officers if outcomes[o["id"]] == "enrolled") == 20  # the quota, no more

    # Vetting: the module now needs a courtesy check; every enrolled participant gets one, one is rejected.
    assert (await client.patch(f"/modules/{ilp['id']}", json={"vetting_required": "courtesy"})).status_code == 200
    vettings = {}
    for officer_id in enrolled:
        v = await client.post(
            f"/officers/{officer_id}/vettings",
            json={"type": "courtesy", "requested_on": "2024-12-16", "needed_by": "2025-01-12", "module_id": ilp["id"]},
        )
        assert v.status_code == 201, v.text
        vettings[officer_id] = v.json()
    blocked = await client.post(f"/modules/{ilp['id']}/transitions", json={"to": "confirmed"})
    assert blocked.status_code == 409 and len(blocked.json()["blockers"]) == 30
    rejected_officer = moi_officers[3]["id"]
    for officer_id, v in vettings.items():
        status = "rejected" if officer_id == rejected_officer else "approved"
        r = await client.patch(f"/vettings/{v['id']}", json={"status": status, "result_on": "2025-01-05"})
        assert r.status_code == 200, r.text
        if status == "rejected":
            promoted = r.json()["promoted"]
    first_moi_alternate = moi_officers[20]["id"]
    assert [p["officer_id"] for p in promoted] == [first_moi_alternate]  # the same agency's alternate first
    assert (await client.get(f"/nominations/{noms[rejected_officer]}")).json()["status"] == "vetting_failed"

    # A withdrawal promotes from the waitlist.
    leaving = inis_officers[0]["id"]
    w = await client.post(f"/nominations/{noms[leaving]}/withdraw", json={"reason": "operational duty"})
    assert w.status_code == 200 and len(w.json()["promoted"]) == 1
    newcomers = [first_moi_alternate, w.json()["promoted"][0]["officer_id"]]
    for officer_id in newcomers:
        v = (
            await client.post(
                f"/officers/{officer_id}/vettings",
                json={"type": "courtesy", "requested_on": "2024-12-20", "needed_by": "2025-01-12"},
            )
        ).json()
        assert (
            await client.patch(f"/vettings/{v['id']}", json={"status": "approved", "result_on": "2025-01-06"})
        ).status_code == 200
    confirmed = await client.post(f"/modules/{ilp['id']}/transitions", json={"to": "confirmed"})
    assert confirmed.status_code == 200, confirmed.text

    # Attendance for every session, with a correction; assessments.
    roster_ids = [o for o in enrolled if o not in (rejected_officer, leaving)] + newcomers
    assert len(roster_ids) == 30
    sessions = (await client.get(f"/modules/{ilp['id']}/sessions", params={"limit": 200})).json()["items"]
    assert len(sessions) >= 5
    absentees = set(roster_ids[:3])  # these three miss every session: they will not complete
    for s in sessions:
        marks = [
            {"officer_id": o, "status": "absent", "reason": "no_show", "cause": "unknown"}
            if o in absentees
            else {"officer_id": o, "status": "present"}
            for o in roster_ids
        ]
        r = await client.put(f"/sessions/{s['id']}/attendance", json={"marks": marks})
        assert r.status_code == 200, r.text
    correction = [{"officer_id": roster_ids[5], "status": "late", "note": "arrived 09:40"}]
    assert (
        await client.put(f"/sessions/{sessions[0]['id']}/attendance", json={"marks": correction})
    ).status_code == 200
    history = (await client.get(f"/sessions/{sessions[0]['id']}/attendance/history")).json()
    assert any(h["to_status"] == "late" for h in history)
    scores = [{"officer_id": o, "pre_test": 50, "post_test": 70 if i % 2 else 45} for i, o in enumerate(roster_ids)]
    assert (await client.put(f"/modules/{ilp['id']}/assessments", json={"scores": scores})).status_code == 200

    # Delivery settles completion; certificates for those who completed.
    assert (await client.post(f"/modules/{ilp['id']}/transitions", json={"to": "delivered"})).status_code == 200
    roster = (await client.get(f"/modules/{ilp['id']}/roster")).json()
    entries = roster["participants"] if isinstance(roster, dict) else roster
    completed = {e["officer_id"] for e in entries if e["completed"]}
    assert completed == set(roster_ids) - absentees
    issued = await client.post(f"/modules/{ilp['id']}/certificates")
    assert issued.status_code in (200, 201), issued.text
    again = await client.post(f"/modules/{ilp['id']}/certificates")
    assert again.json()["issued"] == 0  # issuing again changes nothing
    certs = (await client.get("/certificates", params={"module_id": ilp["id"], "limit": 200})).json()["items"]
    assert {c["officer_id"] for c in certs} == completed

    # Public verification shows initials only; the credential verifies with the JWKS alone; revocation shows.
    cert = certs[0]
    check = await anonymous.get(f"/certificates/verify/{cert['verification_code']}")
    assert check.status_code == 200 and check.json()["status"] == "valid"
    assert "officer_id" not in check.json() and "." in check.json()["holder_initials"]
    jwks = (await anonymous.get("http://test/.well-known/jwks.json")).json()
    kid = jwt.get_unverified_header(cert["credential"])["kid"]
    key = next(k for k in jwks["keys"] if k["kid"] == kid)
    claims = jwt.decode(cert["credential"], key, algorithms=["RS256"], options={"verify_aud": False})
    assert "OpenBadgeCredential" in claims["vc"]["type"]
    assert (
        await client.post(f"/certificates/{cert['id']}/revoke", json={"reason": "issued in error"})
    ).status_code == 200
    assert (await anonymous.get(f"/certificates/verify/{cert['verification_code']}")).json()["status"] == "revoked"
