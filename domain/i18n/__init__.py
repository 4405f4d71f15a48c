"""The i18n kernel: one gettext catalogue (Babel) for every string a person reads, in pages
(web/), in problem titles (api/) and in the messages workers render (domain/).

- `LANGUAGES`: the languages served; adding one is `pybabel init -l <tag>` plus one line here;
- `negotiate(preferred, accept_language)`: the person's saved preference, else the browser's
  Accept-Language, else English;
- `gettext(tag, msgid)`, `translatable(msgid, **params)`: look-ups, and text that is rendered
  later in the reader's language (domain errors carry one as their detail);
- formatting of dates, times and numbers lives in domain/i18n/formatting.py.

The catalogues are the .po files under locales/, compiled in memory on first use: no binary .mo
file in the repository and no build step."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

HERE = Path(__file__).resolve().parent
LOCALES = HERE / "locales"
DOMAIN = "messages"


@dataclass(frozen=True)
class Language:
    tag: str  # BCP 47 primary tag, as pages and accounts name it
    locale: str  # the CLDR locale whose formats (dates, numbers) are used
    name: str  # its own name, as the language switch shows it

    @property
    def direction(self) -> str:
        return "rtl" if Locale.parse(self.locale).character_order == "right-to-left" else "ltr"


DEFAULT = "en"
# Iraqi Arabic formats (month names such as آذار); British English formats (day before month).
# Kurdish Sorani is ready to add: `pybabel init -l ckb ...` then: "ckb": Language("ckb", "ckb_IQ", "کوردی"),
LANGUAGES: dict[str, Language] = {
    "en": Language("en", "en_GB", "English"),
    "ar": Language("ar", "ar_IQ", "العربية"),
}
# Digits: CLDR numbering systems a person may choose; Latin unless they choose otherwise.
DIGITS = ("latn", "arab")


def language(tag: str | None) -> Language:
    return LANGUAGES.get(tag or DEFAULT, LANGUAGES[DEFAULT])


def supported(tag: str) -> str | None:
    """The served language a BCP 47 tag asks for (ar-IQ -> ar, ar-u-nu-arab -> ar), or None."""
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


_RANGE = re.compile(r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*$")


def accepted(header: str | None) -> list[str]:
    """The language ranges of an Accept-Language header, best first (RFC 9110 §12.5.4);
    malformed entries are skipped."""
    ranked = []
    for position, part in enumerate((header or "")[:1000].split(",")):
        match = _RANGE.match(part)
        if not match:
            continue
        q = float(match.group(2)) if match.group(2) else 1.0
        if q > 0:
            ranked.append((-q, position, match.group(1)))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(preferred: str | None, accept_language: str | None) -> str:
    """The person's saved language, else the first served one the browser accepts, else English."""
    if preferred and supported(preferred):
        return supported(preferred) or DEFAULT
    for tag in accepted(accept_language):
        if tag == "*":
            return DEFAULT
        found = supported(tag)
        if found:
            return found
    return DEFAULT


@lru_cache
def translations(tag: str) -> Translations:
    """The compiled catalogue of a served language (fuzzy entries are not used)."""
    path = LOCALES / tag / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=language(tag).locale)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def gettext(tag: str, msgid: str) -> str:
    return translations(language(tag).tag).gettext(msgid)


def ngettext(tag: str, singular: str, plural: str, n: int) -> str:
    return translations(language(tag).tag).ngettext(singular, plural, n)


def N_(msgid: str) -> str:
    """Marks a string for the catalogue where it is defined; it is translated where it is shown."""
    return msgid


class Translatable:
    """Text rendered in the reader's language when it is shown: `str()` gives English (logs, the
    API without a preference), `render(tag)` the translation, with `{name}` parameters filled in.
    Domain errors may carry one as their detail or as a field error's message."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, **params: Any):
        self.msgid = msgid
        self.params = params

    def render(self, tag: str) -> str:
        # A parameter may itself be translatable text (a noun, a reason): it is rendered in `tag` too.
        return gettext(tag, self.msgid).format(**{k: localized(v, tag) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.msgid.format(**self.params)

    def __repr__(self) -> str:
        return f"translatable({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __contains__(self, part: str) -> bool:
        return part in str(self)


def translatable(msgid: str, **params: Any) -> Translatable:
    return Translatable(msgid, **params)


def message_of(exc: BaseException) -> str | Translatable:
    """An exception's message, kept translatable when it was raised with translatable text
    (`raise ValueError(translatable(...))`); else its English `str()`."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, Translatable) else str(exc)


def localized(value: Any, tag: str) -> Any:
    """`value` with every Translatable in it rendered in `tag` (dicts and lists walked)."""
    if isinstance(value, Translatable):
        return value.render(tag)
    if isinstance(value, dict):
        return {k: localized(v, tag) for k, v in value.items()}
    if isinstance(value, list):
        return [localized(v, tag) for v in value]
    return value
