"""Dependencies point one way: api -> domain, and inside domain from the top down:
integration and reporting -> workflow (the module lifecycle above enrolment, vetting and attendance)
-> reference data -> access -> auth -> models -> kernel.

- the kernel (db, errors, pagination, crud helpers, the audit ledger, the outbox) imports no area;
- the models (domain/models/, the tables on their own floor) import only the kernel and each other;
- auth (principal, policy, tokens, passwords) imports only the kernel and the models;
- access (need-to-know, planning rights) reads models only: it imports the kernel, auth and models;
  reference areas and everything above ask it (access never asks them);
- reference areas (programmes, agencies, officers, catalogue, cycles) never import workflow
  areas (enrolment, vetting, attendance, certificates...) nor reporting or integration;
- workflow areas never import reporting or integration areas;
- no two area folders (domain/<area>/) import each other, within a layer too, whatever the layers say.
Imports under `if TYPE_CHECKING:` are annotations only and are not counted."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("api", "web", "fastapi", "starlette", "jinja2")

KERNEL = (
    "domain.db",
    "domain.sqlite",
    "domain.postgres",
    "domain.errors",
    "domain.pagination",
    "domain.schemas",
    "domain.text",
    "domain.settings",
    "domain.enums",
    "domain.ids",
    "domain.crud",
    "domain.exports",
    "domain.audit",
    "domain.models.audit",
    "domain.models.events",
    "domain.outbox",
    "domain.collector",
    "domain.i18n",
)
# The tables on their own floor (polar's server/polar/models/): every area reads them, they import
# only the kernel and each other; the kernel's own tables (audit, outbox) are counted in the kernel.
MODELS = ("domain.models",)
AUTH = ("domain.auth",)
ACCESS = ("domain.access",)
REFERENCE = ("domain.programmes", "domain.agencies", "domain.officers", "domain.catalogue", "domain.cycles")
WORKFLOW = (
    "domain.enrolment",
    "domain.vetting",
    "domain.attendance",
    "domain.certificates",
    "domain.calendar",
    "domain.accounts",
    "domain.lifecycle",
)
UPPER = (
    "domain.attention",
    "domain.module_desk",
    "domain.focal_desk",
    "domain.planner",
    "domain.officer_record",
    "domain.reporting",
    "domain.indicators",
    "domain.scim",
    "domain.imports",
    "domain.idempotency",
    "domain.events",
    "domain.webhooks",
    "domain.notifications",
    "domain.surveys",
    "domain.survey_results",
)
# Plain-text messages are rendered with Jinja2 text templates (no HTML: autoescape off, text/plain
# only); nothing else in domain/ uses Jinja2.
JINJA2_TEXT = ("domain.notifications.rendering",)
# What each layer may import, besides the standard library and third-party packages.
ALLOWED = {
    "kernel": KERNEL,
    "models": KERNEL + MODELS,
    "auth": KERNEL + MODELS + AUTH,
    "reference": KERNEL + MODELS + AUTH + ACCESS + REFERENCE,
    "workflow": KERNEL + MODELS + AUTH + ACCESS + REFERENCE + WORKFLOW,
}


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _layer(module: str) -> str | None:
    for name, prefixes in (
        ("kernel", KERNEL),
        ("models", MODELS),
        ("auth", AUTH),
        ("access", ACCESS),
        ("reference", REFERENCE),
        ("workflow", WORKFLOW),
        ("upper", UPPER),
    ):
        if _under(module, prefixes):
            return name
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    annotations_only = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            annotations_only |= {id(n) for n in ast.walk(node)}
    names = set()
    for node in ast.walk(tree):
        if id(node) in annotations_only:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names if node.module == "domain"}
    return names


def _domain_imports() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "domain").rglob("*.py")):
        module = _module_name(path)
        found += [(module, name) for name in _imports(path) if name.startswith("domain.")]
    return found


def test_domain_does_not_import_the_web_layer():
    offenders = []
    for path in sorted((ROOT / "domain").rglob("*.py")):
        module = _module_name(path)
        for name in _imports(path):
            if name.split(".")[0] == "jinja2" and module in JINJA2_TEXT:
                continue
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_seeds_and_migrations_import_the_domain_only():
    offenders = []
    for folder in ("seeds", "migrations"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for name in _imports(path):
                if name.split(".")[0] in FORBIDDEN:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_every_domain_module_has_a_layer():
    unplaced = sorted({m for m, _ in _domain_imports() if _layer(m) is None and m not in ("domain", "domain.registry")})
    assert unplaced == [], "add these modules to a layer in tests/test_architecture.py"


def test_layers_import_only_downwards():
    offenders = []
    for module, name in _domain_imports():
        layer = _layer(module)
        if layer in ALLOWED and not _under(name, ALLOWED[layer]):
            offenders.append(f"{module} ({layer}) imports {name}")
        if layer == "access" and not (_under(name, KERNEL + MODELS + AUTH + ACCESS) or name == "domain.agencies.tree"):
            offenders.append(f"{module} (access) imports {name}: access reads models only")
    assert offenders == []


def _area(module: str) -> str | None:
    """The area folder a domain module lives in (domain/<area>/...), None for the kernel's files."""
    parts = module.split(".")
    if len(parts) > 1 and parts[0] == "domain" and (ROOT / "domain" / parts[1]).is_dir():
        return parts[1]
    return None


def test_no_two_area_folders_import_each_other():
    """Module-level and function-level imports count; `if TYPE_CHECKING:` ones do not."""
    ties: dict[tuple[str, str], list[str]] = {}
    for path in sorted((ROOT / "domain").rglob("*.py")):
        module = _module_name(path)
        for name in sorted(_imports(path)):
            here, there = _area(module), _area(name)
            if here and there and here != there:
                ties.setdefault((here, there), []).append(f"{path.relative_to(ROOT)} imports {name}")
    both_ways = [
        f"{a} <-> {b}: " + "; ".join(ties[(a, b)] + ties[(b, a)]) for a, b in sorted(ties) if a < b and (b, a) in ties
    ]
    assert both_ways == []


def test_pages_use_the_domain_and_never_the_apis_routes():
    """web/ is the API's sibling: it may share api/'s plumbing (the unit of work, the session
    dependency), never its routes; and nothing in api/ but the app factory knows web/."""
    offenders = []
    for path in sorted((ROOT / "web").rglob("*.py")):
        offenders += [f"{path.relative_to(ROOT)} imports {n}" for n in _imports(path) if n.startswith("api.routes")]
    for path in sorted((ROOT / "api").rglob("*.py")):
        if path.name != "main.py":
            offenders += [f"{path.relative_to(ROOT)} imports {n}" for n in _imports(path) if n.split(".")[0] == "web"]
    assert offenders == []
