async def test_create_and_get_programme(client):
    r = await client.post(
        "/programmes",
        json={
            "name": "Counter-Terrorism Justice",
            "acronym": "CT JUST",
            "implementer": "FIIAPP",
            "funding_sources": [{"donor": "EU", "instrument": "IcSP"}],
        },
    )
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = await client.get(f"/programmes/{pid}")
    assert r.status_code == 200
    assert r.headers["etag"] == '"1"'
    assert r.json()["funding_sources"] == [{"donor": "EU", "instrument": "IcSP"}]
