"""Every problem type the code can answer is in the catalogue (api/problem_types.py), and the
catalogue is what openapi.json documents: an AST scan of domain/ and api/ finds each code a domain
error or a problem is made with (literal codes, the errors' class defaults, the nomination rules'
names, the seat limits, the framework's HTTP errors) and each `/problems/...` written in api/."""

from __future__ import annotations

import ast
import inspect
import json
import re
from pathlib import Path

from api import problem_types as P
from api.language import HTTP_TITLES
from domain import errors

ROOT = Path(__file__).resolve().parents[2]
ERRORS = {name for name, cls in vars(errors).items() if inspect.isclass(cls) and issubclass(cls, errors.DomainError)}
MAKERS = ERRORS | {"problem"}  # api/errors.py's problem(status, code=...)


def _name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _tree(path: str) -> ast.AST:
    return ast.parse((ROOT / path).read_text(encoding="utf-8"))


def _literals(tree: ast.AST, keyword: str) -> set[str]:
    return {
        k.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for k in node.keywords
        if k.arg == keyword and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)
    }


def _returned(tree: ast.AST, function: str) -> set[str]:
    found = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function)
    returned = [n.value for n in ast.walk(found) if isinstance(n, ast.Return) and n.value is not None]
    values = [v.body if isinstance(v, ast.IfExp) else v for v in returned]  # return "quota" if ... else None
    return {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}


# Codes chosen at run time, each from a set the scan reads where it is defined.
RULES = _literals(_tree("domain/enrolment/rules.py"), "rule")  # RuleViolation(code=first.rule)
LIMITS = _returned(_tree("domain/enrolment/rules.py"), "seat_limit")  # Conflict(code=f"{limit}-reached")
DYNAMIC = {
    "first.rule": RULES,
    'f"{limit}-reached"': {f"{limit}-reached" for limit in LIMITS},
    "exc.code": set(),  # api/errors.py: the domain error's own code, scanned where it is raised
    "P.http_code(exc.status_code)": {P.http_code(s) for s in P.HTTP_STATUSES},
}


def raised_codes() -> tuple[dict[str, list[str]], list[str]]:
    """{code: [where]} of every problem made in domain/ and api/, and the code expressions the scan
    cannot read."""
    found: dict[str, list[str]] = {}
    unread = []
    for path in sorted(p for top in ("domain", "api") for p in (ROOT / top).rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and where.startswith("api/"):
                for code in re.findall(r"/problems/([a-z0-9-]+)", node.value):
                    found.setdefault(code, []).append(f"{where}:{node.lineno}")
            if not isinstance(node, ast.Call):
                continue
            expressions = [k.value for k in node.keywords if k.arg == "code" and _name(node.func) in MAKERS]
            if _name(node.func) == "_problem" and len(node.args) > 1:  # api/idempotency.py
                expressions.append(node.args[1])
            for expression in expressions:
                text = ast.get_source_segment(source, expression) or ""
                if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
                    codes = {expression.value}
                elif re.fullmatch(r"P\.[A-Z_]+\.code", text):
                    codes = {getattr(P, text.split(".")[1]).code}
                elif text in DYNAMIC:
                    codes = DYNAMIC[text]
                else:
                    unread.append(f"{where}:{node.lineno}: code={text}")
                    continue
                for code in codes:
                    found.setdefault(code, []).append(f"{where}:{node.lineno}")
    for cls in vars(errors).values():
        if inspect.isclass(cls) and issubclass(cls, errors.DomainError) and cls is not errors.DomainError:
            found.setdefault(cls.code, []).append(f"domain/errors.py: {cls.__name__}")
    return found, unread


def test_every_problem_type_the_code_can_answer_is_in_the_catalogue():
    found, unread = raised_codes()
    assert not unread, "name these codes with a literal or add their source to the scan: " + "; ".join(unread)
    assert len(found) > 40 and RULES and LIMITS == {"capacity", "quota"}  # the scan reads what it should
    missing = {code: where for code, where in found.items() if code not in P.CATALOGUE}
    assert not missing, f"add these to api/problem_types.py: {missing}"


def test_the_frameworks_http_errors_are_in_the_catalogue():
    for title in HTTP_TITLES[:16]:  # the reason phrases the API answers
        code = title.lower().replace(" ", "-")
        if code in {P.http_code(s) for s in P.HTTP_STATUSES} or code == "method-not-allowed":
            assert code in P.CATALOGUE, code


PROBLEM = {"$ref": "#/components/schemas/Problem"}


def test_openapi_lists_each_problem_answers_types_from_the_catalogue():
    schema = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    answers = [
        (path, status, response["content"]["application/problem+json"])
        for path, item in schema["paths"].items()
        for operation in item.values()
        for status, response in operation["responses"].items()
        if "application/problem+json" in response.get("content", {})
    ]
    assert len(answers) > 500
    examples_by_ref = {f"#/components/examples/{k}": v for k, v in schema["components"]["examples"].items()}
    documented = set()
    for path, status, content in answers:
        assert content.get("schema", PROBLEM) == PROBLEM, (path, status)  # the client's one Problem model
        examples = [examples_by_ref[e["$ref"]] for e in content["examples"].values()]
        listed = [example["value"]["type"] for example in examples]
        assert listed == [t.uri for t in P.types_for(int(status))], (path, status)
        assert all(example["value"]["status"] == int(status) for example in examples)
        documented |= set(listed)
    statuses = {int(status) for _, status, _ in answers}
    assert documented == {t.uri for t in P.CATALOGUE.values() if set(t.statuses) & statuses}


def test_a_catalogue_entry_is_what_an_answer_carries():
    assert P.NOT_FOUND.uri == "/problems/not-found" and P.NOT_FOUND.status == 404
    assert P.OAUTH_ERROR.statuses == (400, 401)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code) for code in P.CATALOGUE)
    assert all(t.title and t.statuses for t in P.CATALOGUE.values())
