"""Issue 15 item 3: one login limit across gunicorn workers, without Redis.

Two sync workers each take one of two simultaneous requests, so every pair of attempts
reaches both. With a per-worker counter each worker would have seen only half the failures
and let the fourth pair through.
"""

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from portal.models import Role
from tests.factories import make_user
from tests.live import LiveClient

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(base: str, server: subprocess.Popen) -> None:
    for _ in range(150):
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited")
        try:
            LiveClient(base).request("/login")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def _workers(access_log: Path) -> set[str]:
    return {line.split()[0] for line in access_log.read_text().splitlines() if line}


def _until_both_workers_answer(base: str, access_log: Path) -> None:
    """The second worker may still be importing the app when the first answers."""
    with ThreadPoolExecutor(4) as pool:
        for _ in range(100):
            list(pool.map(lambda _: LiveClient(base).request("/login"), range(4)))
            if len(_workers(access_log)) == 2:
                return
            time.sleep(0.1)
    raise RuntimeError("only one worker answered")


def test_login_limit_holds_across_two_gunicorn_workers(app, database_uri, tmp_path):
    username = make_user(Role.CENTER).username
    port = _free_port()
    access_log = tmp_path / "access.log"
    env = {**os.environ, "PORTAL_ENV": "development", "DATABASE_URL": database_uri,
           "SECRET_KEY": "workers-test", "UPLOAD_DIR": str(tmp_path / "uploads")}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s",
         "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, server)
        _until_both_workers_answer(base, access_log)
        lanes = [LiveClient(base), LiveClient(base)]
        tokens = [lane.csrf(lane.request("/login")[1]) for lane in lanes]
        served_before = len(access_log.read_text().splitlines())

        def attempt(i: int) -> int:
            return lanes[i].request("/login", {"username": username, "password": "wrong",
                                               "csrf_token": tokens[i]})[0]

        statuses = []
        with ThreadPoolExecutor(2) as pool:
            for _ in range(5):
                statuses.append(sorted(pool.map(attempt, range(2))))
    finally:
        server.terminate()
        server.wait(timeout=20)
    attempts = access_log.read_text().splitlines()[served_before:]
    assert len({line.split()[0] for line in attempts}) == 2, "both workers weighed attempts"
    # LOGIN_LIMIT is 5 per account and address: pairs 1 and 2 are weighed, the third pair
    # may both still pass the check (4 < 5), from the fourth on every attempt is refused.
    assert statuses[:2] == [[200, 200], [200, 200]]
    assert statuses[3:] == [[429, 429], [429, 429]]
