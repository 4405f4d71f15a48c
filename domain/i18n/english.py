"""`python -m domain.i18n.english`: the English catalogue says what the source says. After
`pybabel update`, every English entry still empty (or fuzzy) gets its msgid as its translation, so
that English, like every language, has a translation for each msgid (tests/unit/test_catalogue.py)."""

from __future__ import annotations

from babel.messages.pofile import read_po, write_po

from domain.i18n import DOMAIN, LOCALES


def fill() -> int:
    path = LOCALES / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale="en")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            wanted = list(message.id)
            if list(message.string or ()) != wanted or message.fuzzy:
                message.string, filled = tuple(wanted), filled + 1
        elif message.string != message.id or message.fuzzy:
            message.string, filled = message.id, filled + 1
        message.flags.discard("fuzzy")
    with path.open("wb") as po:
        write_po(po, catalog, width=120, sort_output=True, omit_header=False, ignore_obsolete=True)
    return filled


if __name__ == "__main__":
    print(f"English catalogue: {fill()} entries filled from their msgid")
