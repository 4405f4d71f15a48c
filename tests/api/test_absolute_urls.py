"""Every URL the API hands out is absolute, on PUBLIC_URL when the server is configured with one
(behind a proxy, here under a path prefix), else on the URL the client called: a calendar feed to
subscribe to, Location, Link, and SCIM's locations."""

from __future__ import annotations

import httpx
import pytest

from tests.api.catalogue_data import cycle, disciplines, programme  # noqa: F401  (fixtures)
from tests.api.scim.conftest import OFFICER, USER

PUBLIC = "https://tadrib.example.org/training"


@pytest.fixture
def public_url(app, monkeypatch):
    monkeypatch.setattr(app.state.settings, "public_url", PUBLIC + "/")  # a trailing slash is forgiven
    return PUBLIC


async def _feed_url(client, cycle) -> str:
    r = await client.post("/calendar/feeds", json={"kind": "cycle", "target_id": cycle["id"]})
    assert r.status_code == 201, r.text
    return r.json()["url"]


async def test_without_a_public_url_they_are_on_the_url_called(client, cycle, anonymous):
    url = await _feed_url(client, cycle)
    assert url.startswith("http://test/api/v1/calendar/feeds/") and url.endswith(".ics")
    subscribed = await anonymous.get(url)  # what a calendar program does with it, signed in as nobody
    assert subscribed.status_code == 200 and subscribed.headers["content-type"].startswith("text/calendar")
    r = await client.post("/venues", json={"name": "Hall A", "city": "Baghdad", "capacity": 20})
    assert r.headers["location"] == f"http://test/api/v1/venues/{r.json()['id']}"
    for name in ("Hall B", "Hall C"):
        await client.post("/venues", json={"name": name, "city": "Baghdad", "capacity": 20})
    page = await client.get("/venues", params={"limit": 1})
    link = page.headers["link"]
    assert link.startswith("<http://test/api/v1/venues?") and "limit=1" in link and "cursor=" in link


async def test_with_a_public_url_they_are_on_it(client, cycle, public_url, machine):
    url = await _feed_url(client, cycle)
    assert url.startswith(f"{PUBLIC}/api/v1/calendar/feeds/") and url.endswith(".ics")
    created = await client.post("/venues", json={"name": "Hall A", "city": "Baghdad", "capacity": 20})
    assert created.headers["location"] == f"{PUBLIC}/api/v1/venues/{created.json()['id']}"
    await client.post("/venues", json={"name": "Hall B", "city": "Baghdad", "capacity": 20})
    link = (await client.get("/venues", params={"limit": 1})).headers["link"]
    assert link.startswith(f"<{PUBLIC}/api/v1/venues?") and link.endswith('>; rel="next"')
    # What the proxy forwards to: the path after PUBLIC_URL is the app's own.
    following = httpx.URL(link[1 : link.index(">")])
    forwarded = following.path.removeprefix("/training/api/v1")
    assert (await client.get(forwarded, params=following.params)).status_code == 200

    agency = (await client.post("/agencies", json={"name_en": "URL Agency", "name_ar": "جهة", "kind": "police"})).json()
    scim = await machine(["scim"], agency_id=agency["id"], base_url="http://test/scim/v2/")
    body = {"schemas": [USER, OFFICER], "userName": "url.user", OFFICER: {"arabicName": "علي حسن كريم", "sex": "male"}}
    provisioned = await scim.post("Users", json=body)
    assert provisioned.status_code == 201, provisioned.text
    location = f"{PUBLIC}/scim/v2/Users/{provisioned.json()['id']}"
    assert provisioned.headers["location"] == location and provisioned.json()["meta"]["location"] == location
