"""Dates, times and numbers as a person reads them: Babel's CLDR formats for the page's language
(ar_IQ: Iraqi month names such as آذار), times in the cycle's zone with its offset, and Latin
digits unless the person chose Arabic-Indic ones."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from babel.numbers import format_decimal

from domain.i18n import language

_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def digits(text: str, numbering: str | None) -> str:
    """`text` with its Latin digits written in the chosen numbering system."""
    return text.translate(_ARABIC_INDIC) if numbering == "arab" else text


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def day(value: date, tag: str, numbering: str | None = None, style: str = "full") -> str:
    """The day as the language writes it: «الأحد، 30 آذار 2025», «Sunday, 30 March 2025»."""
    return digits(babel_date(value, style, locale=language(tag).locale), numbering)


def clock(moment: datetime, zone: str, tag: str, numbering: str | None = None) -> str:
    """The time of day in `zone`, 24-hour: «09:00»."""
    return digits(babel_time(local(moment, zone), "HH:mm", locale=language(tag).locale), numbering)


def offset(moment: datetime, zone: str, numbering: str | None = None) -> str:
    """The zone's offset at that moment, as ISO 8601 writes it: «+03:00»."""
    text = local(moment, zone).strftime("%z")
    return digits(f"{text[:3]}:{text[3:]}", numbering)


def span(starts: datetime, ends: datetime, zone: str, tag: str, numbering: str | None = None) -> str:
    """«09:00–12:30 (+03:00)»: a session's hours in its cycle's zone, with the offset."""
    return (
        f"{clock(starts, zone, tag, numbering)}–{clock(ends, zone, tag, numbering)} ({offset(starts, zone, numbering)})"
    )


def number(value: float | int, tag: str, numbering: str | None = None) -> str:
    system = "arab" if numbering == "arab" else "latn"  # Babel switches the separators, not the digits
    return digits(format_decimal(value, locale=language(tag).locale, numbering_system=system), numbering)
