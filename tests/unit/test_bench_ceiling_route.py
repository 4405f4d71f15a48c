"""GET /bench/ceiling exists only with BENCH_CEILING on, and never appears in the schema."""

import httpx

from api.main import create_app
from tests.conftest import make_settings


async def _get(app, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.get(path)


async def test_the_ceiling_route_is_off_by_default(tmp_path):
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}"), check_schema=False)
    assert (await _get(app, "/bench/ceiling")).status_code == 404


async def test_the_ceiling_route_answers_constant_json_outside_the_schema(tmp_path):
    settings = make_settings(f"sqlite:///{tmp_path / 'x.db'}", bench_ceiling=True)
    app = create_app(settings, check_schema=False)
    r = await _get(app, "/bench/ceiling")
    assert r.status_code == 200 and r.json() == {"status": "ok", "service": "tadrib"}
    # Kept out of the schema (building the whole document here would cost seconds).
    assert [route.include_in_schema for route in app.routes if getattr(route, "path", None) == "/bench/ceiling"] == [
        False
    ]
