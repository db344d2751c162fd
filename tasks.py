#!/usr/bin/env python3
"""Set up and run the portal, or its tests, on a fresh machine with only Python 3.11+.

    python3 tasks.py run    # virtualenv, install, migrate, demo data, serve on 127.0.0.1:5000
    python3 tasks.py test   # virtualenv, install (incl. Chromium), ruff, pip-audit, the tests
    python3 tasks.py lock   # refresh requirements.lock to the newest versions pyproject allows

The test command runs the suite on SQLite, and again on PostgreSQL when
TEST_DATABASE_URL is set.
"""

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# Exact versions with hashes of every dependency, test tools included (issue 15).
LOCK = ROOT / "requirements.lock"
LOCK_FLAGS = ["--extra", "test", "--generate-hashes", "--strip-extras", "--allow-unsafe",
              "--no-emit-index-url", "--no-emit-find-links"]
# pip-audit asks PyPI's JSON API for each pinned release's known vulnerabilities.
AUDIT_PROBE = "https://pypi.org/pypi/pip/24.0/json"
CHROMIUM_PACKAGES = ["chromium", "fonts-noto-cjk"]
# WeasyPrint (certificate PDFs, AP-S1) lays out text through pango, with the same CJK fonts.
PDF_PACKAGES = ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b"]


def sh(*args, env=None, check=True) -> int:
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=check).returncode


def ensure_venv() -> None:
    """The virtualenv holds exactly the locked versions (hash-checked), then the portal."""
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py may be run by an older python3
        sys.exit("Python 3.11 or newer is required.")
    if not (BIN / "python").exists():
        sh(sys.executable, "-m", "venv", VENV)
    pip = [BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    sh(*pip, "-r", LOCK)
    sh(*pip, "--no-deps", "-e", ".")


def lock() -> None:
    """Re-resolve pyproject's ranges to their newest releases into requirements.lock."""
    ensure_venv()
    sh(BIN / "python", "-m", "pip", "install", "--quiet", "pip-tools")
    sh(BIN / "pip-compile", "--quiet", "--upgrade", *LOCK_FLAGS, "--output-file", LOCK,
       "pyproject.toml")


def audit() -> None:
    """pip-audit of the lock, when its vulnerability database can be reached."""
    try:
        with urllib.request.urlopen(AUDIT_PROBE, timeout=10) as response:
            reachable = response.status == 200
    except OSError:
        reachable = False
    if not reachable:
        print(f"! pip-audit skipped: its vulnerability database ({AUDIT_PROBE}) is not "
              "reachable from this machine.", flush=True)
        return
    sh(BIN / "pip-audit", "--disable-pip", "--require-hashes", "--requirement", LOCK)


def _has_cjk_font() -> bool:
    """PDFs (certificates, annexes) and screenshots need a Chinese font; chromium alone, once
    installed by hand, does not bring one."""
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                           check=False) if shutil.which("fc-list") else None
    return bool(found and found.stdout.strip())


def ensure_chromium() -> None:
    """Browser tests drive Debian's chromium; Playwright's own download is not reachable."""
    if shutil.which("chromium") and _has_cjk_font():
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        sh("apt-get", "update", "-qq", env=env)
        sh("apt-get", "install", "-y", "-qq", *CHROMIUM_PACKAGES, *PDF_PACKAGES, env=env)
    else:
        print("! chromium not found: install it (apt-get install chromium) to run the browser "
              "tests; they are skipped without it, except under CI where they fail.")


def flask_env() -> dict:
    return {**os.environ, "PORTAL_ENV": os.environ.get("PORTAL_ENV", "development"),
            "FLASK_APP": "wsgi"}


def run() -> None:
    ensure_venv()
    env = flask_env()
    (ROOT / "instance").mkdir(exist_ok=True)
    sh(BIN / "flask", "db", "upgrade", env=env)
    sh(BIN / "flask", "seed-demo", env=env)
    sh(BIN / "flask", "apply-due-changes", env=env)  # the daily job, for changes now due
    port = os.environ.get("PORT", "5000")
    print(f"\n门户已启动: http://127.0.0.1:{port}/  (演示账号见 README)\n", flush=True)
    os.execve(str(BIN / "flask"), [str(BIN / "flask"), "run", "--host", "127.0.0.1",
                                   "--port", port], env)


def test(pytest_args: list[str]) -> None:
    ensure_venv()
    ensure_chromium()
    sh(BIN / "ruff", "check", ".")
    audit()
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    sh(BIN / "python", "-m", "pytest", *pytest_args, env=env)
    if os.environ.get("TEST_DATABASE_URL"):
        print("\n=== the same suite on PostgreSQL ===", flush=True)
        sh(BIN / "python", "-m", "pytest", *pytest_args, env=os.environ)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    try:
        if command == "run":
            run()
        elif command == "test":
            test(sys.argv[2:])
        elif command == "lock":
            lock()
        else:
            sys.exit(__doc__)
    except subprocess.CalledProcessError as err:
        sys.exit(err.returncode)


if __name__ == "__main__":
    main()
