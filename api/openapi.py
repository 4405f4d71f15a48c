"""Writes openapi.json from the app: `python -m api.openapi` (make openapi). A test compares."""

import json
from pathlib import Path

from api.main import create_app
from domain.settings import Settings

TARGET = Path(__file__).resolve().parents[1] / "openapi.json"


def render() -> str:
    app = create_app(Settings(database_url="sqlite:///:memory:", generate_keys=True), check_schema=False)
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
