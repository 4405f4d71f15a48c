"""GET /bench/ceiling exists only with BENCH_CEILING on, and never appears in the schema."""

import httpx

from api.main import create_app
from domain.settings import Settings


async def _get(app, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.get(path)


async def test_the_ceiling_route_is_off_by_default(tmp_path):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", key_dir=tmp_path / "keys"), check_schema=False)
    assert (await _get(app, "/bench/ceiling")).status_code == 404


async def test_the_ceiling_route_answers_constant_json_outside_the_schema(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", key_dir=tmp_path / "keys", bench_ceiling=True)
    app = create_app(settings, check_schema=False)
    r = await _get(app, "/bench/ceiling")
    assert r.status_code == 200 and r.json() == {"status": "ok", "service": "tadrib"}
    assert "/bench/ceiling" not in app.openapi()["paths"]
