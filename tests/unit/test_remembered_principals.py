"""The principal behind a token, remembered for a moment (domain/auth/remembered.py): the rules of
the cache itself, without a database."""

import time
import uuid

from domain.auth import remembered
from domain.auth.principal import Principal, Role
from domain.auth.remembered import RememberedPrincipals


def _principal(name: str = "focal") -> Principal:
    return Principal(id=uuid.uuid4(), name=name, role=Role.focal_point, agency_id=uuid.uuid4())


def test_kept_until_the_recheck_then_read_again():
    kept = RememberedPrincipals(seconds=0.2)
    p = _principal()
    kept.put("t", p, read_at_epoch=remembered.epoch(), token_expires=time.time() + 60)
    assert kept.get("t") is p
    time.sleep(0.25)
    assert kept.get("t") is None
    assert len(kept) == 0


def test_never_past_the_tokens_own_expiry():
    kept = RememberedPrincipals(seconds=60)
    kept.put("t", _principal(), read_at_epoch=remembered.epoch(), token_expires=time.time() - 0.001)
    assert kept.get("t") is None


def test_a_change_to_any_account_forgets_every_principal():
    kept = RememberedPrincipals(seconds=60)
    kept.put("a", _principal("a"), read_at_epoch=remembered.epoch(), token_expires=time.time() + 60)
    kept.put("b", _principal("b"), read_at_epoch=remembered.epoch(), token_expires=time.time() + 60)
    remembered.accounts_changed()
    assert kept.get("a") is None and kept.get("b") is None


def test_a_principal_read_while_an_account_changed_is_not_kept():
    kept = RememberedPrincipals(seconds=60)
    before_the_read = remembered.epoch()
    remembered.accounts_changed()  # a write (or its commit) while the account was being read
    kept.put("t", _principal(), read_at_epoch=before_the_read, token_expires=time.time() + 60)
    assert kept.get("t") is None and len(kept) == 0


def test_zero_seconds_reads_on_every_request():
    kept = RememberedPrincipals(seconds=0)
    kept.put("t", _principal(), read_at_epoch=remembered.epoch(), token_expires=time.time() + 60)
    assert kept.get("t") is None and len(kept) == 0


def test_bounded_the_oldest_goes_first():
    kept = RememberedPrincipals(seconds=60, maxsize=2)
    for token in ("a", "b", "c"):
        kept.put(token, _principal(token), read_at_epoch=remembered.epoch(), token_expires=time.time() + 60)
    assert len(kept) == 2 and kept.get("a") is None and kept.get("c") is not None


def test_writes_to_account_tables_are_recognised_and_others_are_not():
    matches = remembered._WRITES_TO.match
    for sql in (
        "UPDATE users SET disabled=? WHERE users.id = ?",
        'INSERT INTO "user_programmes" (user_id, programme_id) VALUES (%(user_id)s, %(programme_id)s)',
        "DELETE FROM api_clients WHERE api_clients.id = ?",
        "insert or replace into users (id) values (1)",
        "DELETE FROM web_sessions WHERE web_sessions.id IN (?)",
    ):
        found = matches(sql)
        assert found is not None and found.group(1).lower() in remembered.WATCHED_TABLES, sql
    for sql in (
        "SELECT users.id FROM users",
        "UPDATE officers SET version=? WHERE officers.id = ?",
        "INSERT INTO user_sessions (id) VALUES (?)",
        "UPDATE web_sessions_archive SET x = 1",
        "DELETE FROM users_archive WHERE id = ?",
    ):
        found = matches(sql)
        assert found is None or found.group(1).lower() not in remembered.WATCHED_TABLES, sql
