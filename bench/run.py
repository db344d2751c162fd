#!/usr/bin/env python3
"""Benchmark the portal's heavy pages against a floor app, interleaved; results as ratios.

    .venv/bin/python bench/run.py                      # PostgreSQL bench_scale, full run
    .venv/bin/python bench/run.py --db sqlite          # /tmp/bench_scale.sqlite3
    .venv/bin/python bench/run.py --reseed --apprentices 30000
    .venv/bin/python bench/run.py --quick --database-url postgresql://postgres@127.0.0.1:5432/x \
        --password Demo-2026                           # smoke run (writes /tmp/bench-quick.md)

It waits for a quiet machine, starts the portal (gunicorn, 2 sync workers, BENCH_SQL_COUNT=1)
and bench/floor.py (same) over the same database, logs in through the real login form, then
for each page alternates portal round, floor round, ... at 8 connections and at 1, and writes
the medians, the SQL statements per request, page sizes, worker RSS and the targets to
RESULTS.md (one section per --db). See bench/README.md.

Standard library plus the project's own dependencies (SQLAlchemy, openpyxl, python-stdnum,
Flask, itsdangerous: the check-in tokens are minted with the portal's own function).
"""

import argparse
import http.client
import os
import random
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from stdnum.cn import ric  # noqa: E402

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/bench_scale"
SQLITE_DEFAULT = "sqlite:////tmp/bench_scale.sqlite3"
HOST = "127.0.0.1"
WORKERS = 2
CONNECTIONS = (8, 1)
BURST = 100
ONCE_ACTIVE = ("active", "completed", "withdrawn", "transferred")
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"|name="csrf_token" type="hidden" value="([^"]+)"'
                  r'|name="csrf_token" value="([^"]+)"')
MB = 1024 * 1024


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ============================================================================ machine

def cores() -> int:
    return os.cpu_count() or 1


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) // 1024} MB RAM"
    except OSError:
        pass
    return "unknown RAM"


def git_commit() -> str:
    """HEAD's commit, read from .git's files (no git command is run)."""
    git = ROOT / ".git"
    try:
        if git.is_file():  # a worktree: "gitdir: <path>"
            git = Path(git.read_text().split(":", 1)[1].strip())
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head
        ref = head.split(":", 1)[1].strip()
        common = git / "commondir"
        bases = [git] + ([(git / common.read_text().strip()).resolve()] if common.exists() else [])
        for base in bases:
            if (base / ref).exists():
                return (base / ref).read_text().strip() + f" ({ref.removeprefix('refs/heads/')})"
            packed = base / "packed-refs"
            if packed.exists():
                for line in packed.read_text().splitlines():
                    if line.endswith(" " + ref):
                        return line.split()[0] + f" ({ref.removeprefix('refs/heads/')})"
    except OSError:
        pass
    return "unknown"


def wait_for_quiet(threshold: float, timeout: float) -> tuple[tuple, float, bool]:
    """Poll the 1-minute load until below `threshold` or `timeout` s; (loads, waited, quiet)."""
    started = time.monotonic()
    while True:
        loads = os.getloadavg()
        waited = time.monotonic() - started
        if loads[0] < threshold:
            return loads, waited, True
        if waited >= timeout:
            log(f"load {loads[0]:.2f} still ≥ {threshold:.2f} after {waited:.0f} s: going on")
            return loads, waited, False
        log(f"waiting for a quiet machine: load {loads[0]:.2f} ≥ {threshold:.2f}")
        time.sleep(min(10.0, max(1.0, timeout - waited)))


# ============================================================================ database

def sqlalchemy_url(url: str) -> str:
    from portal.config import normalise_database_url

    return normalise_database_url(url)


def database_exists(url: str) -> bool:
    parsed = sa.engine.make_url(sqlalchemy_url(url))
    if parsed.get_backend_name() == "sqlite":
        return bool(parsed.database) and Path(parsed.database).exists()
    admin = sa.create_engine(parsed.set(database="postgres"))
    try:
        with admin.connect() as conn:
            return conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                {"n": parsed.database}).first() is not None
    finally:
        admin.dispose()


def reseed(url: str, apprentices: int, secret: str) -> float:
    """(Re)create the database, migrate it and run `flask seed-scale`; seconds taken."""
    started = time.monotonic()
    parsed = sa.engine.make_url(sqlalchemy_url(url))
    name = Path(parsed.database).name if parsed.database else ""
    if not name.startswith("bench"):
        sys.exit(f"--reseed drops the database: refusing one not named bench*: {name!r}")
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
    else:
        admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            log(f"dropping and creating database {parsed.database}")
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    env = server_env(url, secret)
    for command in (["db", "upgrade"],
                    ["seed-scale", "--apprentices", str(apprentices), "--seed", "1"]):
        log("flask " + " ".join(command))
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env,
                       check=True)
    return time.monotonic() - started


def beijing_today() -> tuple[date, datetime, datetime]:
    from portal.clock import beijing_day_bounds, today

    day = today()
    return (day, *beijing_day_bounds(day))


def _bind(engine, value):
    if engine.dialect.name != "sqlite":
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat()


def _user_for(conn, where: str, params: dict, preferred: str | None) -> tuple[int, str]:
    rows = conn.execute(sa.text(
        f'SELECT id, username FROM "user" WHERE {where} AND is_active_account = :yes '
        "AND must_change_password = :no ORDER BY id"), {**params, "yes": True, "no": False}).all()
    if not rows:
        raise SystemExit(f"no active user with {where} {params}")
    for row in rows:
        if row.username == preferred:
            return row.id, row.username
    return rows[0].id, rows[0].username


@dataclass
class Ids:
    district_code: str = ""
    district_user: str = ""
    center_user: str = ""
    detail_programme: int = 0
    detail_enrolments: int = 0
    session_id: int = 0
    session_prefix: str = ""
    session_user: str = ""
    session_expected: int = 0
    session_checked_in: int = 0
    import_programme: int = 0
    import_user: str = ""
    import_seats_left: int = 0
    pairs: list = field(default_factory=list)  # (user id, username, session id)
    sessions_today: int = 0
    counts: dict = field(default_factory=dict)


def discover(engine, district_name: str) -> Ids:
    """Every id the bench uses, found by querying the database (never hard-coded)."""
    ids = Ids()
    day, start, end = beijing_today()
    b = lambda v: _bind(engine, v)  # noqa: E731
    once = ", ".join(f"'{s}'" for s in ONCE_ACTIVE)
    with engine.connect() as conn:
        q = lambda sql, **p: conn.execute(sa.text(sql), p)  # noqa: E731
        for table in ("apprentice", "enrolment", "programme", "organisation", "class_session",
                      "check_in", '"user"', "audit_log"):
            ids.counts[table.strip('"')] = q(f"SELECT count(*) FROM {table}").scalar()
        code = q("SELECT code FROM district WHERE name = :n", n=district_name).scalar()
        if code is None:
            raise SystemExit(f"no district named {district_name}")
        ids.district_code = code
        ids.district_user = _user_for(conn, "role = 'district' AND district_code = :d",
                                      {"d": code}, f"s-{code}")[1]
        ids.center_user = _user_for(conn, "role = 'center'", {}, "s-center")[1]
        row = q("SELECT p.id, count(e.id) AS n FROM programme p JOIN enrolment e "
                "ON e.programme_id = p.id WHERE p.district_code = :d AND p.state = 'approved' "
                "GROUP BY p.id ORDER BY n DESC, p.id LIMIT 1", d=code).first()
        if row is None:
            raise SystemExit(f"no approved programme with enrolments in {district_name}")
        ids.detail_programme, ids.detail_enrolments = row
        sessions = q(f"""
            SELECT cs.id, cs.org_id, count(e.id) AS expected FROM class_session cs
            JOIN enrolment e ON e.programme_id = cs.programme_id AND e.state IN ({once})
             AND e.established_on <= :day AND (e.ended_on IS NULL OR e.ended_on >= :day)
            WHERE cs.starts_at >= :start AND cs.starts_at < :end AND cs.closed_at IS NULL
            GROUP BY cs.id, cs.org_id ORDER BY expected DESC, cs.id""",
                     day=b(day), start=b(start), end=b(end)).all()
        if not sessions:
            raise SystemExit(f"no open class session today ({day}, Beijing) with expected "
                             "trainees: reseed (--reseed) or open one")
        ids.sessions_today = len(sessions)
        ids.session_id, org_id, ids.session_expected = sessions[0]
        kind = q("SELECT kind FROM organisation WHERE id = :o", o=org_id).scalar()
        ids.session_prefix = str(kind)
        ids.session_user = _user_for(conn, "org_id = :o AND role = :r",
                                     {"o": org_id, "r": str(kind)}, f"s-org-{org_id}")[1]
        ids.session_checked_in = q("SELECT count(*) FROM check_in WHERE session_id = :s",
                                   s=ids.session_id).scalar()
        row = q("SELECT p.id, p.enterprise_id, p.planned_count - p.enrolled_count AS seats "
                "FROM programme p WHERE p.state = 'approved' AND EXISTS (SELECT 1 FROM "
                '"user" u WHERE u.org_id = p.enterprise_id AND u.role = \'enterprise\') '
                "ORDER BY seats DESC, p.id LIMIT 1").first()
        if row is None:
            raise SystemExit("no approved programme with an enterprise user")
        ids.import_programme, enterprise_id, ids.import_seats_left = row
        ids.import_user = _user_for(conn, "org_id = :o AND role = 'enterprise'",
                                    {"o": enterprise_id}, f"s-org-{enterprise_id}")[1]
        ids.pairs = [tuple(r) for r in q("""
            SELECT u.id, u.username, cs.id FROM class_session cs
            JOIN enrolment e ON e.programme_id = cs.programme_id AND e.state = 'active'
            JOIN apprentice a ON a.id = e.apprentice_id
            JOIN "user" u ON u.id = a.user_id
            WHERE cs.starts_at >= :start AND cs.starts_at < :end AND cs.closed_at IS NULL
              AND u.role = 'trainee' AND u.is_active_account = :yes
              AND u.must_change_password = :no
              AND NOT EXISTS (SELECT 1 FROM check_in c
                              WHERE c.session_id = cs.id AND c.enrolment_id = e.id)
            ORDER BY u.id, cs.id""", start=b(start), end=b(end), yes=True, no=False)]
    return ids


def choose_pairs(pairs: list, wanted: int, burst: int) -> tuple[list, list]:
    """(pairs for the sustained rounds, pairs of `burst` distinct trainees), few logins.

    Trainees with the most sessions today come first, so the fewest logins cover `wanted`
    distinct (trainee, session) pairs; the burst takes one pair of each of `burst` trainees.
    """
    by_user: dict[int, list] = {}
    for pair in pairs:
        by_user.setdefault(pair[0], []).append(pair)
    users = sorted(by_user, key=lambda u: (-len(by_user[u]), u))
    chosen_users, sustained = [], []
    for user in users:
        if len(sustained) >= wanted and len(chosen_users) >= burst:
            break
        chosen_users.append(user)
        sustained.extend(by_user[user])
    # Interleave sessions so that back-to-back requests hit different rows.
    sustained.sort(key=lambda p: (by_user[p[0]].index(p), p[0]))
    return sustained[:wanted], [by_user[u][0] for u in chosen_users[:burst]]


def check_in_baseline(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM check_in")).scalar()


def delete_check_ins(engine, baseline: int) -> int:
    """Remove the check-ins the bench made (check_in has no audit trigger)."""
    with engine.begin() as conn:
        return conn.execute(sa.text("DELETE FROM check_in WHERE id > :b"), {"b": baseline}).rowcount


def server_version(engine) -> str:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return "SQLite " + conn.execute(sa.text("SELECT sqlite_version()")).scalar()
        return "PostgreSQL " + conn.execute(sa.text("SHOW server_version")).scalar().split()[0]


# ============================================================================ workbook

def workbook(rows: int, seed: int = 1) -> bytes:
    """An import sheet of `rows` valid apprentices (C-ID1 IDs via stdnum.cn.ric)."""
    from portal.apprenticeship.enrolment.importer import COLUMNS, OPEN_ENDED

    rng = random.Random(seed)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "学徒名单"
    sheet.append(COLUMNS)
    seen: set[str] = set()
    surnames, given = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
    while len(seen) < rows:
        born = date(1988, 1, 1) + timedelta(days=rng.randrange(16 * 365))
        body = f"110105{born:%Y%m%d}{rng.randrange(1000):03d}"
        resident_id = body + ric.calc_check_digit(body)
        if resident_id in seen:
            continue
        seen.add(resident_id)
        start = date(2025, 1, 1) + timedelta(days=rng.randrange(365))
        end = OPEN_ENDED if rng.random() < 0.5 else f"{start.replace(year=start.year + 3)}"
        sheet.append([rng.choice(surnames) + rng.choice(given) + rng.choice(given), resident_id,
                      f"13{rng.randrange(10**9):09d}", start.isoformat(), end, "是",
                      rng.choice(("新招用", "转岗", "企业自主确定")), "否", str(rng.randrange(4000, 12000))])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def multipart(fields: dict, filename: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = "bench" + secrets.token_hex(12)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                 + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# ============================================================================ servers

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_env(url: str, secret: str, upload_dir: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PORTAL_ENV", "FLASK_DEBUG", "REDIS_URL", "BENCH_SQL_COUNT")}
    env.update(DATABASE_URL=url, SECRET_KEY=secret, BENCH_SQL_COUNT="1")
    if upload_dir:
        env["UPLOAD_DIR"] = upload_dir
    return env


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log_path: Path

    def workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def worker_rss(self) -> int:
        """The largest VmRSS (bytes) among the master's worker processes."""
        best = 0
        for pid in self.workers():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        best = max(best, int(line.split()[1]) * 1024)
            except OSError:
                continue
        return best

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(name: str, app: str, env: dict, workdir: Path, extra: list[str]) -> Server:
    port = free_port()
    log_path = workdir / f"{name}.log"
    command = [str(BIN / "gunicorn"), "-w", str(WORKERS), "-k", "sync", "-b", f"{HOST}:{port}",
               "--timeout", "120", "--no-control-socket", *extra, app]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_path.open("wb"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    return Server(name, port, process, log_path)


def wait_ready(server: Server, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            status, _h, _b = request(Conn(server.port), "GET", path)
            if status < 500 and len(server.workers()) >= WORKERS:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{server.name} did not start; see {server.log_path}:\n"
                     + server.log_path.read_text()[-3000:])


# ============================================================================ HTTP client

class Conn:
    """One keep-alive connection (http.client reconnects when the server closes it)."""

    def __init__(self, port: int):
        self.http = http.client.HTTPConnection(HOST, port, timeout=120)


def request(conn: Conn, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    try:
        conn.http.request(method, path, body=body, headers=headers or {})
        response = conn.http.getresponse()
        data = response.read()
    except (http.client.HTTPException, OSError):
        conn.http.close()
        raise
    if response.will_close:
        conn.http.close()
    return response.status, response.msg, data


@dataclass
class Login:
    """A logged-in portal user: the session cookie (kept by hand: the production cookie is
    Secure, so a client on plain http would otherwise drop it) and a CSRF token."""

    username: str
    cookie: str = ""
    csrf: str = ""

    def headers(self, **extra) -> dict:
        return {"Cookie": self.cookie, "X-CSRFToken": self.csrf, **extra}

    def keep(self, message: http.client.HTTPMessage) -> None:
        for header in message.get_all("Set-Cookie") or ():
            first = header.split(";", 1)[0]
            if first.startswith("session="):
                self.cookie = first


def _csrf(page: bytes) -> str:
    match = CSRF.search(page.decode("utf-8", "replace"))
    if not match:
        raise SystemExit("no CSRF token in the page")
    return next(g for g in match.groups() if g)


def login(port: int, username: str, password: str) -> Login:
    conn, user = Conn(port), Login(username)
    status, message, page = request(conn, "GET", "/login")
    user.keep(message)
    form = urllib.parse.urlencode({"csrf_token": _csrf(page), "username": username,
                                   "password": password}).encode()
    status, message, page = request(conn, "POST", "/login", form, {
        "Cookie": user.cookie, "Content-Type": "application/x-www-form-urlencoded"})
    location = message.get("Location", "")
    if status != 302 or "/login" in location:
        raise SystemExit(f"login of {username} failed: {status} {location}")
    user.keep(message)
    # The login starts a new session: the page after it carries the session's CSRF token.
    path = urllib.parse.urlsplit(location).path or "/"
    status, message, page = request(conn, "GET", path, headers={"Cookie": user.cookie})
    if status != 200:
        raise SystemExit(f"{username}'s home {path} answered {status}")
    user.keep(message)
    user.csrf = _csrf(page)
    return user


def login_all(port: int, usernames: list[str], password: str, threads: int = 8) -> dict:
    found: dict[str, Login] = {}
    todo = list(dict.fromkeys(usernames))
    lock, errors = threading.Lock(), []

    def work():
        while True:
            with lock:
                if not todo or errors:
                    return
                name = todo.pop()
            try:
                found[name] = login(port, name, password)
            except BaseException as err:  # noqa: BLE001 - reported below
                errors.append(f"{name}: {err}")

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise SystemExit("login failed: " + "; ".join(errors[:3]))
    return found


# ============================================================================ load

@dataclass
class Call:
    method: str
    path: str
    body: bytes | None = None
    headers: dict = field(default_factory=dict)
    login: Login | None = None  # keeps the refreshed cookie


@dataclass
class Round:
    requests: int
    seconds: float
    latencies: list
    statuses: dict
    sizes: list
    sql: list
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_round(port: int, make, n: int, connections: int, expect: int,
              burst: bool = False) -> Round:
    """`n` requests (`make(i)` → Call) over `connections` threads, each its own connection.

    `burst`: one request per thread (n == connections), each on a connection opened before
    the barrier. Each thread then sends exactly its own request: a sync worker that accepted
    an opened connection waits on it, so a connection left idle would stall the round.
    """
    if burst:
        assert n == connections
    index, lock = iter(range(n)), threading.Lock()
    latencies, sizes, sql, statuses = [], [], [], {}
    errors = [0]
    barrier = threading.Barrier(connections + 1)
    conns = [Conn(port) for _ in range(connections)]
    if burst:
        for c in conns:
            c.http.connect()

    def work(conn: Conn, own: int):
        barrier.wait()
        done = False
        while True:
            if burst:
                if done:
                    return
                i, done = own, True
            else:
                with lock:
                    i = next(index, None)
                if i is None:
                    return
            call = make(i)
            headers = call.login.headers(**call.headers) if call.login else call.headers
            started = time.perf_counter()
            try:
                status, message, data = request(conn, call.method, call.path, call.body, headers)
            except (http.client.HTTPException, OSError) as err:
                with lock:
                    errors[0] += 1
                    kind = type(err).__name__
                    statuses[kind] = statuses.get(kind, 0) + 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            if call.login:
                call.login.keep(message)
            with lock:
                latencies.append(elapsed)
                sizes.append(len(data))
                statuses[status] = statuses.get(status, 0) + 1
                if status != expect:
                    errors[0] += 1
                count = message.get("X-SQL-Count")
                if count is not None:
                    sql.append(int(count))

    pool = [threading.Thread(target=work, args=(c, k)) for k, c in enumerate(conns)]
    for t in pool:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in pool:
        t.join()
    seconds = time.perf_counter() - started
    for c in conns:
        c.http.close()
    return Round(n, seconds, latencies, statuses, sizes, sql, errors[0])


@dataclass
class Side:
    """The medians of one server's rounds at one number of connections."""

    rounds: list

    @property
    def rps(self) -> float:
        return statistics.median([r.rps for r in self.rounds])

    @property
    def p50(self) -> float:
        return statistics.median([r.pct(0.50) for r in self.rounds])

    @property
    def p95(self) -> float:
        return statistics.median([r.pct(0.95) for r in self.rounds])

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.rounds)

    @property
    def statuses(self) -> dict:
        total: dict = {}
        for r in self.rounds:
            for k, v in r.statuses.items():
                total[k] = total.get(k, 0) + v
        return total

    @property
    def sql(self) -> str:
        values = [v for r in self.rounds for v in r.sql]
        if not values:
            return "–"
        low, mid, high = min(values), statistics.median(values), max(values)
        return f"{mid:g}" if low == high else f"{mid:g} ({low}–{high})"

    @property
    def sql_max(self) -> int | None:
        values = [v for r in self.rounds for v in r.sql]
        return max(values) if values else None

    @property
    def size(self) -> int:
        values = [v for r in self.rounds for v in r.sizes]
        return int(statistics.median(values)) if values else 0


@dataclass
class PageResult:
    key: str
    title: str
    portal_url: str
    floor_url: str
    sides: dict = field(default_factory=dict)  # (server, connections) → Side
    rss: dict = field(default_factory=dict)  # server → bytes after the page's rounds
    note: str = ""

    def ratio(self, connections: int) -> float:
        floor = self.sides[("floor", connections)].rps
        return self.sides[("portal", connections)].rps / floor if floor else float("nan")


def measure(page: PageResult, servers: dict, makers: dict, counts: dict, rounds: int,
            warmup: int, expect: dict, between=None) -> PageResult:
    """Interleaved: portal round, floor round, portal round, ... at each connection count."""
    for connections in CONNECTIONS:
        n = counts[connections]
        for name in ("portal", "floor"):
            run_round(servers[name].port, makers[name], max(warmup, connections), connections,
                      expect[name])
            if between:
                between()
        collected = {"portal": [], "floor": []}
        for _ in range(rounds):
            for name in ("portal", "floor"):
                result = run_round(servers[name].port, makers[name], n, connections,
                                   expect[name])
                collected[name].append(result)
                if between:
                    between()
        for name, results in collected.items():
            page.sides[(name, connections)] = Side(results)
        p, f = page.sides[("portal", connections)], page.sides[("floor", connections)]
        log(f"  {page.key} @{connections}: portal {p.rps:.1f} req/s p95 {p.p95:.0f} ms, "
            f"floor {f.rps:.1f} req/s p95 {f.p95:.0f} ms, ratio {page.ratio(connections):.2f}"
            + (f"  ERRORS portal {p.errors} {p.statuses}" if p.errors else "")
            + (f"  ERRORS floor {f.errors} {f.statuses}" if f.errors else ""))
    page.rss = {name: server.worker_rss() for name, server in servers.items()}
    return page


# ============================================================================ tokens

class Tokens:
    """Check-in codes minted with the portal's own function and the server's SECRET_KEY."""

    def __init__(self, secret: str):
        from flask import Flask

        from portal.apprenticeship.training import attendance

        self.app = Flask("bench-tokens")
        self.app.secret_key = secret
        self.attendance = attendance
        self.lock = threading.Lock()
        self.cache: dict[int, tuple[float, str]] = {}

    def token(self, session_id: int) -> str:
        # A code is accepted for TOKEN_MAX_AGE (60 s) after it is made: refresh every 20 s.
        now = time.time()
        with self.lock:
            made, token = self.cache.get(session_id, (0.0, ""))
            if now - made > 20:
                with self.app.app_context():
                    token = self.attendance.checkin_token(session_id, now)
                self.cache[session_id] = (now, token)
            return token


# ============================================================================ results

def fmt(value: float, digits: int = 1) -> str:
    return "–" if value != value else f"{value:.{digits}f}"  # NaN


def met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def render(args, argv: list[str], info: dict, ids: Ids, pages: list[PageResult],
           burst: dict, targets: list) -> str:
    db_label = "PostgreSQL" if args.db == "postgresql" else "SQLite"
    lines = [
        f"## {db_label}{' — quick smoke, not a result' if args.quick else ''}",
        "",
        f"- command: `{' '.join(shlex.quote(a) for a in argv)}`",
        f"- date: {info['date']} (run took {info['took']:.0f} s)",
        f"- commit: {info['commit']} (the working tree may hold uncommitted edits)",
        f"- machine: {cores()} cores, {cpu_model()}, {memory_total()}; Python {sys.version.split()[0]}; "
        f"{info['server']}; load generator on the same machine",
        f"- load average (1/5/15 min) at start: {' / '.join(f'{v:.2f}' for v in info['load_start'])}"
        f" ({'quiet' if info['quiet'] else 'NOT quiet: timed out'} after waiting "
        f"{info['waited']:.0f} s for < {info['threshold']:.2f}); at end: "
        f"{' / '.join(f'{v:.2f}' for v in info['load_end'])} (raised by the run itself)",
        f"- database: `{info['url']}`: "
        + ", ".join(f"{k} {v}" for k, v in ids.counts.items())
        + (f"; reseeded in {info['reseed']:.0f} s" if info.get("reseed") else ""),
        f"- servers: gunicorn, {WORKERS} sync workers each, portal with BENCH_SQL_COUNT=1; "
        f"rounds: {args.rounds} per server and connection count, interleaved, medians shown; "
        f"requests per round: {info['requests']}",
        f"- used: district {ids.district_code} as `{ids.district_user}`; programme "
        f"{ids.detail_programme} ({ids.detail_enrolments} enrolments); session {ids.session_id} "
        f"as `{ids.session_user}` ({ids.session_expected} expected, {ids.session_checked_in} "
        f"checked in); import into programme {ids.import_programme} as `{ids.import_user}` "
        f"({ids.import_seats_left} seats left); {ids.sessions_today} open sessions today, "
        f"{info['pairs']} check-in pairs from {info['trainees']} trainees",
        "",
        "### Pages",
        "",
        "Ratio = portal req/s ÷ floor req/s. Latencies in ms (p50 / p95). Queries = SQL "
        "statements per request (X-SQL-Count), portal / floor. Bytes = response body.",
        "",
        "| page | conns | floor req/s | portal req/s | ratio | floor p50 / p95 | portal p50 / p95 "
        "| queries | bytes portal / floor | errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page in pages:
        for c in CONNECTIONS:
            p, f = page.sides[("portal", c)], page.sides[("floor", c)]
            errors = f"{p.errors} / {f.errors}"
            lines.append(
                f"| {page.title if c == CONNECTIONS[0] else ''} | {c} | {fmt(f.rps)} | "
                f"{fmt(p.rps)} | {fmt(page.ratio(c), 2)} | {fmt(f.p50)} / {fmt(f.p95)} | "
                f"{fmt(p.p50)} / {fmt(p.p95)} | {p.sql} / {f.sql} | {p.size} / {f.size} | "
                f"{errors} |")
    lines += ["", "Notes:"]
    for page in pages:
        lines.append(f"- {page.title}: portal `{page.portal_url}`, floor `{page.floor_url}`"
                     + (f". {page.note}" if page.note else ""))
    if burst:
        p, f = burst["portal"], burst["floor"]
        lines += [
            "",
            f"### Check-in: {burst['n']} simultaneous distinct trainees",
            "",
            "Each round: a barrier, then every trainee POSTs at once on its own connection; "
            "the bench's check-ins are deleted between rounds.",
            "",
            "| server | p50 ms | p95 ms | max ms | round s | errors | statuses |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, side in (("floor", f), ("portal", p)):
            worst = statistics.median([max(r.latencies or [float('nan')]) for r in side.rounds])
            took = statistics.median([r.seconds for r in side.rounds])
            lines.append(f"| {name} | {fmt(side.p50)} | {fmt(side.p95)} | {fmt(worst)} | "
                         f"{fmt(took, 2)} | {side.errors} | {side.statuses} |")
    lines += [
        "",
        "### Worker RSS",
        "",
        "Largest VmRSS of a gunicorn worker (MB) after each page's rounds.",
        "",
        "| after | portal | floor | difference |",
        "|---|---|---|---|",
    ]
    for page in pages:
        if page.rss:
            lines.append(f"| {page.title} | {page.rss['portal'] / MB:.1f} | "
                         f"{page.rss['floor'] / MB:.1f} | "
                         f"{(page.rss['portal'] - page.rss['floor']) / MB:+.1f} |")
    lines += [
        "",
        "### Targets",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ]
    for name, measured, ok in targets:
        lines.append(f"| {name} | {measured} | {met(ok)} |")
    return "\n".join(lines) + "\n"


HEADER = """# Benchmark results

Written by `bench/run.py` (see `bench/README.md`); one section per database, replaced on each
run of that database. Ratios are portal ÷ floor on the same machine, database and run.
"""


def write_results(path: Path, db: str, section: str) -> None:
    start, end = f"<!-- bench:{db} -->", f"<!-- /bench:{db} -->"
    text = path.read_text() if path.exists() else HEADER
    block = f"{start}\n{section}{end}\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def evaluate(pages: dict, burst: dict, list_sql: dict) -> list:
    targets = []
    main = CONNECTIONS[0]
    for key, page in pages.items():
        if key in ("checkin", "center"):
            continue
        r = page.ratio(main)
        targets.append((f"{page.title} ≥ 0.5 × floor req/s at {main} (goal 0.8)",
                        f"{fmt(r, 2)} (goal {'met' if r >= 0.8 else 'not met'}; "
                        f"at 1: {fmt(page.ratio(1), 2)})", r >= 0.5))
    if "center" in pages:
        r = pages["center"].ratio(main)
        targets.append((f"city overview ≥ 0.8 × floor req/s at {main}",
                        f"{fmt(r, 2)} (at 1: {fmt(pages['center'].ratio(1), 2)})", r >= 0.8))
    for title, counts, constant in list_sql.values():
        worst = max(c for c in counts.values() if c is not None) if any(
            c is not None for c in counts.values()) else None
        shown = ", ".join(f"{k}: {v}" for k, v in counts.items())
        ok = None if worst is None else (worst <= 4 and constant is not False)
        targets.append((f"{title}: queries constant in rows, ≤ 4",
                        shown + ("" if constant is not None else " (constancy untested)"), ok))
    if "checkin" in pages:
        r = pages["checkin"].ratio(main)
        targets.append((f"check-in sustained ≥ 0.6 × floor req/s at {main}",
                        f"{fmt(r, 2)} (at 1: {fmt(pages['checkin'].ratio(1), 2)})", r >= 0.6))
    if burst:
        p, f = burst["portal"], burst["floor"]
        full = burst["n"] >= BURST
        targets.append((f"{BURST} simultaneous distinct check-ins: 0 errors",
                        f"{p.errors} errors in {len(p.rounds)} rounds of {burst['n']}",
                        (p.errors == 0) if full else None))
        targets.append((f"{BURST} simultaneous check-ins: p95 ≤ 2 × floor p95",
                        f"{fmt(p.p95)} ms vs floor {fmt(f.p95)} ms "
                        f"({fmt(p.p95 / f.p95 if f.p95 else float('nan'), 2)} ×)",
                        (p.p95 <= 2 * f.p95) if full else None))
    rss_p = max((pg.rss.get("portal", 0) for pg in pages.values()), default=0)
    rss_f = max((pg.rss.get("floor", 0) for pg in pages.values()), default=0)
    targets.append(("worker RSS ≤ floor + 40 MB",
                    f"portal {rss_p / MB:.1f} MB, floor {rss_f / MB:.1f} MB "
                    f"({(rss_p - rss_f) / MB:+.1f} MB)", rss_p <= rss_f + 40 * MB))
    return targets


# ============================================================================ main

def parse_args(argv: list[str]):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    ap.add_argument("--database-url", help=f"default {PG_DEFAULT} or {SQLITE_DEFAULT}")
    ap.add_argument("--apprentices", type=int, default=30000, help="for --reseed (30000)")
    ap.add_argument("--reseed", action="store_true",
                    help="create the database, flask db upgrade, flask seed-scale")
    ap.add_argument("--rounds", type=int, help="rounds per server and connection count (3)")
    ap.add_argument("--requests", type=int,
                    help="requests per round at 8 connections (800); half at 1 connection; "
                         "a tenth (at least 8) for the import preview")
    ap.add_argument("--quick", action="store_true", help="a smoke run: few requests, 1 round")
    ap.add_argument("--out", help="results file (bench/RESULTS.md; /tmp/bench-quick.md "
                                  "with --quick)")
    ap.add_argument("--password", default="Scale-2026", help="every account's password")
    ap.add_argument("--district", default="朝阳区", help="the district whose queues are used")
    ap.add_argument("--import-rows", type=int, default=500)
    ap.add_argument("--checkin-pairs", type=int, default=600,
                    help="at most this many distinct (trainee, session) pairs a sustained "
                         "check-in round; each trainee is logged in first (600)")
    ap.add_argument("--load-per-core", type=float, default=0.5,
                    help="wait until the 1-minute load is below this × cores (0.5)")
    ap.add_argument("--load-timeout", type=float, help="seconds to wait for that (300; 10 "
                                                       "with --quick)")
    ap.add_argument("--only", help="comma-separated page keys: programmes, enrolments, "
                                   "detail, attendance, center, import, checkin, burst")
    args = ap.parse_args(argv)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.requests = args.requests or (16 if args.quick else 800)
    args.out = Path(args.out or ("/tmp/bench-quick.md" if args.quick else ROOT / "bench/RESULTS.md"))
    if args.load_timeout is None:
        args.load_timeout = 10.0 if args.quick else 300.0
    args.database_url = args.database_url or (PG_DEFAULT if args.db == "postgresql"
                                              else SQLITE_DEFAULT)
    return args


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    began = time.monotonic()
    only = set(args.only.split(",")) if args.only else None
    wanted = lambda key: only is None or key in only  # noqa: E731
    info: dict = {"url": args.database_url, "commit": git_commit(),
                  "threshold": args.load_per_core * cores()}
    info["load_start"], info["waited"], info["quiet"] = wait_for_quiet(info["threshold"],
                                                                       args.load_timeout)
    info["date"] = datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    secret = secrets.token_hex(32)
    if args.reseed:
        info["reseed"] = reseed(args.database_url, args.apprentices, secret)
    elif not database_exists(args.database_url):
        raise SystemExit(f"{args.database_url} does not exist: run with --reseed")
    engine = sa.create_engine(sqlalchemy_url(args.database_url))
    info["server"] = server_version(engine)
    ids = discover(engine, args.district)
    n8 = args.requests
    counts = {8: n8, 1: max(4, n8 // 2)}
    import_counts = {8: max(8, n8 // 10), 1: max(4, n8 // 20)}
    info["requests"] = (f"{counts[8]} at 8 connections, {counts[1]} at 1 (import preview "
                        f"{import_counts[8]} / {import_counts[1]})")
    sustained, burst_pairs = choose_pairs(ids.pairs, min(counts[8], args.checkin_pairs), BURST)
    info["pairs"] = len(sustained)
    trainees = sorted({p[1] for p in sustained} | {p[1] for p in burst_pairs})
    info["trainees"] = len(trainees)
    sheet = workbook(args.import_rows)
    log(f"ids: {ids.__dict__ | {'pairs': len(ids.pairs)}}")

    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    servers = {
        "portal": start_server("portal", "wsgi:app",
                               server_env(args.database_url, secret, str(workdir / "uploads")),
                               workdir, []),
        "floor": start_server("floor", "floor:app", server_env(args.database_url, secret),
                              workdir, ["--chdir", str(ROOT / "bench")]),
    }
    pages: dict[str, PageResult] = {}
    burst: dict = {}
    kept = True
    list_sql: dict = {}
    try:
        wait_ready(servers["portal"], "/login")
        wait_ready(servers["floor"], "/")
        log(f"servers up: portal :{servers['portal'].port}, floor :{servers['floor'].port}; "
            f"logs in {workdir}")
        port = servers["portal"].port
        started = time.monotonic()
        users = login_all(port, [ids.district_user, ids.center_user, ids.session_user,
                                 ids.import_user], args.password)
        log(f"logged in 4 staff users in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        users |= login_all(port, trainees, args.password)
        log(f"logged in {len(trainees)} trainees in {time.monotonic() - started:.1f} s")

        district = users[ids.district_user]
        get = lambda login_, path, **h: (lambda i: Call("GET", path, headers=h, login=login_))  # noqa: E731
        plain = lambda path: (lambda i: Call("GET", path))  # noqa: E731
        ok = {"portal": 200, "floor": 200}

        def queue(key, title, portal_path, floor_path, row_id):
            url = f"{portal_path}?status=submitted&per_page=50"
            floor = f"{floor_path}?district={ids.district_code}&status=submitted&per_page=50"
            page = PageResult(key, title, url, floor)
            # Does the portal honour per_page yet, and are its queries constant in rows?
            conn, seen = Conn(port), {}
            marker = re.compile(rb'<tr id="' + row_id.encode() + rb'-\d+"')
            for per_page in (5, 50):
                status, message, body = request(conn, "GET", f"{portal_path}?status=submitted"
                                                f"&per_page={per_page}", headers=district.headers())
                district.keep(message)
                seen[per_page] = (len(marker.findall(body)), message.get("X-SQL-Count"))
            rows5, rows50 = seen[5][0], seen[50][0]
            honoured = rows5 < rows50
            sql = {f"per_page={n} ({rows} rows)": int(c) if c else None
                   for n, (rows, c) in seen.items()}
            constant = (seen[5][1] == seen[50][1]) if honoured else None
            page.note = (f"rows shown by the portal: {rows50} at per_page=50, {rows5} at 5"
                         + ("" if honoured else " (per_page not honoured yet, or too few rows: "
                            "queries per row untested)"))
            list_sql[key] = (title, sql, constant)
            makers = {"portal": get(district, url), "floor": plain(floor)}
            return measure(page, servers, makers, counts, args.rounds, 4, ok)

        if wanted("programmes"):
            log("district programme queue")
            pages["programmes"] = queue("programmes", "district programme queue",
                                        "/district/programmes", "/programmes", "programme")
        if wanted("enrolments"):
            log("district apprentice-registration queue")
            pages["enrolments"] = queue("enrolments", "district apprentice queue",
                                        "/district/enrolments", "/enrolments", "enrolment")
        if wanted("detail"):
            log("programme detail")
            url = f"/district/programmes/{ids.detail_programme}"
            floor = f"/programmes/{ids.detail_programme}"
            pages["detail"] = measure(
                PageResult("detail", "programme detail", url, floor), servers,
                {"portal": get(district, url), "floor": plain(floor)}, counts, args.rounds, 4, ok)
        if wanted("attendance"):
            log("live attendance list")
            url = f"/{ids.session_prefix}/sessions/{ids.session_id}/attendees"
            floor = f"/sessions/{ids.session_id}/attendees"
            page = PageResult("attendance", "live attendance list", url, floor,
                              note="the htmx poll (HX-Request: true): the attendees block")
            pages["attendance"] = measure(page, servers, {
                "portal": get(users[ids.session_user], url, **{"HX-Request": "true"}),
                "floor": plain(floor)}, counts, args.rounds, 4, ok)
            sql = pages["attendance"].sides[("portal", 8)].sql_max
            list_sql["attendance"] = ("live attendance list", {"rows now": sql}, None)
        if wanted("center"):
            log("centre city overview")
            pages["center"] = measure(
                PageResult("center", "city overview", "/center/", "/center"), servers,
                {"portal": get(users[ids.center_user], "/center/"), "floor": plain("/center")},
                counts, args.rounds, 4, ok)
        if wanted("import"):
            log(f"{args.import_rows}-row import preview")
            enterprise = users[ids.import_user]
            url = f"/enterprise/programmes/{ids.import_programme}/apprentices/import"
            xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

            def portal_import(i):
                body, kind = multipart({"csrf_token": enterprise.csrf}, "bench.xlsx", sheet, xlsx)
                return Call("POST", url, body, {"Content-Type": kind}, login=enterprise)

            def floor_import(i):
                body, kind = multipart({}, "bench.xlsx", sheet, xlsx)
                return Call("POST", "/import", body, {"Content-Type": kind})

            clean = ids.import_seats_left >= args.import_rows
            pages["import"] = measure(
                PageResult("import", f"{args.import_rows}-row import preview", url, "/import",
                           note=f"workbook {len(sheet) // 1024} KB; "
                           + ("a clean preview (the portal stashes the file)" if clean else
                              f"only {ids.import_seats_left} seats left: the preview carries a "
                              "quota error and is not stashed")),
                servers, {"portal": portal_import, "floor": floor_import}, import_counts,
                args.rounds, 2, ok)

        tokens = Tokens(secret)
        baseline = check_in_baseline(engine)
        cleanup = lambda: delete_check_ins(engine, baseline)  # noqa: E731

        def portal_checkin(pairs):
            def make(i):
                _uid, username, session_id = pairs[i % len(pairs)]
                # The phone's tap is an htmx POST answered with the 已签到 block itself.
                return Call("POST", f"/m/checkin/{tokens.token(session_id)}", b"",
                            {"Content-Type": "application/x-www-form-urlencoded",
                             "HX-Request": "true"}, login=users[username])
            return make

        def floor_checkin(pairs):
            return lambda i: Call("POST", "/checkin/{2}/{0}".format(*pairs[i % len(pairs)]))

        confirmed = {"portal": 200, "floor": 200}
        if wanted("checkin") and sustained:
            n = min(len(sustained), counts[8])
            log(f"check-in sustained ({n} distinct pairs a round)")
            page = PageResult("checkin", "check-in POST (sustained)", "/m/checkin/<token>",
                              "/checkin/<session>/<user>",
                              note=f"{n} distinct (trainee, session) pairs a round, check-ins "
                              "deleted between rounds; both answer 200 with the confirmation")
            pages["checkin"] = measure(page, servers, {
                "portal": portal_checkin(sustained), "floor": floor_checkin(sustained)},
                {8: n, 1: min(n, counts[1])}, args.rounds, 8, confirmed, between=cleanup)
        if wanted("burst") and burst_pairs:
            n = len(burst_pairs)
            log(f"check-in burst: {n} simultaneous distinct trainees")
            collected = {"portal": [], "floor": []}
            for _ in range(max(args.rounds, 3)):
                for name, make in (("portal", portal_checkin(burst_pairs)),
                                   ("floor", floor_checkin(burst_pairs))):
                    result = run_round(servers[name].port, make, n, n, 200, burst=True)
                    collected[name].append(result)
                    cleanup()
            burst = {"n": n, **{k: Side(v) for k, v in collected.items()}}
            log(f"  burst: portal p95 {burst['portal'].p95:.0f} ms, errors "
                f"{burst['portal'].errors}; floor p95 {burst['floor'].p95:.0f} ms")
        cleanup()
    except BaseException:
        log(f"failed; the servers' logs are in {workdir}")
        raise
    else:
        kept = False
    finally:
        for server in servers.values():
            server.stop()
        engine.dispose()
    if not kept:
        shutil.rmtree(workdir, ignore_errors=True)
    info["load_end"] = os.getloadavg()
    info["took"] = time.monotonic() - began
    targets = evaluate(pages, burst, list_sql)
    section = render(args, [sys.argv[0], *argv], info, ids, list(pages.values()), burst, targets)
    write_results(args.out, args.db, section)
    log(f"wrote {args.out} ({info['took']:.0f} s)")
    print(section)


if __name__ == "__main__":
    main(sys.argv[1:])
