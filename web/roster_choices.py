"""The choices of a roster row (its four statuses, the reasons and the causes of an absence), written
here rather than by template loops: a roster of 40 writes them 40 times, and Jinja's loops over
them were about half of the page's time (each id, value and label escaped one by one). The labels
are translated and escaped once per language; a row adds its participant's id and its choice.
The markup is what trainer/_row.html wrote with those loops (web/roster_row.py now writes the row)."""

from __future__ import annotations

from markupsafe import Markup, escape

from domain import i18n

_TRANSLATED: dict[tuple[str, int], tuple[dict, tuple[tuple[str, str], ...]]] = {}


def _labels(lang: str, labels: dict) -> tuple[tuple[str, str], ...]:
    """Escaped values and translated labels, once per language and label set. The sets are module
    constants, so they are known by identity (the set is kept with its entry: its id is not reused)."""
    entry = _TRANSLATED.get((lang, id(labels)))
    if entry is None or entry[0] is not labels:
        entry = (
            labels,
            tuple((str(escape(str(k))), str(escape(i18n.gettext(lang, str(v))))) for k, v in labels.items()),
        )
        if len(_TRANSLATED) < 64:
            _TRANSLATED[(lang, id(labels))] = entry
    return entry[1]


_PID = "\x00"  # stands for the participant's id in a written set of radios
_WRITTEN: dict[tuple[str, str, int], tuple[dict, dict[str, str]]] = {}


def _written(kind: str, lang: str, labels: dict) -> dict[str, str]:
    """Each choice's markup with each value chosen (and with none: ""), once per language and set."""
    key = (kind, lang, id(labels))
    entry = _WRITTEN.get(key)
    if entry is None or entry[0] is not labels:
        pairs = _labels(lang, labels)
        write = _statuses if kind == "statuses" else _options
        entry = (labels, {chosen: write(pairs, chosen) for chosen in ["", *(v for v, _ in pairs)]})
        if len(_WRITTEN) < 64:
            _WRITTEN[key] = entry
    return entry[1]


def _statuses(pairs: tuple[tuple[str, str], ...], chosen: str) -> str:
    out = []
    for value, label in pairs:
        checked = " checked" if value == chosen else ""
        out.append(
            f'      <input type="radio" class="target-input" id="s-{_PID}-{value}" name="status" value="{value}"'
            f"{checked}>\n"
            f'      <label class="target {value}" for="s-{_PID}-{value}">{label}</label>\n'
        )
    return "".join(out)


def _options(pairs: tuple[tuple[str, str], ...], chosen: str) -> str:
    return "".join(
        f'<option value="{value}"{" selected" if value == chosen else ""}>{label}</option>' for value, label in pairs
    )


def statuses(labels: dict, lang: str, officer_id: object, chosen: str) -> Markup:
    written = _written("statuses", lang, labels)
    return Markup(written.get(chosen, written[""]).replace(_PID, str(escape(str(officer_id)))))


def options(labels: dict, lang: str, chosen: str) -> Markup:
    written = _written("options", lang, labels)
    return Markup(written.get(chosen, written[""]))
