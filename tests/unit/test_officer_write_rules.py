"""The officers' one write path, its shared rules without a database: what a bulk-created officer
takes by default is what the model defaults, and both paths derive the same name keys and events."""

from datetime import UTC, datetime

from domain.ids import uuid7
from domain.models.officers import Officer
from domain.officers.bulk import officer_defaults
from domain.officers.names import arabic_key, latin_key, user_name_key
from domain.officers.writes import derived_keys, event_fields, officer_event


def test_a_bulk_officer_takes_every_column_as_the_model_defaults_it():
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    defaults = officer_defaults(now)
    assert set(defaults) == {c.name for c in Officer.__table__.columns}
    assert defaults["version"] == 1 and defaults["name_parts"] == {}
    assert defaults["created_at"] == defaults["updated_at"] == now
    assert defaults["deactivated_at"] is None and defaults["user_name"] is None
    assert defaults["id"].version == 7


def test_name_keys_are_derived_from_whichever_names_are_given():
    assert derived_keys({"rank": "Major"}) == {}
    assert derived_keys({"full_name_ar": "أحمد", "name_latin": "Ahmed", "user_name": "A.Ahmed"}) == {
        "full_name_ar_key": arabic_key("أحمد"),
        "name_latin_key": latin_key("Ahmed"),
        "user_name_key": user_name_key("A.Ahmed"),
    }
    assert derived_keys({"user_name": None}) == {"user_name_key": None}


def test_officer_events_name_active_and_leave_derived_keys_out():
    assert event_fields(["rank", "deactivated_at", "name_latin", "name_latin_key"]) == ["active", "name_latin", "rank"]
    officer_id, agency_id = uuid7(), uuid7()
    assert officer_event(officer_id, agency_id, active=True) == {
        "resource_id": officer_id,
        "officer_id": officer_id,
        "agency_id": agency_id,
        "data": {"agency_id": agency_id, "active": True},
    }
