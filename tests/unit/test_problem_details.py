"""Every detail a domain error carries in domain/ and api/ is translatable text (issue 19, item 3):
an AST scan fails on a domain error raised with a plain string (a literal, an f-string, a
concatenation, str(...) or .format(...)), and on translatable text the Arabic catalogue lacks."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from domain import errors
from domain.i18n import gettext

ROOT = Path(__file__).resolve().parents[2]
ERRORS = {name for name, cls in vars(errors).items() if inspect.isclass(cls) and issubclass(cls, errors.DomainError)}
# Where each error takes its detail: the first argument, the second for OAuthError(error, detail).
DETAIL_AT = {"OAuthError": 1}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _plain(node: ast.expr) -> bool:
    """Text written in place: a literal, an f-string, "a" + b, str(x), "...".format(...)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _plain(node.left) or _plain(node.right)
    if isinstance(node, ast.IfExp):
        return _plain(node.body) or _plain(node.orelse)
    if isinstance(node, ast.Call):
        return _name(node.func) in ("str", "format", "join")
    return False


def plain_details(source: str) -> list[int]:
    """The lines where a domain error is made with a plain string detail."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and _name(node.func) in ERRORS):
            continue
        at = DETAIL_AT.get(_name(node.func) or "", 0)
        detail = node.args[at] if len(node.args) > at else None
        detail = next((k.value for k in node.keywords if k.arg == "detail"), detail)
        if detail is not None and _plain(detail):
            found.append(node.lineno)
    return found


def _sources() -> list[Path]:
    return sorted(p for top in ("domain", "api") for p in (ROOT / top).rglob("*.py"))


def test_the_scan_finds_a_plain_detail():
    assert plain_details('raise NotFound("No module.")') == [1]
    assert plain_details('raise e.Conflict(f"The module is {status}.", code="x")') == [1]
    assert plain_details('raise OAuthError("invalid_client", "Unknown client.")') == [1]
    assert plain_details("raise InvalidInput(str(exc), errors=[])") == [1]
    assert plain_details('raise Gone("a " + b)') == [1]
    assert plain_details('raise NotFound(translatable("No module with id {id}.", id=i))') == []
    assert plain_details("raise TooLarge(message_of(exc), errors=[])") == []


def test_no_domain_error_is_raised_with_a_plain_string_detail():
    plain = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _sources()
        for line in plain_details(path.read_text(encoding="utf-8"))
    ]
    assert not plain, "write these details as translatable(...) with their parameters: " + ", ".join(plain)


def test_every_translatable_detail_has_its_arabic():
    msgids = set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and _name(node.func) == "translatable" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    msgids.add(first.value)
    assert len(msgids) > 100  # the scan reads what it should
    untranslated = sorted(m for m in msgids if gettext("ar", m) == m)
    assert not untranslated, "run `make messages` and translate: " + "; ".join(untranslated)


def test_a_rule_refusal_renders_in_arabic_with_its_numbers_and_nested_text():
    from domain.enrolment.rules import check_status_change
    from domain.errors import Conflict
    from domain.imports.rules import brake
    from domain.models.enrolment import NominationStatus as S

    refusal = brake(30, 40, 0.5, force=False)
    assert refusal is not None
    assert str(refusal).startswith(
        "The plan would deactivate 30 of the agency's 40 active officers (75%), above the 50%"
    )
    assert refusal.render("ar").startswith("ستعطّل الخطة 30 من منتسبي الجهة الفاعلين البالغ عددهم 40 (75%)")
    try:
        check_status_change(S.withdrawn, S.enrolled)
    except Conflict as refused:
        assert refused.message is not None
        assert refused.detail == "A withdrawn nomination cannot become enrolled; allowed: none."
        # the parameter "none" is translatable text itself: rendered in Arabic inside the Arabic
        assert (
            refused.message.render("ar")
            == "لا يمكن أن يتحوّل ترشيح حالته withdrawn إلى الحالة enrolled؛ المسموح: لا شيء."
        )
    else:
        raise AssertionError("a withdrawn nomination was let back in")
