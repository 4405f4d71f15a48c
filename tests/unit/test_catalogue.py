"""The one catalogue: every msgid has a (non-fuzzy) translation in every served language, and
`pybabel extract` over babel.cfg (web/, domain/, api/) finds no string the catalogue lacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from domain import i18n

ROOT = Path(__file__).resolve().parents[2]
POT = i18n.HERE / "messages.pot"


def _catalogue(tag: str):
    with (i18n.LOCALES / tag / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=i18n.LANGUAGES[tag].locale)


def _ids(catalog) -> set:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


@pytest.mark.parametrize("tag", list(i18n.LANGUAGES))
def test_every_message_is_translated(tag):
    catalog = _catalogue(tag)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy or not all(s and s.strip() for s in strings):
            missing.append(message.id)
    assert missing == [], f"{tag}: untranslated or fuzzy"
    with POT.open("rb") as pot:
        assert _ids(catalog) == _ids(read_po(pot)), f"{tag} and the POT hold different messages: run make messages"


def test_extraction_finds_nothing_outside_the_catalogue():
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = {
        (message if isinstance(message, str) else tuple(message))
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS, strip_comment_tags=True
        )
    }
    with POT.open("rb") as pot:
        known = _ids(read_po(pot))
    assert sorted(map(str, found - known)) == [], "strings missing from the catalogue: run make messages and translate"
    assert len(found) > 100


def test_the_placeholders_survive_translation():
    for tag in i18n.LANGUAGES:
        for message in _catalogue(tag):
            if not message.id or isinstance(message.id, (list, tuple)):
                continue
            for placeholder in ("%(name)s", "{starts_at}"):
                if placeholder in message.id:
                    assert placeholder in message.string, (tag, message.id)
