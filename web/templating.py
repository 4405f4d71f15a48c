"""Jinja2 pages in the visitor's language: one environment per language, each with that
language's catalogue installed (`_()` in templates), and the formatting helpers of domain/i18n."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.support import Translations
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from domain import i18n
from domain.i18n import formatting
from domain.settings import get_settings
from web import navigation
from web.visitor import CSRF_FIELD, Visitor, form_cookie

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache
def environment(lang: str) -> Environment:
    """Built once per language and process: templates compiled once (and, unless TEMPLATES_RELOAD,
    never checked against their files again: an include in a loop stat()ed its file per row)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=get_settings().templates_reload,
        cache_size=-1,  # every template kept: there are a few dozen
    )
    catalogue = i18n.translations(lang)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    # `_("...")` is the most frequent call of a page (a roster of 40 makes about 860): the same
    # answer as the i18n extension's newstyle gettext (the translation as Markup, then always
    # %-formatted with the keyword arguments, which are escaped), without its two context calls,
    # and remembered for the strings without arguments.
    env.globals["_"] = env.globals["gettext"] = fast_gettext(catalogue)
    return env


def fast_gettext(catalogue: Translations) -> Any:
    remembered: dict[str, Markup] = {}

    def gettext(__string: str, **variables: Any) -> Markup:
        if variables:
            return Markup(catalogue.gettext(__string)) % variables
        found = remembered.get(__string)
        if found is None:
            found = Markup(catalogue.gettext(__string)) % {}
            if len(remembered) < 10_000:  # msgids come from the templates and the code: a bounded set
                remembered[__string] = found
        return found

    return gettext


def helpers(visitor: Visitor) -> dict[str, Any]:
    lang, digits = visitor.lang, visitor.digits

    def day(value: date | datetime, zone: str | None = None) -> str:
        if isinstance(value, datetime):
            value = formatting.local(value, zone or "UTC").date()
        return formatting.day(value, lang, digits)

    return {
        "day": day,
        "hours": lambda starts, ends, zone: formatting.span(starts, ends, zone, lang, digits),
        "num": lambda value: formatting.number(value, lang, digits),
        "navigation": navigation.items_for(visitor.person),
        "in_section": navigation.current,
    }


def render(
    request: Request,
    visitor: Visitor,
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    html = (
        environment(visitor.lang)
        .get_template(template)
        .render(
            visitor=visitor,
            person=visitor.person,
            lang=visitor.lang,
            dir=visitor.dir,
            languages=list(i18n.LANGUAGES.values()),
            csrf_field=CSRF_FIELD,
            csrf=visitor.form_token,
            here=request.url.path,
            # the language switch comes back to the same view: its filters and cursors kept
            here_with_query=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            htmx=request.headers.get("HX-Request") == "true",
            **helpers(visitor),
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    finish(request, visitor, response)
    return response


def finish(request: Request, visitor: Visitor, response: Any) -> None:
    """What every page answer carries: its language, no storing of personal pages, and the form
    cookie of a visitor who had none."""
    settings = request.app.state.settings
    response.headers["Content-Language"] = visitor.lang
    response.headers["Vary"] = "Accept-Language, Cookie"
    # Personal pages are never stored by the browser. An htmx fragment is not kept in its history
    # either; it says no-cache instead, because Idempotency-Key keeps (for its replay) only answers
    # that are not no-store (no-store marks a secret shown once: domain/idempotency/rules.py).
    htmx = request.headers.get("HX-Request") == "true"
    response.headers["Cache-Control"] = "private, no-cache" if htmx else "no-store"
    if visitor.new_form_cookie:
        response.set_cookie(
            form_cookie(settings),
            visitor.form_token,
            httponly=True,
            samesite="strict",
            secure=not settings.plain_http,
            path="/",
        )
