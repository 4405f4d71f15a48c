"""Schemathesis (property-based, from the committed openapi.json) against the integration
routes: the upsert by external id and the imports (machine clients keep the crud routes' contract). Every
generated request must get a documented status, content type and schema, never a 5xx.
SCIM is outside the OpenAPI document (scim2-tester checks it: tests/api/scim/)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from api.main import create_app
from domain.auth.principal import Role
from domain.models.auth import User
from tests.conftest import _TMP, DATABASE_URL, TestSessions, make_settings
from tests.need_to_know_guard import NeedToKnowGuard

os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(_TMP / "hypothesis"))
ROOT = Path(__file__).resolve().parents[2]
CONFIG = schemathesis.Config.from_dict(
    {
        "suppress-health-check": ["all"],
        "generation": {"max-examples": 6, "deterministic": True, "database": "none"},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        # Unknown referenced ids (an agency, a module) are 422 by this API's convention; a random If-Match
        # is stale (412).
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "412", "422"]},
            # An If-Match that is no ETag of ours is a failed precondition (412), whatever else is wrong.
            "negative_data_rejection": {
                "expected-statuses": [
                    "400",
                    "401",
                    "403",
                    "404",
                    "405",
                    "406",
                    "409",
                    "412",
                    "415",
                    "422",
                    "428",
                    "429",
                ]
            },
        },
    }
)

APP = create_app(
    make_settings(DATABASE_URL),
    check_schema=False,
)
APP.state.sessions = TestSessions()
schema = schemathesis.openapi.from_path(str(ROOT / "openapi.json"), config=CONFIG)
schema.app = APP
INTEGRATION = schema.include(path_regex=r"(/imports|/by-external-id/)")


@pytest.fixture
async def admin_token(database_url, connection, db):
    APP.state.sessions.connection = connection
    user = User(username=f"st-admin-{uuid.uuid4().hex[:8]}", password_hash="!", role=Role.admin, disabled=False)
    user.programmes = []
    db.add(user)
    await db.flush()
    token, _ = APP.state.keyring.issue_access_token(subject=f"user:{user.id}", claims={"role": "admin"})
    with NeedToKnowGuard() as guard:
        yield token
    APP.state.sessions.connection = None
    assert not guard.bypasses, guard.bypasses


@INTEGRATION.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None)
def test_integration_routes_keep_their_contract(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"})
