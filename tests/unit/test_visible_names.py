"""Names are stored without the characters that do not show (domain/text.py): bidi controls and
zero-width characters are removed, the zero-width non-joiner stays where Persian and Kurdish
spelling use it, and every schema a name passes through applies the same rule."""

import sys
import unicodedata

import pytest
from pydantic import ValidationError

from domain.accounts.schemas import ClientCreate, ClientUpdate
from domain.officers.names import arabic_key, latin_key, user_name_key
from domain.officers.schemas import OfficerCreate, OfficerUpdate, OfficerUpsert
from domain.scim.schema import comparison_key
from domain.text import visible

ZWNJ, ZWJ = "\u200c", "\u200d"
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
MARKS = ["\u200e", "\u200f", "\u061c"]
ZERO_WIDTH = ["\u200b", ZWJ, "\u2060", "\ufeff", "\u00ad", "\u180e", "\u034f", "\u3164", "\ufe0f"]
ONE_OFFICER = {"agency_id": "0190a3c0-0000-7000-8000-000000000001", "sex": "male"}


@pytest.mark.parametrize("char", BIDI + MARKS + ZERO_WIDTH, ids=lambda c: f"U+{ord(c):04X}")
def test_each_invisible_character_is_removed_from_latin_and_arabic_names(char: str) -> None:
    assert visible(f"Ali{char} Hassan{char}") == "Ali Hassan"
    assert visible(f"{char}علي{char}حسن") == "عليحسن"


def test_a_right_to_left_override_no_longer_reverses_a_name() -> None:
    # "Ali" + RLO + "nassaH": shown as "Ali Hassan" on a roster, stored as something else.
    assert visible("Ali \u202enassaH\u202c") == "Ali nassaH"


def test_every_format_character_of_this_pythons_unicode_is_removed_but_the_joiners() -> None:
    """The pattern is written out (fast); this checks that it misses none of Unicode's list."""
    formats = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    missed = [f"U+{ord(c):04X}" for c in formats if c not in (ZWNJ, ZWJ) and visible(f"a{c}ب") != "aب"]
    assert missed == []


@pytest.mark.parametrize(
    "spelled",
    [
        "می\u200cخواهم",  # Persian: mi + ZWNJ + khaham
        "نامه\u200cها",  # Persian plural: name + ZWNJ + ha
        "ئه\u200cو",  # Sorani as older keyboards type ە: heh + ZWNJ, before waw
        "به\u200cختیار",  # Bakhtiyar, Sorani, the same way
    ],
)
def test_the_zero_width_non_joiner_stays_where_persian_and_kurdish_spelling_need_it(spelled: str) -> None:
    assert visible(spelled) == spelled


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Ali\u200cHassan", "AliHassan"),  # Latin letters do not join: it shows nothing
        ("ا\u200cحمد", "احمد"),  # after alef, which never joins on to the next letter
        ("\u200cعلي", "علي"),  # at the start
        ("علي\u200c", "علي"),  # at the end
        ("علي\u200c حسن", "علي حسن"),  # before a space
        ("می\u200c\u200c\u200cخواهم", "می\u200cخواهم"),  # a run shows as one
        ("می\u200f\u200c\u200eخواهم", "می\u200cخواهم"),  # marks around it go, it stays
    ],
)
def test_the_zero_width_non_joiner_goes_where_it_shows_nothing(given: str, stored: str) -> None:
    assert visible(given) == stored


def test_the_zero_width_joiner_stays_only_after_a_virama() -> None:
    assert visible("क्\u200dष") == "क्\u200dष"  # Devanagari half form: it shows
    assert visible("علي\u200dحسن") == "عليحسن"


def test_plain_text_is_returned_as_it_is() -> None:
    for text in ("Ali Hassan", "علي حسن كريم", "Ḥasan ʿAlī", ""):
        assert visible(text) == text


def test_officer_schemas_store_every_name_without_them() -> None:
    dirty = {
        "full_name_ar": "\u202bعلي\u200b حسن\u202c",
        "name_latin": "\u2067Ali Hassan\u2069",
        "name_parts": {"given": "\u200fعلي", "family": "كريم\ufeff"},
        "user_name": "a.hussein\u200b@moi.example",
        "rank": "Captain\u200e",
    }
    created = OfficerCreate(**ONE_OFFICER, **dirty)
    assert (created.full_name_ar, created.name_latin, created.user_name) == (
        "علي حسن",
        "Ali Hassan",
        "a.hussein@moi.example",
    )
    assert created.name_parts.given == "علي" and created.name_parts.family == "كريم" and created.rank == "Captain"
    upserted = OfficerUpsert(**ONE_OFFICER, **{k: v for k, v in dirty.items() if k != "user_name"})
    assert upserted.name_latin == "Ali Hassan"
    assert OfficerUpdate(user_name=dirty["user_name"], name_latin="Ali\u200b").changes() == {
        "user_name": "a.hussein@moi.example",
        "name_latin": "Ali",
    }


@pytest.mark.parametrize("field", ["name_latin", "user_name", "full_name_ar"])
def test_a_name_of_nothing_but_invisible_characters_is_refused_as_empty(field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        OfficerUpdate(**{field: "\u200b\u202e \u200f"})
    assert caught.value.errors()[0]["loc"] == (field,)


def test_a_machine_clients_name_too() -> None:
    assert ClientCreate(name="Mission\u200b HR\u202e", scopes=["scim"]).name == "Mission HR"
    assert ClientUpdate(name="\u2066HR\u2069").name == "HR"


def test_the_keys_names_are_matched_by_ignore_them() -> None:
    """A search or a SCIM filter sent with a stray mark still finds the stored name, and a
    zero-width space never makes a second account of one user name."""
    assert user_name_key("A.Hussein\u200b@moi.example") == user_name_key("a.hussein@moi.example")
    assert comparison_key(type("Binding", (), {"case_exact": False})(), "A.Hussein\u2060") == "a.hussein"
    assert arabic_key("علي\u200b حسن") == arabic_key("علي حسن")
    assert latin_key("Ali\u202e Hassan") == latin_key("Ali Hassan")
