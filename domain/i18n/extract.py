"""The Python extractor of babel.cfg: Babel's own, plus `translatable(...)` (text rendered later in
the reader's language) and the problem titles, which are plain strings where errors are defined
(`title = "..."` in an error class, `title="..."` where one is raised), so that the code that raises
them needs no marker and the catalogue still holds every title an answer can carry."""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from typing import IO, Any, cast

from babel.messages.extract import extract_python

KEYWORDS = ("translatable",)
# domain.i18n's look-ups take the language first: their text is one argument further on.
SHIFTED = frozenset({"gettext", "ngettext"})


def extract(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: dict[str, Any]
) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    source = fileobj.read()
    fileobj.seek(0)
    # Babel's annotation of extract_python's results disagrees with what it yields (and documents).
    results: Iterator[Any] = extract_python(
        fileobj, cast(Any, [*keywords, *KEYWORDS]), comment_tags, cast(Any, options)
    )
    for lineno, funcname, messages, comments in results:
        if funcname in SHIFTED and isinstance(messages, tuple) and len(messages) > 1 and messages[0] is None:
            messages = messages[1:]  # domain.i18n's gettext(tag, msgid) and ngettext(tag, singular, plural, n)
        if funcname in KEYWORDS:
            funcname = "gettext"  # one message, the first argument: what Babel's caller knows gettext by
        yield lineno, funcname, messages, comments
    yield from _titles(source.decode(options.get("encoding", "utf-8")))


def _titles(source: str) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg == "title" and _text(node.value):
            yield node.value.lineno, None, node.value.value, []  # type: ignore[attr-defined]
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if (
                    isinstance(item, ast.Assign)
                    and [getattr(t, "id", None) for t in item.targets] == ["title"]
                    and _text(item.value)
                ):
                    yield item.value.lineno, None, item.value.value, []  # type: ignore[attr-defined]


def _text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(node.value.strip())
