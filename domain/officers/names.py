"""Name keys for matching. Arabic: fold the letters that spelling varies on (hamza-seated
alefs, taa marbuta, alef maksura), strip harakat, shadda and tatweel, normalise Unicode.
Latin: case-folded with accents removed. Keys find candidates; a person decides."""

import re
import unicodedata

from domain.text import visible

_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_TATWEEL = "\u0640"
# Harakat, tanwin, shadda, sukun, superscript alef and Quranic marks.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_SPACES = re.compile(r"\s+")


def arabic_key(name: str) -> str:
    text = unicodedata.normalize("NFKC", visible(name))
    text = _ARABIC_MARKS.sub("", text).replace(_TATWEEL, "")
    text = text.translate(_ARABIC_FOLD)
    return _SPACES.sub(" ", text).strip()


def latin_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", visible(name))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def initials(latin_name: str) -> str:
    """Initials only, for public certificate checks: "Ali Hassan Kareem" -> "A. H. K."."""
    return " ".join(f"{part[0].upper()}." for part in latin_name.split() if part[:1].isalpha())


def user_name_key(user_name: str) -> str:
    """How account names are compared (unique, and for SCIM filters): without invisible
    characters, NFC, then case-folded, so that Arabic and other non-ASCII names compare alike on
    SQLite and PostgreSQL, and a zero-width space never makes a second account of one name."""
    # Case folding does not keep the normal form, so NFC comes last too.
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", visible(user_name)).casefold())
