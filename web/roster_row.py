"""A participant's row of the trainer's roster, written here rather than by a template: a roster of
40 is the most-written page of all, and Jinja (an include per row, about 60 escapes and a dozen
context lookups each) made it 2.2 times the CPU of the same data as JSON. Every value from the
data is escaped by markupsafe, as autoescaping did; the texts are translated once per language.
The markup is what the template trainer/_row.html wrote (roster.html and the htmx answer
_row_answer.html now call `row` through the route's write_row): two forms per row
(the mark, with htmx saving on change; the scores in a details box), a label on every input."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from domain import i18n
from domain.i18n import N_
from web import roster_choices

_TEXTS = {
    "reason": N_("Reason for the absence"),
    "cause": N_("Cause"),
    "not_given": N_("Not given"),
    "remark": N_("Remark"),
    "save": N_("Save"),
    "not_saved": N_("Not saved"),
    "saved": N_("Saved"),
    "not_marked": N_("Not marked yet"),
    "scores": N_("Pre- and post-test scores"),
    "pre_test": N_("Pre-test score"),
    "post_test": N_("Post-test score"),
    "save_scores": N_("Save scores"),
}
_ATTENDANCE_OF = N_("Attendance of %(name)s")


@lru_cache
def _texts(lang: str) -> dict[str, str]:
    """The translations as markup (as the templates' `_()` gives them: a translation is trusted);
    "attendance_of" keeps its %(name)s for the row's escaped name."""
    texts = {key: str(Markup(i18n.gettext(lang, text)) % {}) for key, text in _TEXTS.items()}
    return texts | {"attendance_of": i18n.gettext(lang, _ATTENDANCE_OF)}


_e = escape  # its Markup formats into an f-string as the plain text it is


def _error(err: dict[str, str], field: str, error_id: str) -> str:
    found = err.get(field) if err else None
    return f'<p class="error" id="{error_id}" role="alert">{_e(found)}</p>' if found else ""


def row(
    p: Any,
    v: dict[str, Any],
    err: dict[str, str],
    *,
    session_id: Any,
    csrf_field: str,
    csrf: str,
    lang: str,
    labels: dict[str, dict[Any, str]],
    opened: Any = None,
) -> Markup:
    t = _texts(lang)
    sid, pid = _e(session_id), _e(p.officer_id)
    hidden = (
        f'    <input type="hidden" name="{_e(csrf_field)}" value="{_e(csrf)}">\n'
        f'    <input type="hidden" name="officer_id" value="{pid}">\n'
    )
    htmx = f'hx-trigger="change, retry" hx-target="#p-{pid}" hx-swap="outerHTML" hx-sync="this:queue last" data-keyed'
    described = f' aria-describedby="e-{pid}"' if err and err.get("status") else ""
    note_invalid = f' aria-invalid="true" aria-describedby="en-{pid}"' if err and err.get("note") else ""
    legend = t["attendance_of"] % {"name": _e(p.name_latin)}
    if err:
        state = t["not_saved"]
    elif p.status:
        state = t["saved"]
    else:
        state = t["not_marked"]
    scores_open = bool(err and (err.get("pre_test") or err.get("post_test"))) or opened == p.officer_id
    summary = t["scores"]
    if v["pre_test"] or v["post_test"]:
        summary += f': <bdi dir="ltr">{_e(v["pre_test"] or "–")} → {_e(v["post_test"] or "–")}</bdi>'
    scores = []
    for field in ("pre_test", "post_test"):
        invalid = f' aria-invalid="true" aria-describedby="e-{field}-{pid}"' if err and err.get(field) else ""
        scores.append(
            '      <div class="score">\n'
            f'        <label for="{field}-{pid}">{t[field]}</label>\n'
            f'        <input id="{field}-{pid}" name="{field}" value="{_e(v[field])}" inputmode="decimal" size="5"'
            f' dir="ltr"\n         {invalid}>\n'
            f"        {_error(err, field, f'e-{field}-{pid}')}\n"
            "      </div>\n"
        )
    return Markup(
        f'<li class="participant{" refused" if err else ""}" id="p-{pid}" data-status="{_e(v["status"])}">\n'
        '  <div class="who">\n'
        f'    <p class="name-ar"><bdi lang="ar">{_e(p.full_name_ar)}</bdi></p>\n'
        f'    <p class="name-latin"><bdi lang="en">{_e(p.name_latin)}</bdi></p>\n'
        f'    <p class="agency">{_e(p.agency_name_ar if lang == "ar" else p.agency_name_en)}</p>\n'
        "  </div>\n"
        f'  <form class="mark" method="post" action="/trainer/sessions/{sid}/marks"'
        f' hx-post="/trainer/sessions/{sid}/marks"\n    {htmx}>\n'
        f"{hidden}"
        f'    <fieldset class="statuses"{described}>\n'
        f'      <legend class="visually-hidden">{legend}</legend>\n'
        f"{roster_choices.statuses(labels['statuses'], lang, pid, v['status'])}    </fieldset>\n"
        f"    {_error(err, 'status', f'e-{pid}')}\n"
        '    <div class="absence">\n'
        f'      <label for="r-{pid}">{t["reason"]}</label>\n'
        f'      <select id="r-{pid}" name="reason">\n'
        f"        {roster_choices.options(labels['reasons'], lang, v['reason'])}\n"
        "      </select>\n"
        f'      <label for="c-{pid}">{t["cause"]}</label>\n'
        f'      <select id="c-{pid}" name="cause">\n'
        f'        <option value="">{t["not_given"]}</option>\n'
        f"        {roster_choices.options(labels['causes'], lang, v['cause'])}\n"
        "      </select>\n"
        "    </div>\n"
        '    <div class="remark">\n'
        f'      <label for="n-{pid}">{t["remark"]}</label>\n'
        f'      <input id="n-{pid}" name="note" value="{_e(v["note"])}" maxlength="2000"'
        f"{note_invalid}>\n"
        f"      {_error(err, 'note', f'en-{pid}')}\n"
        "    </div>\n"
        '    <div class="save">\n'
        f'      <button type="submit">{t["save"]}</button>\n'
        f'      <span class="state" aria-live="polite">{state}</span>\n'
        "    </div>\n"
        "  </form>\n"
        f'  <details class="scores-box"{" open" if scores_open else ""}>\n'
        f"    <summary>{summary}</summary>\n"
        f'    <form class="scores" method="post" action="/trainer/sessions/{sid}/scores"'
        f' hx-post="/trainer/sessions/{sid}/scores"\n      {htmx}>\n'
        f"{hidden}"
        f"{''.join(scores)}"
        f'      <button type="submit">{t["save_scores"]}</button>\n'
        "    </form>\n"
        "  </details>\n"
        "</li>"
    )
