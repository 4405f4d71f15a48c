"""Officers through HTTP: CRUD, subtree filter, Arabic/Latin name search, duplicates, external ids."""

from __future__ import annotations

import uuid

import pytest

from tests.problems import assert_problem, error_fields

PROBLEM = "application/problem+json"


async def create_agency(
    client, name_en: str = "Federal Police", name_ar: str = "الشرطة الاتحادية", parent_id: str | None = None
) -> dict:
    r = await client.post(
        "/agencies", json={"name_en": name_en, "name_ar": name_ar, "kind": "police", "parent_id": parent_id}
    )
    assert r.status_code == 201, r.text
    return r.json()


def officer_body(
    agency_id: str, full_name_ar: str = "أحمد علي حسين", name_latin: str = "Ahmed Ali Hussein", **extra
) -> dict:
    return {"agency_id": agency_id, "full_name_ar": full_name_ar, "name_latin": name_latin, "sex": "male"} | extra


async def create_officer(
    client, agency_id: str, full_name_ar: str = "أحمد علي حسين", name_latin: str = "Ahmed Ali Hussein", **extra
) -> dict:
    r = await client.post("/officers", json=officer_body(agency_id, full_name_ar, name_latin, **extra))
    assert r.status_code == 201, r.text
    return r.json()


async def search(client, **params) -> list[str]:
    r = await client.get("/officers", params=params | {"limit": 200})
    assert r.status_code == 200, r.text
    return [o["id"] for o in r.json()["items"]]


# --- CRUD -------------------------------------------------------------------------------------


async def test_officer_crud(client):
    agency = await create_agency(client)
    body = officer_body(
        agency["id"],
        "فاطمة حسن كاظم",
        "Fatima Hassan Kadhim",
        sex="female",
        rank="Captain",
        job_title="Analyst",
        name_parts={"given": "فاطمة", "father": "حسن", "grandfather": "كاظم"},
        external_ids=[{"source": "mission-hr", "id": "HR-0001"}],
        email="f.kadhim@example.org",
        phone="+964 770 000 0000",
    )
    r = await client.post("/officers", json=body)
    assert r.status_code == 201, r.text
    o = r.json()
    assert r.headers["location"] == f"http://test/api/v1/officers/{o['id']}"
    assert r.headers["etag"] == '"1"'
    assert o["version"] == 1
    assert o["sex"] == "female"
    assert o["full_name_ar"] == "فاطمة حسن كاظم"
    assert o["name_parts"]["given"] == "فاطمة"
    assert o["name_parts"]["family"] is None  # no forced family name
    assert o["external_ids"] == [{"source": "mission-hr", "id": "HR-0001"}]

    r = await client.get(f"/officers/{o['id']}")
    assert r.status_code == 200
    assert r.headers["etag"] == '"1"'
    assert r.json() == o

    r = await client.patch(f"/officers/{o['id']}", json={"rank": "Major"}, headers={"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.json()["rank"] == "Major"
    assert r.json()["version"] == 2
    assert r.headers["etag"] == '"2"'
    assert r.json()["external_ids"] == [{"source": "mission-hr", "id": "HR-0001"}]

    r = await client.patch(f"/officers/{o['id']}", json={"rank": "Colonel"}, headers={"If-Match": '"1"'})
    assert_problem(r, 412, "/problems/precondition-failed")
    assert (await client.get(f"/officers/{o['id']}")).json()["rank"] == "Major"

    # Optional fields can be cleared; required ones cannot.
    r = await client.patch(f"/officers/{o['id']}", json={"rank": None})
    assert r.status_code == 200, r.text
    assert r.json()["rank"] is None
    assert_problem(await client.patch(f"/officers/{o['id']}", json={"sex": None}), 422)

    assert (await client.delete(f"/officers/{o['id']}")).status_code == 204
    assert_problem(await client.get(f"/officers/{o['id']}"), 404, "/problems/not-found")
    # Its external id is free again.
    await create_officer(
        client, agency["id"], "سعد كريم", "Saad Kareem", external_ids=[{"source": "mission-hr", "id": "HR-0001"}]
    )


async def test_full_name_ar_in_latin_script_is_422(client):
    agency = await create_agency(client)
    r = await client.post("/officers", json=officer_body(agency["id"], full_name_ar="Ahmed Ali Hussein"))
    assert error_fields(assert_problem(r, 422, "/problems/validation-error")) == {"full_name_ar"}
    o = await create_officer(client, agency["id"])
    r = await client.patch(f"/officers/{o['id']}", json={"full_name_ar": "Ahmed"})
    assert error_fields(assert_problem(r, 422)) == {"full_name_ar"}


async def test_sex_missing_or_unknown_is_422(client):
    agency = await create_agency(client)
    body = officer_body(agency["id"])
    del body["sex"]
    r = await client.post("/officers", json=body)
    assert error_fields(assert_problem(r, 422, "/problems/validation-error")) == {"sex"}
    r = await client.post("/officers", json=officer_body(agency["id"], sex="unknown"))
    assert error_fields(assert_problem(r, 422)) == {"sex"}


async def test_unknown_agency_is_422_naming_the_field(client):
    r = await client.post("/officers", json=officer_body(str(uuid.uuid4())))
    assert error_fields(assert_problem(r, 422)) == {"agency_id"}


async def test_bad_contact_fields_are_422(client):
    agency = await create_agency(client)
    r = await client.post("/officers", json=officer_body(agency["id"], email="not-an-email"))
    assert "email" in error_fields(assert_problem(r, 422))
    r = await client.post("/officers", json=officer_body(agency["id"], date_of_birth="2999-01-01"))
    assert "date_of_birth" in error_fields(assert_problem(r, 422))
    r = await client.post(
        "/officers",
        json=officer_body(agency["id"], external_ids=[{"source": "hr", "id": "1"}, {"source": "hr", "id": "2"}]),
    )
    assert_problem(r, 422)


# --- filters and search -----------------------------------------------------------------------


async def test_agency_filter_includes_sub_units(client):
    moi = await create_agency(client, "Ministry of Interior", "وزارة الداخلية")
    ceid = await create_agency(
        client, "Criminal Evidence Investigation Directorate", "مديرية تحقيق الأدلة الجنائية", moi["id"]
    )
    lab = await create_agency(client, "CEID laboratory", "مختبر", ceid["id"])
    moj = await create_agency(client, "Ministry of Justice", "وزارة العدل")
    a = await create_officer(client, moi["id"], "علي حسن", "Ali Hassan")
    b = await create_officer(client, ceid["id"], "عمر خالد", "Omar Khalid")
    c = await create_officer(client, lab["id"], "زينب جاسم", "Zainab Jasim", sex="female")
    d = await create_officer(client, moj["id"], "حيدر سالم", "Haider Salim")

    assert set(await search(client, agency_id=moi["id"])) == {a["id"], b["id"], c["id"]}
    assert set(await search(client, agency_id=ceid["id"])) == {b["id"], c["id"]}
    assert set(await search(client, agency_id=lab["id"])) == {c["id"]}
    assert set(await search(client, agency_id=moj["id"])) == {d["id"]}
    assert await search(client, agency_id=str(uuid.uuid4())) == []
    assert set(await search(client, agency_id=moi["id"], sex="female")) == {c["id"]}


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("أحمد علي حسين", "احمد"),  # hamza above alef
        ("إبراهيم خليل", "ابراهيم"),  # hamza below alef
        ("آمنة يوسف", "امنه"),  # madda alef and taa marbuta
        ("فاطمة حسن", "فاطمه"),  # taa marbuta
        ("مصطفى كمال", "مصطفي"),  # alef maksura
        ("مُحَمَّد جَاسِم", "محمد جاسم"),  # harakat and shadda in the stored name
        ("محمد جاسم", "مُحَمَّد"),  # harakat in the query
        ("حســـن عبد الله", "حسن عبد"),  # tatweel
        ("احمد علي حسين", "أحمد"),  # folding works both ways
    ],
)
async def test_arabic_search_after_normalisation(client, stored, query):
    agency = await create_agency(client)
    target = await create_officer(client, agency["id"], stored, "Someone")
    await create_officer(client, agency["id"], "كريم سعد", "Kareem Saad")
    assert await search(client, q=query) == [target["id"]]


async def test_arabic_search_matches_inside_the_name(client):
    agency = await create_agency(client)
    o = await create_officer(client, agency["id"], "علي أحمد حسين", "Ali Ahmed Hussein")
    assert await search(client, q="احمد حسين") == [o["id"]]
    assert await search(client, q="حسين") == [o["id"]]
    assert await search(client, q="جاسم") == []


async def test_latin_search_is_case_and_accent_insensitive(client):
    agency = await create_agency(client)
    o = await create_officer(client, agency["id"], "ماجد حميد", "Majid Hameed")
    e = await create_officer(client, agency["id"], "خوسيه غارسيا", "José García")
    assert await search(client, q="majid") == [o["id"]]
    assert await search(client, q="MAJID HAMEED") == [o["id"]]
    assert await search(client, q="hameed") == [o["id"]]
    assert await search(client, q="jose garcia") == [e["id"]]
    assert await search(client, q="GARCÍA") == [e["id"]]
    assert await search(client, q="majeed") == []  # different spellings are not guessed


async def test_search_does_not_treat_like_wildcards_as_wildcards(client):
    agency = await create_agency(client)
    await create_officer(client, agency["id"], "علي حسن", "Ali Hassan")
    assert await search(client, q="%") == []
    assert await search(client, q="_") == []


async def test_search_combined_with_agency(client):
    a1 = await create_agency(client, "Federal Police", "الشرطة الاتحادية")
    a2 = await create_agency(client, "Counter-Terrorism Service", "جهاز مكافحة الإرهاب")
    o1 = await create_officer(client, a1["id"], "أحمد علي", "Ahmed Ali")
    await create_officer(client, a2["id"], "أحمد علي", "Ahmed Ali")
    assert await search(client, q="احمد علي", agency_id=a1["id"]) == [o1["id"]]


# --- duplicates and external ids -----------------------------------------------------------


async def test_namesake_in_same_agency_is_a_possible_duplicate(client):
    agency = await create_agency(client)
    first = await create_officer(client, agency["id"], "أحمد علي حسين", "Ahmed Ali Hussein")

    # Same name after normalisation, different Latin spelling.
    body = officer_body(agency["id"], "احمد عليّ حسين", "Ahmad Aly Husain")
    r = await client.post("/officers", json=body)
    problem = assert_problem(r, 409, "/problems/possible-duplicate")
    assert [c["id"] for c in problem["candidates"]] == [first["id"]]
    candidate = problem["candidates"][0]
    assert candidate["full_name_ar"] == "أحمد علي حسين"
    assert candidate["name_latin"] == "Ahmed Ali Hussein"
    assert candidate["agency_id"] == agency["id"]
    assert candidate["matched_on"] == "arabic_name"
    # Nothing was created.
    assert await search(client, agency_id=agency["id"]) == [first["id"]]

    # The coordinator insists: a second person with the same name.
    r = await client.post("/officers", params={"allow_duplicate": "true"}, json=body)
    assert r.status_code == 201, r.text
    second = r.json()
    assert second["id"] != first["id"]
    assert set(await search(client, agency_id=agency["id"])) == {first["id"], second["id"]}

    # A third one lists both.
    r = await client.post("/officers", json=officer_body(agency["id"], "أحمد علي حسين", "Ahmed A. Hussein"))
    problem = assert_problem(r, 409, "/problems/possible-duplicate")
    assert {c["id"] for c in problem["candidates"]} == {first["id"], second["id"]}


async def test_namesake_in_another_agency_is_not_a_duplicate(client):
    a1 = await create_agency(client, "Federal Police", "الشرطة الاتحادية")
    a2 = await create_agency(client, "Counter-Terrorism Service", "جهاز مكافحة الإرهاب")
    await create_officer(client, a1["id"], "أحمد علي حسين")
    await create_officer(client, a2["id"], "أحمد علي حسين")


async def test_same_external_id_is_refused_even_with_allow_duplicate(client):
    a1 = await create_agency(client, "Federal Police", "الشرطة الاتحادية")
    a2 = await create_agency(client, "Counter-Terrorism Service", "جهاز مكافحة الإرهاب")
    first = await create_officer(
        client, a1["id"], "علي حسن", "Ali Hassan", external_ids=[{"source": "mission-hr", "id": "HR-42"}]
    )

    body = officer_body(a2["id"], "عمر خالد", "Omar Khalid", external_ids=[{"source": "mission-hr", "id": "HR-42"}])
    for params in ({}, {"allow_duplicate": "true"}):
        r = await client.post("/officers", params=params, json=body)
        problem = assert_problem(r, 409, "/problems/possible-duplicate")
        assert [(c["id"], c["matched_on"]) for c in problem["candidates"]] == [(first["id"], "external_id")]

    # The same id from another source is a different id.
    r = await client.post(
        "/officers",
        json=officer_body(a2["id"], "عمر خالد", "Omar Khalid", external_ids=[{"source": "invest", "id": "HR-42"}]),
    )
    assert r.status_code == 201, r.text


async def test_external_id_filter(client):
    agency = await create_agency(client)
    o = await create_officer(
        client,
        agency["id"],
        "علي حسن",
        "Ali Hassan",
        external_ids=[{"source": "mission-hr", "id": "HR-7"}, {"source": "invest", "id": "INV-9"}],
    )
    await create_officer(
        client, agency["id"], "عمر خالد", "Omar Khalid", external_ids=[{"source": "mission-hr", "id": "HR-8"}]
    )
    assert await search(client, external_source="mission-hr", external_id="HR-7") == [o["id"]]
    assert await search(client, external_source="invest", external_id="INV-9") == [o["id"]]
    assert await search(client, external_source="invest", external_id="HR-7") == []
    assert await search(client, external_source="mission-hr", external_id="HR-999") == []
    assert len(await search(client, external_source="mission-hr")) == 2
    r = await client.get("/officers", params={"external_source": "mission-hr", "external_id": "HR-7"})
    assert r.json()["items"][0]["external_ids"] == [
        {"source": "invest", "id": "INV-9"},
        {"source": "mission-hr", "id": "HR-7"},
    ]


async def test_patch_external_ids_replaces_them(client):
    agency = await create_agency(client)
    o = await create_officer(
        client,
        agency["id"],
        "علي حسن",
        "Ali Hassan",
        external_ids=[{"source": "mission-hr", "id": "HR-1"}, {"source": "invest", "id": "INV-1"}],
    )

    r = await client.patch(
        f"/officers/{o['id']}",
        json={"external_ids": [{"source": "invest", "id": "INV-1"}, {"source": "gtts", "id": "G-5"}]},
        headers={"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    assert r.headers["etag"] == '"2"'
    assert sorted((e["source"], e["id"]) for e in r.json()["external_ids"]) == [("gtts", "G-5"), ("invest", "INV-1")]
    got = (await client.get(f"/officers/{o['id']}")).json()
    assert sorted((e["source"], e["id"]) for e in got["external_ids"]) == [("gtts", "G-5"), ("invest", "INV-1")]
    assert got["version"] == 2

    assert await search(client, external_source="mission-hr", external_id="HR-1") == []
    assert await search(client, external_source="gtts", external_id="G-5") == [o["id"]]

    # Replace an id of the same source with a new value.
    r = await client.patch(f"/officers/{o['id']}", json={"external_ids": [{"source": "invest", "id": "INV-2"}]})
    assert r.status_code == 200, r.text
    assert r.json()["external_ids"] == [{"source": "invest", "id": "INV-2"}]
    assert r.json()["version"] == 3
    assert await search(client, external_source="invest", external_id="INV-1") == []

    # Sending the same list again changes nothing.
    r = await client.patch(f"/officers/{o['id']}", json={"external_ids": [{"source": "invest", "id": "INV-2"}]})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 3

    # An empty list clears them.
    r = await client.patch(f"/officers/{o['id']}", json={"external_ids": []})
    assert r.status_code == 200, r.text
    assert r.json()["external_ids"] == []
    assert r.json()["version"] == 4

    # The freed id can be used by someone else.
    await create_officer(
        client, agency["id"], "عمر خالد", "Omar Khalid", external_ids=[{"source": "invest", "id": "INV-2"}]
    )


async def test_patch_external_id_taken_by_another_officer_is_409(client):
    agency = await create_agency(client)
    a = await create_officer(
        client, agency["id"], "علي حسن", "Ali Hassan", external_ids=[{"source": "mission-hr", "id": "HR-1"}]
    )
    b = await create_officer(client, agency["id"], "عمر خالد", "Omar Khalid")
    r = await client.patch(f"/officers/{b['id']}", json={"external_ids": [{"source": "mission-hr", "id": "HR-1"}]})
    problem = assert_problem(r, 409, "/problems/possible-duplicate")
    assert [c["id"] for c in problem["candidates"]] == [a["id"]]
    got = (await client.get(f"/officers/{b['id']}")).json()
    assert got["external_ids"] == []
    assert got["version"] == 1


async def test_rename_keeps_search_in_step(client):
    agency = await create_agency(client)
    o = await create_officer(client, agency["id"], "علي حسن", "Ali Hassan")
    r = await client.patch(f"/officers/{o['id']}", json={"full_name_ar": "مصطفى جواد", "name_latin": "Mustafa Jawad"})
    assert r.status_code == 200, r.text
    assert await search(client, q="مصطفي") == [o["id"]]
    assert await search(client, q="mustafa") == [o["id"]]
    assert await search(client, q="علي حسن") == []
    assert await search(client, q="hassan") == []
