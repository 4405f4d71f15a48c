"""The contract: schemathesis drives every operation of the committed openapi.json through the app,
as the demo administrator and as the demo focal point, with every check (server errors, documented
status codes, response schemas, content types, headers, negative and positive data, Allow on 405,
auth ignored), then walks the API statefully along the links it infers. Zero failures.

`make fuzz` runs the same with many more examples."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.generation.modes import GenerationMode

from tests.conftest import ROOT
from tests.contract.conftest import ALIASES, CONTRACT_APP, POOLS, TOKENS

HERE = Path(__file__).parent
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))
# The stateful walk: how many walks and how many calls each (make fuzz raises them).
WALKS = int(os.environ.get("FUZZ_WALKS", "6"))
STEPS = int(os.environ.get("FUZZ_STEPS", "8"))


def _load() -> schemathesis.BaseSchema:
    raw = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    # The same bearer token, described as plain HTTP bearer auth: schemathesis' ignored_auth check
    # only probes apiKey, basic and http schemes, and would skip our OAuth 2.0 one.
    raw["components"]["securitySchemes"]["OAuth2"] = {"type": "http", "scheme": "bearer"}
    config = schemathesis.Config.from_path(HERE / "schemathesis.toml")
    if EXAMPLES:
        config.projects.default.generation.update(max_examples=EXAMPLES)
    loaded = schemathesis.openapi.from_dict(raw, config=config)
    loaded.app = CONTRACT_APP
    return loaded


schema = _load()


def _real(name: str, value: object) -> object:
    """A generated id replaced by a demo record's of the same kind (chosen by the generated value,
    so that runs stay deterministic). Anything that is not a well-formed id is left alone: it is
    the fuzzer's negative data."""
    if isinstance(value, dict):
        return {k: _real(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_real(name, v) for v in value]
    pool = POOLS.get(ALIASES.get(name, name))
    if not pool:
        return value
    if not isinstance(value, str) or not _looks_like(name, value):
        return value
    return pool[int(hashlib.sha256(value.encode()).hexdigest(), 16) % len(pool)]


def _looks_like(name: str, value: str) -> bool:
    if name in ("code", "discipline"):
        return True
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def point_at_demo_records(case):
    """Point the positive parts of a case at demo records; negative parts stay as generated. Done
    when the case is sent (not in a generation hook): the schema's examples are fixed when the
    tests are collected, before the demo data exists."""
    meta = case.meta
    negative = {
        str(getattr(loc, "value", loc))
        for loc, info in (meta.components.items() if meta else ())
        if info.mode == GenerationMode.NEGATIVE
    }
    if case.path_parameters and "path" not in negative:
        case.path_parameters = {k: _real(k, v) for k, v in case.path_parameters.items()}
    if isinstance(case.query, dict) and "query" not in negative:
        case.query = {k: _real(k, v) for k, v in case.query.items()}
    if isinstance(case.body, dict) and "body" not in negative:
        case.body = {k: _real(k, v) for k, v in case.body.items()}
    if case.headers and "Idempotency-Key" in case.headers and "header" not in negative:
        # The tool draws keys from a small space and sends one key with different requests, which
        # the API rightly refuses (422: a key names one request). Each case gets a key of its own.
        case.headers["Idempotency-Key"] = f'"{uuid.uuid4()}"'
    return case


@schema.parametrize()
def test_every_operation_keeps_its_contract(case, contract_connection, contract_tokens):
    point_at_demo_records(case)
    if dropped_authorization(case):
        case.call_and_validate()  # the tool's negative case is the missing token: sent as generated
        return
    for token in contract_tokens.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"})


def dropped_authorization(case) -> bool:
    meta = case.meta
    negative = {
        str(getattr(loc, "value", loc))
        for loc, info in (meta.components.items() if meta else ())
        if info.mode == GenerationMode.NEGATIVE
    }
    return "header" in negative and "authorization" not in {k.lower() for k in (case.headers or {})}


class _Walk(schema.as_state_machine()):  # type: ignore[misc]
    """The stateful phase: schemathesis creates records and follows the links it infers between
    operations (an id from one answer into the next call), checking every answer."""

    role = "admin"

    def get_call_kwargs(self, case):
        point_at_demo_records(case)
        if dropped_authorization(case):  # the negative case is the missing token: sent as generated
            return {}
        return {"headers": {"Authorization": f"Bearer {TOKENS[self.role]}"}}


class _FocalPointWalk(_Walk):
    role = "focal_point"


_BOUNDS = dict(max_examples=WALKS, stateful_step_count=STEPS, deadline=None, derandomize=True, database=None)
_Walk.TestCase.settings = settings(_Walk.TestCase.settings, **_BOUNDS)
_FocalPointWalk.TestCase.settings = settings(_FocalPointWalk.TestCase.settings, **_BOUNDS)
TestWalkAsAdministrator = pytest.mark.usefixtures("contract_connection")(_Walk.TestCase)
TestWalkAsFocalPoint = pytest.mark.usefixtures("contract_connection")(_FocalPointWalk.TestCase)
