"""The rules layer is pure: standard library and python-stdnum only (ARCHITECTURE §3)."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
RULES_DIR = PROJECT / "portal" / "rules"

# Flask, SQLAlchemy and friends are made unimportable, as on a machine without them:
# importing the real `portal.rules` (parent package included) must still work.
_PROBE = """
import json, sys
for name in ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "wtforms", "jinja2"):
    sys.modules[name] = None
sys.path.insert(0, sys.argv[1])
before = set(sys.modules)
import portal.rules
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def _modules_loaded_by_rules() -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(PROJECT)],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT,
    )
    return {name.partition(".")[0] for name in json.loads(result.stdout)}


def test_rules_import_neither_flask_nor_sqlalchemy():
    loaded = _modules_loaded_by_rules()
    assert "portal" in loaded or "stdnum" in loaded  # the probe did import something
    assert not loaded & {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "wtforms"}


def test_rules_load_only_stdlib_and_stdnum():
    foreign = _modules_loaded_by_rules() - set(sys.stdlib_module_names) - {"portal", "stdnum"}
    assert not {name for name in foreign if not name.startswith("_")}, foreign


def test_rules_source_imports_only_stdlib_stdnum_and_itself():
    for path in RULES_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = {node.module.partition(".")[0]}
            else:
                continue
            assert roots <= set(sys.stdlib_module_names) | {"stdnum"}, (path.name, roots)


def test_rules_read_no_clock():
    for path in RULES_DIR.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for call in ("today(", "now(", "utcnow(", "time.time("):
            assert call not in source, (path.name, call)


def test_every_rules_function_docstring_starts_with_its_rule_ids():
    """So that `grep -rn AP-E3 portal tests` finds the rule."""
    for path in RULES_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                docstring = ast.get_docstring(node) or ""
                assert re.match(r"(C|AP|HS)-", docstring), (path.name, node.name)
