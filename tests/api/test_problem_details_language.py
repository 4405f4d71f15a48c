"""The `detail` of a problem in the reader's language (issue 19, item 3): one request per family of
errors, asked in English and in Arabic. The detail is Arabic with Accept-Language: ar and English
otherwise, its parameters (ids, codes, numbers) are kept as they are, and `type` never changes."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.problems import assert_problem

AR = {"Accept-Language": "ar-IQ,ar;q=0.9"}


async def both(
    send: Callable[..., Awaitable[httpx.Response]], url: str, status: int, type_: str, **kw: Any
) -> tuple[dict, dict]:
    """The same request in English (no Accept-Language) and in Arabic: same status and type."""
    headers = kw.pop("headers", {})
    english = await send(url, headers=headers, **kw)
    arabic = await send(url, headers={**headers, **AR}, **kw)
    en, ar = assert_problem(english, status, type_), assert_problem(arabic, status, type_)
    assert english.headers["content-language"] == "en" and arabic.headers["content-language"] == "ar"
    assert en["detail"] != ar["detail"], "the detail was not translated"
    return en, ar


async def _programme(client: httpx.AsyncClient) -> dict:
    made = await client.post(
        "/programmes", json={"name": "Details", "acronym": uuid.uuid4().hex[:12], "implementer": "UNODC"}
    )
    assert made.status_code == 201, made.text
    return made.json() | {"etag": made.headers["etag"]}


async def test_not_found_names_the_record_and_keeps_its_id(client):
    missing = uuid.uuid4()
    en, ar = await both(client.get, f"/programmes/{missing}", 404, "/problems/not-found")
    assert en["detail"] == f"No programme with id {missing}."
    assert ar["detail"] == f"لا يوجد سجلّ من نوع «برنامج» بالمعرِّف {missing}."
    assert en["id"] == ar["id"] == str(missing)


async def test_a_route_that_does_not_exist(client):
    en, ar = await both(client.get, "/no-such-route", 404, "/problems/not-found")
    assert en["detail"] == "Nothing at /api/v1/no-such-route: check the path (the ids in paths are UUIDs)."
    assert ar["detail"] == "لا شيء على المسار /api/v1/no-such-route: تحقّق من المسار (المعرِّفات في المسارات من نوع UUID)."


async def test_pydantic_validation_keeps_its_errors_list_and_translates_the_detail(client):
    en, ar = await both(client.post, "/programmes", 422, "/problems/validation-error", json={})
    assert en["detail"] == "Check these fields: acronym, implementer, name."
    assert ar["detail"] == "تحقّق من هذه الحقول: acronym, implementer, name."
    assert en["errors"] == ar["errors"]  # machine-readable: field names and Pydantic's messages
    assert {e["field"] for e in ar["errors"]} == {"acronym", "implementer", "name"}


async def test_input_the_domain_refuses(client):
    en, ar = await both(client.get, "/modules?cursor=garbage", 422, "/problems/validation-error")
    assert en["detail"] == "The cursor is not one this API issued."
    assert ar["detail"] == "المؤشّر (cursor) ليس من إصدار هذه الواجهة البرمجية."


async def test_unauthenticated_and_forbidden(anonymous, sign_in):
    en, ar = await both(anonymous.get, "/programmes", 401, "/problems/unauthenticated")
    assert en["detail"].startswith("Sign in first: send Authorization: Bearer <token>")
    assert ar["detail"].startswith("سجّل الدخول أولًا")
    observer = await sign_in("observer")
    body = {"name": "X", "acronym": "X1", "implementer": "X"}
    en, ar = await both(observer.post, "/programmes", 403, "/problems/forbidden", json=body)
    assert en["detail"] == "Your observer access does not include programmes:admin."
    assert ar["detail"] == "صلاحيات دورك (observer) لا تشمل programmes:admin."


async def test_a_stale_if_match(client):
    programme = await _programme(client)
    url = f"/programmes/{programme['id']}"
    en, ar = await both(
        client.patch, url, 412, "/problems/precondition-failed", json={"name": "Y"}, headers={"If-Match": '"99"'}
    )
    version = programme["etag"].strip('"')
    assert en["detail"] == f"The programme changed since you read it (version {version}, you sent 99)."
    assert ar["detail"] == f"تغيّر السجلّ من نوع «برنامج» منذ قرأته (الإصدار {version}، وأرسلتَ 99)."


async def test_a_conflict_with_an_existing_record(client):
    made = await client.post("/disciplines", json={"code": "zz-lang", "label_en": "Z"})
    assert made.status_code == 201, made.text
    body = {"code": "zz-lang", "label_en": "Z"}
    en, ar = await both(client.post, "/disciplines", 409, "/problems/unique-conflict", json=body)
    assert en["detail"] == "The discipline 'zz-lang' already exists."
    assert ar["detail"] == "التخصّص 'zz-lang' موجود من قبل."


async def test_the_token_endpoint_keeps_error_description_in_english(anonymous):
    en, ar = await both(anonymous.post, "/auth/token", 400, "/problems/oauth-error", data={})
    assert en["detail"] == en["error_description"] == "grant_type is required: password or client_credentials."
    assert ar["detail"] == "الحقل grant_type مطلوب: password أو client_credentials."
    assert ar["error"] == "invalid_request" and ar["error_description"] == en["error_description"]  # RFC 6749: ASCII


async def test_details_made_by_middleware(client, anonymous):
    en, ar = await both(
        client.post, "/programmes", 400, "/problems/idempotency-key-invalid", json={}, headers={"Idempotency-Key": ""}
    )
    assert en["detail"].startswith("The Idempotency-Key header is not valid: ")
    assert ar["detail"].startswith("ترويسة Idempotency-Key غير صالحة: ")
    big = {"content": b"x" * 2_000_000, "headers": {"Content-Type": "text/plain"}}
    en, ar = await both(anonymous.post, "/auth/token", 413, "/problems/content-too-large", **big)
    limit = en["detail"].removeprefix("The request body is larger than ").removesuffix(" bytes.")
    assert limit.isdigit() and ar["detail"] == f"جسم الطلب أكبر من {limit} بايت."
