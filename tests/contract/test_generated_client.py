"""A client generated from the committed openapi.json with openapi-python-client works as its
users would use it: sign in, page through modules, get one, create a session, PATCH with If-Match
(and a 412 on a stale ETag), and read a 409 and a 422 as typed Problem objects with their fields."""

from __future__ import annotations

import importlib
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from domain.accounts.schemas import UserCreate
from domain.accounts.service import create_user
from domain.auth.principal import Principal
from tests.api.catalogue_data import cycle, disciplines, make_module, programme  # noqa: F401  (fixtures)
from tests.conftest import ROOT

PACKAGE = "tadrib_client"


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from openapi_python_client import generate  # imported here: it costs every worker's collection a second and a half
    from openapi_python_client.config import Config, ConfigFile, MetaType

    out = tmp_path_factory.mktemp("client") / PACKAGE
    config = Config.from_sources(ConfigFile(post_hooks=[]), MetaType.NONE, ROOT / "openapi.json", "utf-8", True, out)
    problems = generate(config=config)
    # The generator has no model for a raw CSV or XLSX body; those uploads also take JSON rows,
    # which it does generate. Anything else it cannot read is a contract bug.
    assert [p for p in problems if not is_file_upload(p.detail)] == []
    sys.path.insert(0, str(out.parent))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out.parent))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


FILE_UPLOADS = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def is_file_upload(detail: str | None) -> bool:
    return any(detail == f"Unsupported content type {media}" for media in FILE_UPLOADS)


def op(package: str, name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.api.{package}.{name}")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def model(name: str) -> Any:
    module = importlib.import_module(f"{PACKAGE}.models")
    return getattr(module, name)


async def test_a_generated_client_signs_in_pages_creates_and_reads_problems(
    generated, app, db, client, programme, cycle
):
    await create_user(
        db,
        principal=Principal.system(),
        data=UserCreate(
            username="client.user", password="generated-2026-pass", role="coordinator", programme_ids=[programme["id"]]
        ),
    )
    for code in ("GEN-1", "GEN-2", "GEN-3"):
        await make_module(client, cycle["id"], code)
    transport = httpx.ASGITransport(app=app)
    anonymous = generated.Client(
        base_url="http://test", httpx_args={"transport": transport}, raise_on_unexpected_status=True
    )

    form = model("BodyIssueToken")(grant_type="password", username="client.user", password="generated-2026-pass")
    signed_in = await op("auth", "issue_token").asyncio(client=anonymous, body=form)
    assert isinstance(signed_in, model("TokenResponse")) and signed_in.token_type == "Bearer"
    api = generated.AuthenticatedClient(
        base_url="http://test",
        token=signed_in.access_token,
        httpx_args={"transport": transport},
        raise_on_unexpected_status=True,
    )

    codes, cursor = [], generated.types.UNSET
    while True:
        page = await op("modules", "list_modules").asyncio(
            client=api, cycle_id=uuid.UUID(cycle["id"]), limit=2, cursor=cursor
        )
        codes += [m.code for m in page.items]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert codes == ["GEN-1", "GEN-2", "GEN-3"]

    got = await op("modules", "get_module").asyncio_detailed(client=api, module_id=page.items[0].id)
    module, etag = got.parsed, got.headers["etag"]
    assert module.code == "GEN-3" and etag == f'"{module.version}"'

    session_body = model("SessionCreate")(
        title="Opening", starts_at=at("2025-01-12T09:00:00+03:00"), ends_at=at("2025-01-12T12:00:00+03:00")
    )
    created = await op("sessions", "create_session").asyncio_detailed(
        client=api, module_id=module.id, body=session_body
    )
    assert created.status_code == 201 and created.parsed.title == "Opening"

    update = model("ModuleUpdate")(capacity=24)
    patched = await op("modules", "update_module").asyncio_detailed(
        client=api, module_id=module.id, body=update, if_match=etag
    )
    assert patched.status_code == 200 and patched.parsed.capacity == 24 and patched.parsed.version == module.version + 1
    stale = await op("modules", "update_module").asyncio_detailed(
        client=api, module_id=module.id, body=update, if_match=etag
    )
    assert stale.status_code == 412 and isinstance(stale.parsed, model("Problem"))
    assert (
        stale.parsed.type_ == "/problems/precondition-failed"
        and stale.parsed.additional_properties["current_version"] == 2
    )

    clash = await op("modules", "create_module").asyncio_detailed(
        client=api,
        body=model("ModuleCreate").from_dict(
            {
                "cycle_id": cycle["id"],
                "code": "GEN-1",
                "title": "Again",
                "discipline": "ilp",
                "format": "course",
                "capacity": 10,
            }
        ),
    )
    assert clash.status_code == 409 and isinstance(clash.parsed, model("Problem"))
    assert clash.parsed.status == 409 and clash.parsed.type_ == "/problems/unique-conflict"

    wrong = await op("sessions", "create_session").asyncio_detailed(
        client=api,
        module_id=module.id,
        body=model("SessionCreate")(
            title="Backwards", starts_at=at("2025-01-12T12:00:00+03:00"), ends_at=at("2025-01-12T09:00:00+03:00")
        ),
    )
    assert wrong.status_code == 422 and isinstance(wrong.parsed, model("Problem"))
    assert [(e.field, e.message) for e in wrong.parsed.errors] == [
        ("ends_at", "Value error, ends_at must be after starts_at")
    ]
