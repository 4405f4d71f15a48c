"""Names as people see them. Invisible characters can make two names look alike on a roster while
they differ in the database (a zero-width space inside a user name), or reorder how a name shows
(a right-to-left override). They are removed, not refused: HR files and identity providers carry
stray marks from copy and paste, and nobody gains anything from their removal.

Removed: every Unicode format character (category Cf: the bidi embeddings, overrides, isolates
and marks U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C; the zero-width space, word
joiner and byte order mark U+200B, U+2060, U+FEFF; the soft hyphen; invisible operators and tags),
the combining grapheme joiner, the Hangul fillers and the variation selectors.

Kept: the zero-width non-joiner U+200C where it changes how the name shows, which is how Persian
and Kurdish (Sorani) spelling use it (می‌خواهم): between a letter that joins on to the next and
one that joins on to the one before, the rule internationalised domain names follow (RFC 5892,
appendix A.1, as the idna library implements it). Anywhere else (Latin text, after a letter that
never joins on, at either end, doubled) it changes nothing on screen and is removed. The zero-width
joiner U+200D likewise stays only where it shows (after a virama, in Indic scripts: RFC 5892 A.2)."""

from __future__ import annotations

import re

from idna.core import valid_contextj

# Unicode 15's format characters (category Cf; tests/unit/test_visible_names.py checks that this
# Python's Unicode has none beyond them) but the two joiners, then the combining grapheme joiner,
# the Hangul fillers and the variation selectors. One pattern: imports run it over every name.
_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\u034f\u115f\u1160\u3164\uffa0\ufe00-\ufe0f\U000e0100-\U000e01ef]"
)
_JOINERS = "\u200c\u200d"
_JOINER_RUNS = re.compile(f"([{_JOINERS}])[{_JOINERS}]+")  # a run of joiners shows as one at most
_CONTEXT = 64  # characters either side a joiner's rule looks at (it skips only combining marks)


def _joiner_shows(text: str, pos: int) -> bool:
    start = max(0, pos - _CONTEXT)
    try:
        return valid_contextj(text[start : pos + _CONTEXT + 1], pos - start)
    except ValueError:  # a neighbour Unicode does not name (a control character): it joins nothing
        return False


def visible(text: str) -> str:
    """`text` without the characters that do not show (see the module's note)."""
    if text.isascii():
        return text
    cleaned = _INVISIBLE.sub("", text)
    if "\u200c" not in cleaned and "\u200d" not in cleaned:
        return cleaned
    cleaned = _JOINER_RUNS.sub(r"\1", cleaned)
    return "".join(c for i, c in enumerate(cleaned) if c not in _JOINERS or _joiner_shows(cleaned, i))
