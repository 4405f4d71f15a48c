"""Webhook rules without a database: the retry schedule, Retry-After, signing (targets: test_webhook_targets)."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from domain.settings import Settings
from domain.webhooks.queue import next_attempt
from domain.webhooks.signing import headers, new_secret

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SPEC = Settings().retry_delays


def test_the_default_schedule_is_the_standard_webhooks_one():
    assert SPEC == [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]


def test_retries_follow_the_schedule_with_jitter_then_stop():
    waits = [
        (next_attempt(n, SPEC, retry_after=None, jitter=0.1, rand=0.5, now=NOW) - NOW).total_seconds()
        for n in range(1, len(SPEC) + 1)
    ]
    assert waits == [d * 1.05 for d in SPEC]
    assert next_attempt(len(SPEC) + 1, SPEC, retry_after=None, jitter=0.1, rand=0.5, now=NOW) is None


def test_retry_after_is_honoured_within_the_schedule():
    assert next_attempt(1, SPEC, retry_after=120, jitter=0, rand=0, now=NOW) == NOW + timedelta(seconds=120)
    assert next_attempt(1, SPEC, retry_after=10**9, jitter=0, rand=0, now=NOW) == NOW + timedelta(seconds=86400)
    assert next_attempt(3, SPEC, retry_after=1, jitter=0, rand=0, now=NOW) == NOW + timedelta(seconds=1800)


def test_signatures_verify_with_standardwebhooks_one_per_secret():
    old, new = new_secret(), new_secret()
    body = b'{"id":"e1"}'
    sent = headers([new, old], "e1", int(time.time()), body)
    assert len(sent["webhook-signature"].split()) == 2
    for secret in (old, new):
        assert Webhook(secret).verify(body, sent) == {"id": "e1"}
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, sent)
