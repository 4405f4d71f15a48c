"""Every route of the app, for every role and with no token, against one expectation table.
The routes come from the app's own route table: a new route without an entry here fails."""

import uuid

import pytest
from fastapi.routing import iter_route_contexts

from domain.auth.policy import CLIENT_SCOPES
from web.paths import is_page

ALL_SIGNED_IN = {"admin", "coordinator", "focal_point", "trainer", "observer", "client"}
PUBLIC = "public"
PLAN_READ = ALL_SIGNED_IN
PLAN_WRITE = {"admin", "coordinator"}
ADMIN = {"admin"}
PEOPLE = {"admin", "coordinator", "focal_point", "client"}  # officer records
TRAINER_RECORDS = {"admin", "coordinator", "focal_point", "trainer"}
NOMINATION_READERS = {"admin", "coordinator", "focal_point", "client"}
NOMINATORS = {"admin", "coordinator", "focal_point"}
REPORT_READERS = {"admin", "coordinator", "focal_point", "observer", "client"}
ROSTER_READERS = {"admin", "coordinator", "focal_point", "trainer"}
ATTENDANCE_TAKERS = {"admin", "coordinator", "trainer"}
IMPORTERS = {"admin", "coordinator", "focal_point", "client"}  # imports:write
INTEGRATORS = {"admin", "client"}  # events:read, webhooks:manage

# operation_id -> the roles that get past access control (everyone else: 403; no token: 401).
EXPECTED: dict[str, set[str] | str] = {
    "issue_token": PUBLIC,
    "get_jwks": PUBLIC,
    "get_me": ALL_SIGNED_IN,
    "change_my_password": ALL_SIGNED_IN - {"client"},
    "update_me": ALL_SIGNED_IN - {"client"},
    "list_my_sessions": ROSTER_READERS,
    "get_attendance_sheet": ROSTER_READERS,
    "mark_unmarked_present": ATTENDANCE_TAKERS,
    **{f"{verb}_programme": ADMIN for verb in ("create", "update", "delete")},
    "list_programmes": PLAN_READ,
    "get_programme": PLAN_READ,
    **{
        f"{verb}_{noun}": PLAN_WRITE
        for verb in ("create", "update", "delete")
        for noun in ("cycle", "agency", "venue", "module", "trainer", "session")
    },
    **{
        op: PLAN_READ
        for op in (
            "list_cycles",
            "get_cycle",
            "list_agencies",
            "get_agency",
            "list_venues",
            "get_venue",
            "list_modules",
            "get_module",
            "list_module_sessions",
            "get_session",
            "list_disciplines",
        )
    },
    "list_trainers": TRAINER_RECORDS,
    "get_trainer": TRAINER_RECORDS,
    "transition_module": PLAN_WRITE,
    "get_module_audit": PLAN_WRITE,
    "get_attention": PLAN_WRITE,
    "create_discipline": PLAN_WRITE,
    "delete_discipline": PLAN_WRITE,
    **{
        op: PEOPLE
        for op in (
            "list_officers",
            "get_officer",
            "create_officer",
            "update_officer",
            "delete_officer",
            "upsert_officer_by_external_id",
        )
    },
    "erase_officer": ADMIN,
    "list_shared_keys": PLAN_WRITE,  # a review list for coordinators and administrators
    **{
        op: IMPORTERS
        for op in ("plan_officer_import", "get_officer_import", "apply_officer_import", "undo_officer_import")
    },
    **{
        op: NOMINATORS
        for op in (
            "plan_nomination_import",
            "get_nomination_import",
            "apply_nomination_import",
            "undo_nomination_import",
        )
    },
    **{f"{verb}_user": ADMIN for verb in ("create", "update", "delete", "get")},
    "list_users": ADMIN,
    **{f"{verb}_client": ADMIN for verb in ("create", "update", "delete", "get")},
    "list_clients": ADMIN,
    "rotate_client_secret": ADMIN,
    "list_audit": ADMIN,
    **{
        op: NOMINATION_READERS
        for op in (
            "get_module_quotas",
            "list_nominations",
            "get_nomination",
            "get_nomination_history",
            "get_waitlist",
            "get_module_balance",
        )
    },
    **{op: NOMINATORS for op in ("create_nomination", "withdraw_nomination", "substitute_nomination")},
    **{
        op: PLAN_WRITE for op in ("set_module_quotas", "release_module_quotas", "decide_nomination", "reorder_waitlist")
    },
    **{op: PLAN_WRITE for op in ("create_vetting", "update_vetting")},
    **{op: NOMINATORS for op in ("get_vetting", "list_officer_vettings")},
    **{op: ROSTER_READERS for op in ("get_attendance", "get_attendance_history", "get_module_roster")},
    **{op: ATTENDANCE_TAKERS for op in ("put_attendance", "put_assessments")},
    **{op: PLAN_WRITE for op in ("issue_certificates", "revoke_certificate")},
    **{op: NOMINATION_READERS for op in ("list_certificates", "get_certificate")},
    "verify_certificate": PUBLIC,
    "get_cycle_calendar": PLAN_READ,
    "get_trainer_calendar": {"admin", "coordinator", "trainer"},
    "get_officer_calendar": PEOPLE,
    "get_secret_calendar_feed": PUBLIC,
    **{op: REPORT_READERS for op in ("get_gender_balance_report", "get_cycle_results_report")},
    **{
        op: REPORT_READERS
        for op in (
            "get_knowledge_gain_report",
            "get_indicator_report",
            "list_indicators",
            "get_indicator",
            "list_indicator_values",
            "get_module_survey_results",
            "get_cycle_survey_results",
        )
    },
    **{
        op: PLAN_WRITE
        for op in (
            "create_indicator",
            "update_indicator",
            "delete_indicator",
            "create_indicator_value",
            "delete_indicator_value",
        )
    },
    **{
        op: ALL_SIGNED_IN - {"client"} for op in ("create_calendar_feed", "list_calendar_feeds", "revoke_calendar_feed")
    },
    **{
        op: PLAN_WRITE
        for op in (
            "create_questionnaire",
            "list_questionnaires",
            "get_questionnaire",
            "update_questionnaire",
            "attach_module_survey",
            "list_module_surveys",
            "get_module_survey",
            "delete_module_survey",
            "issue_module_survey_links",
            "reissue_printable_links",
        )
    },
    "get_supervisor": NOMINATION_READERS,
    **{op: NOMINATORS for op in ("name_supervisor", "remove_supervisor")},
    **{op: PUBLIC for op in ("get_survey_form", "answer_survey")},
    "list_events": INTEGRATORS,
    **{op: {"admin", "coordinator", "focal_point"} for op in ("list_messages", "count_messages", "get_message")},
    "resend_message": PLAN_WRITE,
    "list_message_kinds": PLAN_READ,
    "set_message_kind": PLAN_WRITE,
    **{
        op: INTEGRATORS
        for op in (
            "list_webhooks",
            "create_webhook",
            "get_webhook",
            "update_webhook",
            "delete_webhook",
            "rotate_webhook_secret",
            "list_webhook_deliveries",
            "redeliver_webhook_event",
            "replay_webhook_events",
        )
    },
}


# Routes outside the API schema, by path: documentation and health.
UNDOCUMENTED_PUBLIC = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/healthz"}
# SCIM answers in its own format (application/scim+json); who may use it is tested in tests/api/scim/.
SCIM_ROUTES = {"/scim/v2", "/scim/v2/{path:path}"}


def operations(app):
    """(key, method, path) for every route of the API, flattened from included routers. The pages
    (web/) sign in with a cookie, not a token: tests/web/ walks them (test_forms_refused.py)."""
    for route in iter_route_contexts(app.routes):
        if is_page(route.path) and route.path not in UNDOCUMENTED_PUBLIC:
            continue
        for method in sorted((getattr(route, "methods", None) or set()) - {"HEAD", "OPTIONS"}):
            yield (getattr(route, "operation_id", None) or route.path), method, route.path


def fill(path: str) -> str:
    out = path
    for name in [p.split("}")[0] for p in path.split("{")[1:]]:
        out = out.replace("{" + name + "}", "no-such-code" if name == "code" else str(uuid.uuid4()))
    return out


def test_every_route_has_an_expectation(app):
    keys = {key for key, _, _ in operations(app)}
    assert len(keys) > 50
    missing = sorted(keys - EXPECTED.keys() - UNDOCUMENTED_PUBLIC - SCIM_ROUTES)
    assert missing == [], f"routes with no access expectation: {missing}"


@pytest.fixture
async def callers(sign_in, client, anonymous, db):
    """A client per role. Bound roles get real bindings (an agency, a trainer record)."""
    agency = await client.post(
        "/agencies", json={"name_en": "Matrix Directorate", "name_ar": "مديرية", "kind": "police"}
    )
    trainer = await client.post("/trainers", json={"name": "Matrix Trainer", "organisation": "EUROPOL"})
    api_client = await client.post("/clients", json={"name": "matrix", "scopes": sorted(CLIENT_SCOPES)})
    token = await anonymous.post(
        "/auth/token",
        data={"grant_type": "client_credentials"},
        auth=(api_client.json()["client_id"], api_client.json()["client_secret"]),
    )
    machine = await sign_in("observer")  # any transport; replace its token with the machine's
    machine.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return {
        "admin": client,
        "coordinator": await sign_in("coordinator"),
        "focal_point": await sign_in("focal_point", agency_id=uuid.UUID(agency.json()["id"])),
        "trainer": await sign_in("trainer", trainer_id=uuid.UUID(trainer.json()["id"])),
        "observer": await sign_in("observer"),
        "client": machine,
        "anonymous": anonymous,
    }


async def test_each_role_gets_what_the_table_says(app, callers):
    failures = []
    for key, method, path in operations(app):
        if key in SCIM_ROUTES:
            continue
        expected = PUBLIC if key in UNDOCUMENTED_PUBLIC else EXPECTED[key]
        url = fill(path)
        if url.startswith("/api/v1"):
            url = url[len("/api/v1") :]
        else:
            url = "http://test" + url
        for role, caller in callers.items():
            kwargs = {}
            if method in ("POST", "PUT", "PATCH"):
                kwargs = {"data": {}} if key == "issue_token" else {"json": {}}
            r = await caller.request(method, url, **kwargs)
            if expected == PUBLIC:
                ok = r.status_code not in (401, 403)
            elif role == "anonymous":
                ok = r.status_code == 401
            elif role in expected:
                ok = r.status_code not in (401, 403)
            else:
                ok = r.status_code == 403
            if not ok:
                failures.append(f"{role:12} {method:6} {path} -> {r.status_code}")
            assert r.status_code < 500, f"{role} {method} {path}: {r.status_code} {r.text}"
            assert r.status_code < 400 or r.headers["content-type"].startswith("application/problem+json"), r.text
    assert failures == []
