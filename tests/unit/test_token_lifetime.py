"""Tokens signed with the real key are still refused when they claim what we never issue: an iat
in the future, a lifetime beyond ACCESS_TOKEN_MINUTES, or no iat or exp at all."""

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.auth.tokens import CLOCK_SKEW_SECONDS, InvalidToken, KeyRing
from domain.settings import Settings

YEAR = 365 * 24 * 3600


@pytest.fixture(scope="module")
def keyring(tmp_path_factory: pytest.TempPathFactory) -> KeyRing:
    key_dir: Path = tmp_path_factory.mktemp("keys")
    return KeyRing(Settings(key_dir=key_dir, generate_keys=True, access_token_minutes=30))


def signed(keyring: KeyRing, **claims: object) -> str:
    """A token signed by the real key, with the right issuer and audience, and these claims."""
    now = int(time.time())
    payload = {"sub": "user:x", "iss": keyring.issuer, "aud": keyring.audience, "iat": now, "exp": now + 600}
    payload.update(claims)
    return keyring.sign({k: v for k, v in payload.items() if v is not None})


def test_a_token_we_issue_is_accepted(keyring: KeyRing) -> None:
    token, ttl = keyring.issue_access_token(subject="user:x", claims={})
    claims = keyring.decode(token)
    assert claims["exp"] - claims["iat"] == ttl == 30 * 60


def test_the_full_configured_lifetime_is_accepted_and_one_second_more_is_not(keyring: KeyRing) -> None:
    now = int(time.time())
    assert keyring.decode(signed(keyring, iat=now, exp=now + 30 * 60))["sub"] == "user:x"
    with pytest.raises(InvalidToken, match="lifetime"):
        keyring.decode(signed(keyring, iat=now, exp=now + 30 * 60 + 1))


def test_ten_years_of_life_are_refused(keyring: KeyRing) -> None:
    now = int(time.time())
    with pytest.raises(InvalidToken, match="lifetime"):
        keyring.decode(signed(keyring, iat=now, exp=now + 10 * YEAR))


def test_an_iat_years_ahead_is_refused(keyring: KeyRing) -> None:
    now = int(time.time())
    with pytest.raises(InvalidToken, match="future"):
        keyring.decode(signed(keyring, iat=now + 3 * YEAR, exp=now + 3 * YEAR + 600))


def test_an_iat_within_the_clock_skew_is_accepted_beyond_it_refused(keyring: KeyRing) -> None:
    now = int(time.time())
    ahead = now + CLOCK_SKEW_SECONDS - 5  # another process's clock a little ahead of ours
    assert keyring.decode(signed(keyring, iat=ahead, exp=ahead + 600))["iat"] == ahead
    beyond = now + CLOCK_SKEW_SECONDS + 30
    with pytest.raises(InvalidToken, match="future"):
        keyring.decode(signed(keyring, iat=beyond, exp=beyond + 600))


@pytest.mark.parametrize("missing", ["iat", "exp"])
def test_a_token_without_iat_or_exp_is_refused(keyring: KeyRing, missing: str) -> None:
    with pytest.raises(InvalidToken, match="missing"):
        keyring.decode(signed(keyring, **{missing: None}))


@pytest.mark.parametrize("value", ["1700000000", True, None, [1]])
def test_an_iat_that_is_not_a_number_is_refused(keyring: KeyRing, value: object) -> None:
    token = signed(keyring, iat=value) if value is not None else signed(keyring, iat={"at": 1})
    with pytest.raises(InvalidToken):
        keyring.decode(token)


def test_a_shorter_configured_lifetime_refuses_tokens_issued_under_a_longer_one(tmp_path: Path) -> None:
    """Lowering ACCESS_TOKEN_MINUTES ends the longer tokens still in circulation."""
    long_lived = KeyRing(Settings(key_dir=tmp_path, generate_keys=True, access_token_minutes=60))
    short_lived = KeyRing(Settings(key_dir=tmp_path, generate_keys=True, access_token_minutes=15))  # the same key pair
    token, _ = long_lived.issue_access_token(subject="user:x", claims={}, now=datetime.now(UTC) - timedelta(minutes=1))
    assert long_lived.decode(token)["sub"] == "user:x"
    with pytest.raises(InvalidToken, match="lifetime"):
        short_lived.decode(token)
