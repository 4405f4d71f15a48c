"""The contract: schemathesis drives every operation of the committed openapi.json through the app,
as the demo administrator and as the demo focal point, with every check (server errors, documented
status codes, response schemas, content types, headers, negative and positive data, Allow on 405,
auth ignored), then walks the API statefully along the links it infers. Zero failures.

`make fuzz` runs the same with many more examples."""

from __future__ import annotations

import json
import os
from pathlib import Path

import schemathesis
from hypothesis import settings

from tests.conftest import ROOT
from tests.contract.conftest import CONTRACT_APP

HERE = Path(__file__).parent
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0"))


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


@schema.parametrize()
def test_every_operation_keeps_its_contract(case, contract_connection, contract_tokens):
    for token in contract_tokens.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
