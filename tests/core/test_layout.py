"""Guards that keep the house standing (ARCHITECTURE §2): one-way dependencies, no cycles,
scoping only in access modules, small folders."""

import ast
import re
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"
DOMAINS = ("portal.orgs", "portal.catalogue", "portal.accounts", "portal.apprenticeship.")
LOWER_LAYERS = ("portal.core", "portal.web", "portal.models", "portal.rules")
MAX_MODULES_PER_FOLDER = 15


def _module_name(path: Path) -> str:
    parts = path.relative_to(PORTAL.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PORTAL.rglob("*.py")}


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every portal module `name` imports, at any depth of the file (lazy imports count)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _domain_of(module: str) -> str | None:
    parts = module.split(".")
    if module.startswith("portal.apprenticeship.") and len(parts) >= 3:
        return ".".join(parts[:3])
    if module.startswith(DOMAINS[:3]):
        return ".".join(parts[:2])
    return None


def _is_pages(module: str) -> bool:
    leaf = module.rpartition(".")[2]
    return leaf == "pages" or leaf.endswith("_pages")


def test_no_import_cycles_inside_portal():
    """Tarjan's strongly connected components over the import graph: none larger than one."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert cycles == []


def test_no_domain_imports_another_domains_pages():
    offenders = [
        (module, target)
        for module, targets in GRAPH.items()
        for target in targets
        if _is_pages(target) and _domain_of(module) and _domain_of(target)
        and _domain_of(module) != _domain_of(target)
    ]
    assert offenders == []


@pytest.mark.parametrize("layer", LOWER_LAYERS + DOMAINS)
def test_no_lower_layer_imports_a_blueprint(layer):
    offenders = [(m, t) for m, targets in GRAPH.items() if m.startswith(layer)
                 for t in targets if t.startswith("portal.blueprints")]
    assert offenders == []


def test_core_and_web_import_no_domain():
    offenders = [(m, t) for m, targets in GRAPH.items() if m.startswith(("portal.core", "portal.web"))
                 for t in targets if _domain_of(t)]
    assert offenders == []


# A query filtered by the user's own organisation or district: `X.enterprise_id == user.org_id`,
# `current_user.district_code == …`. C-DIST scoping lives in the access modules only.
_SCOPING = re.compile(
    r"[A-Z]\w*\.\w*(?:district_code|org_id|enterprise_id|institution_id)\s*==\s*"
    r"(?:current_user|user|actor)\.(?:org_id|district_code)"
    r"|(?:current_user|user|actor)\.(?:org_id|district_code)\s*==\s*\w+\.\w*"
    r"(?:district_code|org_id|enterprise_id|institution_id)"
)


def test_C_DIST_only_access_modules_filter_by_district_or_organisation():
    offenders = [
        f"{path.relative_to(PORTAL.parent)}:{number}"
        for name, path in MODULES.items()
        if not name.endswith(".access")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _SCOPING.search(line)
    ]
    assert offenders == []


def test_no_folder_holds_more_than_15_python_modules():
    crowded = {
        str(folder.relative_to(PORTAL.parent)): count
        for folder in [PORTAL, *[p for p in PORTAL.rglob("*") if p.is_dir()]]
        if (count := len(list(folder.glob("*.py")))) > MAX_MODULES_PER_FOLDER
    }
    assert crowded == {}


def test_rules_import_nothing_else_of_the_portal():
    offenders = [(m, t) for m, targets in GRAPH.items() if m.startswith("portal.rules")
                 for t in targets if not t.startswith("portal.rules")]
    assert offenders == []


def test_every_domain_package_names_its_rules():
    """A domain package's docstring names the rule IDs it owns (grep finds rule and wiring)."""
    undocumented = []
    for name, path in MODULES.items():
        if path.name == "__init__.py" and _domain_of(name) == name:
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            if not re.search(r"\b(AP|HS|C)-[A-Z$]+\d*\b", doc):
                undocumented.append(name)
    assert undocumented == []
