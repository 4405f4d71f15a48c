"""The per-address sign-in limit counts the real peer: X-Forwarded-For is believed only from the
proxies named in settings (TRUSTED_PROXIES), served as `make run` serves (api/serve.py). The
per-address cap across user names is lowered to 5 here, so that seven attempts show it."""

from __future__ import annotations

import httpx
import pytest

from api.main import create_app
from api.serve import proxy_config
from tests.conftest import make_settings, migrate, scratch_database
from tests.servers import http_client, serving


@pytest.fixture(scope="module")
def url():
    with scratch_database("forwarded") as scratch:
        migrate(scratch)
        yield scratch


def attempts(base: str) -> list[int]:
    """Seven wrong sign-ins under seven different user names, each claiming another address."""
    with http_client(base, timeout=30) as c:
        return [
            c.post(
                "/api/v1/auth/token",
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
                data={"grant_type": "password", "username": f"nobody{i}", "password": "wrong-password"},
            ).status_code
            for i in range(7)
        ]


def test_a_rotated_x_forwarded_for_does_not_escape_the_limit(url):
    settings = make_settings(url, sign_in_address_max_failures=5)
    with serving(create_app(settings), **proxy_config(settings)) as base:
        assert attempts(base) == [400] * 5 + [429] * 2


def test_a_named_proxy_is_believed(url):
    settings = make_settings(url, trusted_proxies="127.0.0.1", sign_in_address_max_failures=5)
    with serving(create_app(settings), **proxy_config(settings)) as base:
        assert attempts(base) == [400] * 7  # each forwarded address is counted on its own
