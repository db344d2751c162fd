"""Issue 15 item 8: installs are reproducible from requirements.lock."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\]+)", re.M)


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _locked() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text()
    return {name.lower().replace("_", "-"): version for name, version in PIN.findall(text)}


def test_every_declared_dependency_is_pinned_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    locked = _locked()
    assert declared - set(locked) == set()
    text = (ROOT / "requirements.lock").read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9._-]+==)", text.split("\n\n", 1)[-1])
    unhashed = [b.split()[0] for b in blocks if "==" in b.split()[0] and "--hash=sha256:" not in b]
    assert unhashed == []


def test_the_test_environment_runs_the_locked_versions():
    """The README's set-up installs from the lock: what runs is what is locked."""
    locked = _locked()
    drift = {}
    for name in ("flask", "sqlalchemy", "werkzeug", "jinja2", "flask-wtf", "psycopg", "pytest"):
        installed = metadata.version(name)
        if installed != locked[name]:
            drift[name] = (installed, locked[name])
    assert drift == {}
