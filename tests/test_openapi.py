"""openapi.json is generated from the app and committed; it must not drift."""

import json
from pathlib import Path

from api.openapi import TARGET, render


def test_committed_openapi_matches_the_app():
    assert TARGET.exists(), "openapi.json is missing: run `make openapi`"
    committed = json.loads(Path(TARGET).read_text(encoding="utf-8"))
    assert committed == json.loads(render()), "openapi.json is stale: run `make openapi` and commit it"


def test_every_operation_is_named_summarised_and_documents_its_errors():
    # The committed document: the test above holds it equal to the app's.
    spec = json.loads(Path(TARGET).read_text(encoding="utf-8"))
    seen = set()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert op.get("operationId"), f"{method} {path} has no operation_id"
            assert op["operationId"] not in seen, f"duplicate operation_id {op['operationId']}"
            seen.add(op["operationId"])
            assert op.get("summary"), f"{method} {path} has no summary"
            errors = {code for code in op["responses"] if code.startswith(("4", "5"))}
            assert {"422", "500"} <= errors, f"{method} {path} documents no error responses"
            if "{" in path:
                assert "404" in errors, f"{method} {path} takes an id but documents no 404"
