"""The page a personal survey link opens (/s/{token}): no sign-in, the person's language with a
switch to the other (a plain link: nothing to post), phone-first.

The form token is derived from the link's token (HMAC with SECRET_KEY): no cookie is needed, so
it works in a phone browser that refuses cookies, and a page of another site cannot forge it
without the link itself (whose holder may answer anyway). It is checked before the link is looked
up, so a refused form says nothing of the link. A dead link is the site's 404 page."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import DbSession
from domain import i18n
from domain.errors import InvalidInput
from domain.models.surveys import QuestionKind
from domain.surveys import answering
from domain.surveys.schemas import SurveyForm
from web.templating import finish, render
from web.visitor import CSRF_FIELD, FormRefused, Visitor

router = APIRouter(include_in_schema=False)
FIELD = "q."


def form_token(request: Request, token: str) -> str:
    key = request.app.state.keyring.secret_key.encode()
    return hmac.new(key, b"survey-form\x00" + token.encode(), hashlib.sha256).hexdigest()


def _visitor(request: Request, token: str, lang: str) -> Visitor:
    visitor = Visitor(None, lang, form_token(request, token), new_form_cookie=False)
    request.state.visitor = visitor
    return visitor


def _page(request: Request, token: str, form: SurveyForm, *, status: int = 200, **extra: Any) -> Response:
    visitor = _visitor(request, token, form.language)
    other = next(lang for lang in i18n.LANGUAGES.values() if lang.tag != form.language)
    response = render(
        request,
        visitor,
        "survey/answer.html",
        status_code=status,
        form=form,
        token=token,
        other=other,
        given=extra.pop("given", form.answers or {}),
        errors=extra.pop("errors", {}),
        saved=request.query_params.get("saved") == "1",
        **extra,
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # the link is the credential: never sent on
    return response


@router.get("/s/{token}")
async def survey_page(request: Request, token: str, db: DbSession) -> Response:
    lang = request.query_params.get("lang")
    form = await answering.survey_form(db, token=token, language=lang)
    return _page(request, token, form)


def _answers(form: SurveyForm, data: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for q in form.questions:
        name = FIELD + q.key
        if q.kind is QuestionKind.multiple_choice:
            answers[q.key] = [v for v in data.getlist(name) if isinstance(v, str)]
            continue
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            continue
        if q.kind in (QuestionKind.rating_5, QuestionKind.rating_10):
            answers[q.key] = int(value) if value.strip().isdigit() else value
        else:
            answers[q.key] = value
    return answers


@router.post("/s/{token}")
async def answer_page(request: Request, token: str, db: DbSession) -> Response:
    data = await request.form()
    sent = data.get(CSRF_FIELD)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, form_token(request, token)):
        raise FormRefused()
    lang = request.query_params.get("lang")
    form = await answering.survey_form(db, token=token, language=lang)
    answers = _answers(form, data)
    try:
        await answering.answer(db, token=token, answers=answers)
    except InvalidInput as exc:
        errors = {str(err["field"]).removeprefix("answers."): err["message"] for err in exc.extra.get("errors", [])}
        return _page(request, token, form, status=422, given=answers, errors=errors)
    response = RedirectResponse(f"/s/{token}?lang={form.language}&saved=1", status_code=303)
    finish(request, _visitor(request, token, form.language), response)
    return response
