"""Name keys (domain/officers/names.py): pure functions, no database."""

import unicodedata

import pytest

from domain.officers.names import arabic_key, initials, latin_key


@pytest.mark.parametrize(
    ("variant", "folded"),
    [
        ("أحمد", "احمد"),  # alef with hamza above
        ("إبراهيم", "ابراهيم"),  # alef with hamza below
        ("آمنة", "امنه"),  # alef with madda, taa marbuta
        ("ٱلله", "الله"),  # alef wasla
        ("فاطمة", "فاطمه"),  # taa marbuta -> haa
        ("مصطفى", "مصطفي"),  # alef maksura -> yaa
        ("عيسى", "عيسي"),
    ],
)
def test_arabic_key_folds_letters(variant, folded):
    assert arabic_key(variant) == folded
    assert arabic_key(folded) == folded  # idempotent on already-folded text


def test_arabic_key_strips_harakat_shadda_sukun_tanwin():
    assert arabic_key("مُحَمَّد") == "محمد"  # damma, fatha, shadda
    assert arabic_key("عَلِيّ") == "علي"  # fatha, kasra, shadda
    assert arabic_key("حَسَنْ") == "حسن"  # sukun
    assert arabic_key("شُكْرًا") == "شكرا"  # tanwin fath
    assert arabic_key("كِتَابٌ") == "كتاب"  # tanwin damm
    assert arabic_key("رَحْمٰن") == "رحمن"  # superscript (dagger) alef


def test_arabic_key_strips_tatweel():
    assert arabic_key("حســـــن") == "حسن"
    assert arabic_key("مـحـمـد") == "محمد"


def test_arabic_key_combined_variants_meet():
    spellings = ["أَحْمَد عَلِيّ مُصْطَفَى", "احمد علي مصطفي", "أحـمـد  علي   مصطفى", " إحمد علي مصطفى "]
    assert {arabic_key(s) for s in spellings} == {"احمد علي مصطفي"}


def test_arabic_key_normalises_unicode_and_whitespace():
    # Presentation forms (as some PDFs and old systems emit them) fold to the base letters.
    presentation = "\ufee3\ufea3\ufee4\ufeaa"  # م ح م د in contextual forms
    assert arabic_key(presentation) == "محمد"
    # Decomposed hamza (alef + combining hamza above) is the same as the precomposed letter.
    decomposed = "\u0627\u0654حمد"
    assert unicodedata.normalize("NFC", decomposed) == "أحمد"
    assert arabic_key(decomposed) == "احمد"
    assert arabic_key("  علي\tحسن\n كريم ") == "علي حسن كريم"


def test_arabic_key_keeps_distinct_names_distinct():
    assert arabic_key("حسن") != arabic_key("حسين")
    assert arabic_key("علي") != arabic_key("عالي")
    # Only alef maksura folds to yaa: a final alef stays an alef.
    assert arabic_key("مصطفى") != arabic_key("مصطفا")


def test_arabic_key_empty():
    assert arabic_key("") == ""
    assert arabic_key("ـــ") == ""


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Ahmed Ali", "ahmed ali"),
        ("AHMED ALI", "ahmed ali"),
        ("José García", "jose garcia"),
        ("Müller", "muller"),
        ("Straße", "strasse"),  # casefold, not lower
        ("Ḥusayn", "husayn"),  # scholarly transliteration dots
        ("ʿAlī", "ʿali"),  # macron stripped; the ayn sign is a letter, kept
        ("  Majid   Hameed ", "majid hameed"),
    ],
)
def test_latin_key(name, key):
    assert latin_key(name) == key


def test_latin_key_spelling_variants_stay_different():
    # Majid / Majeed are different strings; the key folds case and accents only, it does not guess.
    assert latin_key("Majid") != latin_key("Majeed")


def test_initials():
    assert initials("Ali Hassan Kareem") == "A. H. K."
    assert initials("ali hassan") == "A. H."
    assert initials("  Zainab   Jasim ") == "Z. J."
    assert initials("Ahmed al-Tamimi") == "A. A."
    assert initials("") == ""
    # Non-letters (numbers, punctuation) give no initial.
    assert initials("Officer 007 (retired)") == "O."
