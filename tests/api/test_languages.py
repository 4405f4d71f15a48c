"""Problem titles in the reader's language (Accept-Language, or the signed-in person's saved
preference), with Content-Language and Vary; the type never changes. A person saves a language
and digits on /me; administrators set them on accounts."""

from __future__ import annotations

import uuid

from tests.problems import assert_problem
from tests.web.teaching_data import cycle, disciplines, programme, teaching  # noqa: F401


async def test_a_problem_title_follows_accept_language_and_its_type_does_not(client):
    path = f"/programmes/{uuid.uuid4()}"
    english = await client.get(path)
    arabic = await client.get(path, headers={"Accept-Language": "ar-IQ,ar;q=0.9,en;q=0.5"})
    assert english.status_code == arabic.status_code == 404
    assert english.json()["type"] == arabic.json()["type"] == "/problems/not-found"
    assert english.json()["title"] == "Not found" and arabic.json()["title"] == "غير موجود"
    assert english.headers["content-language"] == "en" and arabic.headers["content-language"] == "ar"
    assert "Accept-Language" in arabic.headers["vary"]
    assert arabic.headers["content-length"] == str(len(arabic.content))


async def test_titles_made_outside_the_handlers_are_translated_too(anonymous):
    too_large = await anonymous.post(
        "/auth/token", content=b"x" * 2_000_000, headers={"Accept-Language": "ar", "Content-Type": "text/plain"}
    )
    assert too_large.status_code == 413 and too_large.json()["title"] == "المحتوى كبير جداً"
    no_route = await anonymous.get("/no-such-route", headers={"Accept-Language": "ar"})
    assert no_route.json()["title"] == "غير موجود"
    assert no_route.json()["type"] == "/problems/not-found"


async def test_the_saved_language_wins_over_accept_language_and_details_are_translated(sign_in):
    trainer = await sign_in("trainer", trainer_id=None)
    saved = await trainer.patch("/me", json={"language": "ar-IQ", "digits": "arab"})
    assert saved.status_code == 200, saved.text
    assert (saved.json()["language"], saved.json()["digits"]) == ("ar", "arab")
    r = await trainer.get(f"/sessions/{uuid.uuid4()}/attendance", headers={"Accept-Language": "en"})
    assert r.status_code == 404 and r.json()["title"] == "غير موجود" and r.headers["content-language"] == "ar"
    cleared = await trainer.patch("/me", json={"language": None})
    assert cleared.json()["language"] is None and cleared.json()["digits"] == "arab"


async def test_a_language_not_served_is_refused_and_named(sign_in):
    person = await sign_in("observer")
    r = await person.patch("/me", json={"language": "fr"})
    assert_problem(r, 422, "/problems/validation-error")
    assert r.json()["errors"][0]["field"] == "language"
    assert (await person.patch("/me", json={"digits": "roman"})).status_code == 422
    assert (await person.get("/me")).json()["language"] is None


async def test_administrators_set_an_accounts_language(client):
    made = await client.post(
        "/users",
        json={
            "username": f"lang-{uuid.uuid4().hex[:6]}",
            "password": "a-long-password-1",
            "role": "observer",
            "language": "ar",
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["language"] == "ar" and made.json()["digits"] is None
    changed = await client.patch(
        f"/users/{made.json()['id']}", json={"digits": "arab"}, headers={"If-Match": made.headers["etag"]}
    )
    assert changed.status_code == 200 and changed.json()["digits"] == "arab"


async def test_messages_written_as_translatable_text_are_rendered_in_the_readers_language(sign_in, teaching):
    trainer = await sign_in("trainer", trainer_id=teaching.trainer.id)
    body = {"marks": [{"officer_id": str(teaching.people[0]), "status": "present"}]}
    url = f"/sessions/{teaching.coming.id}/attendance"
    english = (await trainer.put(url, json=body)).json()["errors"][0]["message"]
    arabic = await trainer.put(url, json=body, headers={"Accept-Language": "ar"})
    assert english.startswith("the session starts at ") and english.endswith(
        "only an excused absence can be recorded before then"
    )
    assert arabic.json()["errors"][0]["message"].startswith("تبدأ الجلسة في ")
    assert arabic.json()["title"] == "مدخلات غير صالحة" and arabic.json()["type"] == "/problems/validation-error"
