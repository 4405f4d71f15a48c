"""Messages rendered in the recipient's language: plain-text UTF-8 from Jinja2 text templates
(templates/<kind>.txt, blocks `subject` and `body`), every sentence from the one catalogue
(`{% trans %}`, `_()`), dates with Babel (ar_IQ for Arabic: Iraqi month names), times in the
cycle's zone with the zone named («09:00–12:30 Iraq Time (UTC+03:00)»).

Plain text only: no HTML is made here, so nothing needs escaping (autoescape off); the values
are the plan's titles and people's names, shown as they are."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import get_timezone_location
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from domain.i18n import formatting, language, translations

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _zone_label(zone: str, tag: str) -> str:
    return str(get_timezone_location(zone, locale=language(tag).locale))


@lru_cache
def environment(tag: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=False,  # text/plain: nothing is HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(tag), newstyle=True)  # type: ignore[attr-defined]

    def day(value: datetime | date | None, zone: str = "UTC") -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = formatting.local(value, zone).date()
        return formatting.day(value, tag)

    def hours(starts: datetime, ends: datetime, zone: str) -> str:
        clock = f"{formatting.clock(starts, zone, tag)}–{formatting.clock(ends, zone, tag)}"
        return f"{clock} {_zone_label(zone, tag)} (UTC{formatting.offset(starts, zone)})"

    def moment(value: datetime, zone: str) -> str:
        return f"{day(value, zone)} {formatting.clock(value, zone, tag)} {_zone_label(zone, tag)}"

    def language_name(code: str) -> str:
        try:
            return str(Locale.parse(language(tag).locale).languages.get(code, code))
        except (ValueError, TypeError):
            return code

    env.filters.update(day=day, moment=moment, language_name=language_name)
    env.globals.update(hours=hours, tag=tag, direction=language(tag).direction)
    return env


def render(kind: str, tag: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """(subject, body) of a kind of message in a language."""
    template = environment(language(tag).tag).get_template(f"{kind}.txt")
    subject = template.render(dict(context), part="subject")
    body = template.render(dict(context), part="body")
    return " ".join(subject.split()), _tidy(body)


def _tidy(body: str) -> str:
    """At most one blank line in a row, no trailing spaces."""
    lines = [line.rstrip() for line in body.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"
