"""Idempotency-Key: a retried POST takes effect once (draft-ietf-httpapi-idempotency-key-header-07)."""
