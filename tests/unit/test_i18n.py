"""The i18n kernel without a database: language negotiation, direction, Iraqi Arabic dates,
times in the cycle's zone with the offset, digits, and text translated when it is shown."""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel import Locale

from domain import i18n
from domain.i18n import formatting


def test_the_saved_preference_wins_then_accept_language_then_english():
    assert i18n.negotiate("ar", "en-GB,en;q=0.9") == "ar"
    assert i18n.negotiate(None, "fr-CH, fr;q=0.9, ar-IQ;q=0.8, en;q=0.5") == "ar"
    assert i18n.negotiate(None, "en;q=0.2, ar;q=0.9") == "ar"
    assert i18n.negotiate(None, "fr, de") == "en"
    assert i18n.negotiate(None, None) == "en"
    assert i18n.negotiate("xx", "ar") == "ar"  # a preference no longer served falls through
    assert i18n.negotiate(None, "ar;q=0, en") == "en"
    assert i18n.negotiate(None, ";;;,\x00garbage;q=x") == "en"


def test_direction_comes_from_the_locale():
    assert i18n.language("ar").direction == "rtl"
    assert i18n.language("en").direction == "ltr"
    assert Locale.parse("ckb_IQ").character_order == "right-to-left"  # Kurdish Sorani, when it is added


def test_dates_use_iraqi_month_names_and_latin_digits_unless_asked():
    assert formatting.day(date(2025, 3, 30), "ar") == "الأحد، 30 آذار 2025"
    assert formatting.day(date(2025, 3, 30), "ar", "arab") == "الأحد، ٣٠ آذار ٢٠٢٥"
    assert formatting.day(date(2025, 3, 30), "en") == "Sunday, 30 March 2025"


def test_times_are_shown_in_the_cycles_zone_with_the_offset():
    starts, ends = datetime(2025, 3, 30, 6, 0, tzinfo=UTC), datetime(2025, 3, 30, 9, 30, tzinfo=UTC)
    assert formatting.span(starts, ends, "Asia/Baghdad", "en") == "09:00–12:30 (+03:00)"
    assert formatting.span(starts, ends, "Europe/Madrid", "en") == "08:00–11:30 (+02:00)"
    assert formatting.span(starts, ends, "Asia/Baghdad", "ar", "arab") == "٠٩:٠٠–١٢:٣٠ (+٠٣:٠٠)"
    assert formatting.number(1234, "ar", "arab") == "١٬٢٣٤"


def test_translatable_text_is_english_until_rendered_in_a_language():
    text = i18n.translatable(
        "the session starts at {starts_at}: only an excused absence can be recorded before then", starts_at="T"
    )
    assert str(text) == "the session starts at T: only an excused absence can be recorded before then"
    assert text.render("ar") == "تبدأ الجلسة في T: لا يمكن قبل ذلك تسجيل إلا الغياب بعذر"
    assert i18n.localized({"errors": [{"message": text}], "n": 1}, "ar")["errors"][0]["message"].startswith("تبدأ")
    assert i18n.gettext("ar", "a message nobody translated") == "a message nobody translated"
