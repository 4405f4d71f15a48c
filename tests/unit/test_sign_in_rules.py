"""The sign-in limit's rules (domain/auth/throttle.py), without a database."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.auth.throttle import Standing, address_key, delay_seconds, refusal
from domain.settings import Settings

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SETTINGS = Settings()  # 5 free, 900 s cap, 100 per address, 20 per user name, 24 h


@pytest.mark.parametrize(
    ("failures", "seconds"), [(0, 0), (4, 0), (5, 1), (6, 2), (7, 4), (14, 512), (15, 900), (10_000, 900)]
)
def test_the_wait_doubles_after_the_free_failures_up_to_the_cap(failures: int, seconds: int) -> None:
    assert delay_seconds(failures, free=5, cap=900) == seconds


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),  # IPv4-mapped: the IPv4 address
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
        ("unknown", "unknown"),  # no peer address (a test transport): counted as given
    ],
)
def test_addresses_count_as_ipv4_or_an_ipv6_64(host: str, key: str) -> None:
    assert address_key(host) == key


def standing(pair: int = 0, *, ago: float = 0.5, user_name: int = 0, address: int = 0) -> Standing:
    last = NOW - timedelta(seconds=ago) if pair else None
    return Standing(pair, last, user_name or pair, address or pair, last)


def test_a_fresh_address_is_never_refused_by_the_user_names_count() -> None:
    assert refusal(standing(0, user_name=10_000), settings=SETTINGS, now=NOW) is None


def test_the_free_failures_pass_then_the_wait_holds() -> None:
    assert refusal(standing(4), settings=SETTINGS, now=NOW) is None
    assert refusal(standing(5, ago=0.5), settings=SETTINGS, now=NOW) == ("for this user name from this address", 2)
    assert refusal(standing(5, ago=1.0), settings=SETTINGS, now=NOW) is None


def test_a_user_name_under_attack_takes_the_free_failures_away() -> None:
    assert refusal(standing(1, ago=0.5, user_name=19), settings=SETTINGS, now=NOW) is None
    assert refusal(standing(1, ago=0.5, user_name=20), settings=SETTINGS, now=NOW) == (
        "for this user name from this address",
        2,
    )


def test_the_address_cap_holds_until_its_oldest_failure_ages_out() -> None:
    refused = refusal(standing(1, ago=3600, address=100), settings=SETTINGS, now=NOW)
    assert refused == ("from this address", 23 * 3600 + 1)
    assert refusal(standing(1, ago=3600, address=99), settings=SETTINGS, now=NOW) is None
