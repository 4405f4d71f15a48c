"""Parallel guesses from one address do not slip past the sign-in limit: each attempt is counted
before its password is checked, in one statement that queues attempts of the same user name and
address behind each other. A real server, real threads, a scratch database of its own."""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.main import create_app
from tests.conftest import make_settings, migrate, scratch_database
from tests.servers import http_client, serving

GUESSES = 16


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with scratch_database("sign_in_race") as scratch:
        migrate(scratch)
        yield scratch


def test_parallel_guesses_get_the_free_attempts_and_the_waits_no_more(url: str) -> None:
    settings = make_settings(url)
    with serving(create_app(settings)) as base, http_client(base + "/api/v1", timeout=60) as c:

        def guess(_: int) -> int:
            form = {"grant_type": "password", "username": "admin", "password": "a wrong guess"}
            return c.post("/auth/token", data=form).status_code

        started = time.monotonic()
        with ThreadPoolExecutor(GUESSES) as pool:
            answers = Counter(pool.map(guess, range(GUESSES)))
        took = time.monotonic() - started
    assert set(answers) <= {400, 429}, answers
    # The free attempts, plus at most one for each wait (1, 2, 4... s) that could have run out meanwhile.
    waits_run_out = int(math.log2(took + 1))
    assert settings.sign_in_free_failures <= answers[400] <= settings.sign_in_free_failures + waits_run_out, (
        answers,
        took,
    )
    assert answers[429] == GUESSES - answers[400]
