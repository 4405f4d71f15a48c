"""The hostile files of issue 17, uploaded as an importer would: each is a 413 naming the limit it
would pass, or a 422 naming what is wrong, within seconds, on both import routes and whether sent
as a multipart field or as the body itself. tests/api/test_hostile_server.py sends them again to
a real server while another client keeps asking for /me."""

from __future__ import annotations

import time

from tests.api.catalogue_data import cycle, disciplines, make_module, programme  # noqa: F401  (fixtures)
from tests.crafted_xlsx import dimension_bomb, shared_strings_bomb, sparse_rows
from tests.problems import assert_problem, error_fields

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BIG_CELL_CSV = b"external_id,full_name_ar\nE-1," + b"x" * 131_073 + b"\n"  # past the csv module's own limit
DEEP_JSON = b'{"rows": ' + b"[" * 1000 + b"]" * 1000 + b"}"
# (what, content, media, the status, the setting a 413 names)
HOSTILE = [
    ("declared dimension A1:XFD1048576", dimension_bomb(), XLSX, 413, "import_max_rows_read"),
    ("a row at line 1,048,576", sparse_rows(), XLSX, 413, "import_max_rows_read"),
    ("1 GiB of shared strings in 1 MiB", shared_strings_bomb(), XLSX, 413, "import_max_member_bytes"),
    ("a CSV cell of 131,073 characters", BIG_CELL_CSV, "text/csv", 413, "import_max_cell_chars"),
    ("JSON rows nested 1,000 deep", DEEP_JSON, "application/json", 422, None),
]


def check(r, status: int, limit: str | None, what: str) -> dict:
    body = assert_problem(r, status)
    assert error_fields(body) == {"file"}, what
    assert body.get("limit") == limit, (what, body)
    return body


async def test_every_hostile_file_is_a_4xx_naming_the_limit_within_seconds(client):
    for what, content, media, status, limit in HOSTILE:
        for sent in ("multipart", "body"):
            started = time.monotonic()
            if sent == "multipart":
                r = await client.post(
                    "/officers/imports", params={"source": "hr"}, files={"file": ("upload", content, media)}
                )
            else:
                r = await client.post(
                    "/officers/imports", params={"source": "hr"}, content=content, headers={"content-type": media}
                )
            check(r, status, limit, f"{what} ({sent})")
            assert time.monotonic() - started < 5, f"{what} ({sent}) took {time.monotonic() - started:.1f} s"


async def test_a_list_of_nominees_is_read_within_the_same_limits(client, cycle):
    module = await make_module(client, cycle["id"], "HOSTILE-1")
    for what, content, media, status, limit in HOSTILE:
        r = await client.post(
            f"/modules/{module['id']}/nominations/imports", files={"file": ("upload", content, media)}
        )
        check(r, status, limit, what)


async def test_the_413_says_what_to_do(client):
    r = await client.post(
        "/officers/imports", params={"source": "hr"}, files={"file": ("o.xlsx", dimension_bomb(), XLSX)}
    )
    body = check(r, 413, "import_max_rows_read", "dimension")
    assert body["type"] == "/problems/content-too-large" and "A1:XFD1048576" in body["detail"]
    rows = [{"external_id": f"E-{n}", "note": "x" * 40_000} for n in range(2)]
    r = await client.post("/officers/imports", params={"source": "hr"}, json={"rows": rows})
    assert "longer than 32767 characters" in check(r, 413, "import_max_cell_chars", "long cell")["detail"]


def test_the_import_routes_document_their_413_and_422(app):
    paths = app.openapi()["paths"]
    for path in ("/api/v1/officers/imports", "/api/v1/modules/{module_id}/nominations/imports"):
        responses = paths[path]["post"]["responses"]
        assert "import_max_rows_read" in responses["413"]["description"], path
        assert "cannot be read as rows" in responses["422"]["description"], path
