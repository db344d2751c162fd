"""The floor: a bare Flask app running the benchmarked pages' queries, rendering bare tables.

No login, no CSRF, no ORM, no layout: plain SQLAlchemy Core text queries over the portal's
database (same URL, same driver, same pool options) and one small Jinja template. It is
what a page costs at the least on this machine and database; bench/run.py compares each
portal page with its floor. Serve it like the portal:

    DATABASE_URL=... .venv/bin/gunicorn -w 2 -b 127.0.0.1:8001 --chdir bench floor:app

Every response carries X-SQL-Count (statements run), as the portal does with BENCH_SQL_COUNT.
"""

import os
from datetime import UTC, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import sqlalchemy as sa
from flask import Flask, g, render_template_string, request

BEIJING = ZoneInfo("Asia/Shanghai")
ONCE_ACTIVE = ("active", "completed", "withdrawn", "transferred")


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL") or "sqlite:///instance/portal.sqlite3"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


URL = _database_url()
SQLITE = URL.startswith("sqlite")
# The portal's engine options (pool_pre_ping) and, on SQLite, its 15 s busy timeout.
engine = sa.create_engine(URL, pool_pre_ping=True,
                          connect_args={"timeout": 15} if SQLITE else {})


@sa.event.listens_for(engine, "before_cursor_execute")
def _count(*_args):
    g.sql_count = g.get("sql_count", 0) + 1


app = Flask(__name__)


@app.after_request
def _header(response):
    response.headers["X-SQL-Count"] = str(g.get("sql_count", 0))
    return response


TABLE = """<!doctype html><meta charset="utf-8"><title>{{ title }}</title>
<h1>{{ title }}</h1>{% if note %}<p>{{ note }}</p>{% endif %}
<table><tr>{% for h in head %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in rows %}<tr>{% for v in row %}<td>{{ v if v is not none else "" }}</td>{% endfor %}</tr>
{% endfor %}</table>"""


def table(title: str, head, rows, note: str = ""):
    return render_template_string(TABLE, title=title, head=head, rows=rows, note=note)


def mask(value: str | None, head: int, tail: int) -> str:
    if not value or len(value) <= head + tail:
        return "*" * len(value or "")
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def beijing_day(moment: datetime):
    return moment.replace(tzinfo=UTC).astimezone(BEIJING).date()


def _now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _naive(value) -> datetime:
    # SQLite hands back timestamps as text through text() queries.
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _bind(value):
    """Dates and timestamps as SQLAlchemy stores them on SQLite (text); as is elsewhere."""
    if not SQLITE:
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat()


# --- 1. the district programme queue ------------------------------------------------------

PROGRAMME_PAGE = sa.text("""
SELECT p.id, ent.name, ent.credit_code, ins.name, occ.code, occ.name, p.level,
       p.planned_count, p.start_date, p.state, p.submitted_at
FROM programme p
JOIN organisation ent ON ent.id = p.enterprise_id
JOIN organisation ins ON ins.id = p.institution_id
JOIN occupation occ ON occ.id = p.occupation_id
WHERE p.district_code = :district AND p.state = :state
ORDER BY ent.four_centres DESC, p.submitted_at, p.id
LIMIT :limit OFFSET :offset""")
PROGRAMME_COUNT = sa.text(
    "SELECT count(*) FROM programme WHERE district_code = :district AND state = :state")


def _page_args():
    per_page = min(request.args.get("per_page", 20, type=int), 100)
    page = max(request.args.get("page", 1, type=int), 1)
    return {"district": request.args["district"], "state": request.args.get("status", "submitted"),
            "limit": per_page, "offset": (page - 1) * per_page}


@app.get("/programmes")
def programmes():
    args = _page_args()
    with engine.connect() as conn:
        rows = conn.execute(PROGRAMME_PAGE, args).all()
        total = conn.execute(PROGRAMME_COUNT, args).scalar()
    return table("培训项目", ("#", "企业", "信用代码", "培训机构", "职业编码", "职业", "等级",
                          "计划人数", "开班", "状态", "提交"), rows, note=f"共 {total} 项")


# --- 2. the district apprentice-registration queue ------------------------------------------

ENROLMENT_PAGE = sa.text("""
SELECT e.id, a.name, a.resident_id, a.mobile, ent.name, occ.name, p.level, p.start_date,
       e.hire_type, e.monthly_wage, e.state, e.submitted_at
FROM enrolment e
JOIN apprentice a ON a.id = e.apprentice_id
JOIN programme p ON p.id = e.programme_id
JOIN organisation ent ON ent.id = p.enterprise_id
JOIN occupation occ ON occ.id = p.occupation_id
WHERE e.district_code = :district AND e.state = :state
ORDER BY e.submitted_at ASC NULLS LAST, e.id
LIMIT :limit OFFSET :offset""")
ENROLMENT_COUNT = sa.text(
    "SELECT count(*) FROM enrolment WHERE district_code = :district AND state = :state")


@app.get("/enrolments")
def enrolments():
    args = _page_args()
    with engine.connect() as conn:
        rows = conn.execute(ENROLMENT_PAGE, args).all()
        total = conn.execute(ENROLMENT_COUNT, args).scalar()
    shown = [(r[0], r[1], mask(r[2], 6, 4), mask(r[3], 3, 4), *r[4:]) for r in rows]
    return table("学徒报名", ("#", "姓名", "身份证号码", "手机", "企业", "职业", "等级", "开班",
                          "招用类型", "月工资", "状态", "提交"), shown, note=f"共 {total} 人")


# --- 3. programme detail ------------------------------------------------------------------

PROGRAMME_ROW = sa.text("""
SELECT p.id, ent.name, ent.credit_code, ins.name, occ.code, occ.name, d.name, p.level,
       p.planned_count, p.enrolled_count, p.start_date, p.duration_months, p.general_hours,
       p.theory_hours, p.practice_hours, p.centralised_hours, p.on_job_hours,
       p.delivery_modes, p.state, p.submitted_at, p.decided_at
FROM programme p
JOIN organisation ent ON ent.id = p.enterprise_id
JOIN organisation ins ON ins.id = p.institution_id
JOIN occupation occ ON occ.id = p.occupation_id
JOIN district d ON d.code = p.district_code
WHERE p.id = :id""")
PROGRAMME_ENROLMENTS = sa.text(
    "SELECT state, count(*) FROM enrolment WHERE programme_id = :id GROUP BY state ORDER BY state")
PROGRAMME_HEAD = ("#", "企业", "信用代码", "培训机构", "职业编码", "职业", "区", "等级", "计划",
                  "已报名", "开班", "月数", "通用", "理论", "实训", "集中", "岗位", "方式", "状态",
                  "提交", "决定")


@app.get("/programmes/<int:programme_id>")
def programme(programme_id: int):
    with engine.connect() as conn:
        row = conn.execute(PROGRAMME_ROW, {"id": programme_id}).one()
        counts = conn.execute(PROGRAMME_ENROLMENTS, {"id": programme_id}).all()
    return (table("培训项目", PROGRAMME_HEAD, [row])
            + table("学徒（按状态）", ("状态", "人数"), counts))


# --- 4. the teacher's live attendance list ------------------------------------------------

SESSION_ROW = sa.text("SELECT programme_id, starts_at FROM class_session WHERE id = :id")
ATTENDANCE = sa.text(f"""
SELECT a.name, c.checked_at, c.late
FROM enrolment e
JOIN apprentice a ON a.id = e.apprentice_id
LEFT JOIN check_in c ON c.enrolment_id = e.id AND c.session_id = :session
WHERE e.programme_id = :programme
  AND e.state IN ({", ".join(f"'{s}'" for s in ONCE_ACTIVE)})
  AND e.established_on <= :day AND (e.ended_on IS NULL OR e.ended_on >= :day)
ORDER BY c.checked_at IS NULL, c.checked_at, a.name""")


@app.get("/sessions/<int:session_id>/attendees")
def attendees(session_id: int):
    with engine.connect() as conn:
        programme_id, starts_at = conn.execute(SESSION_ROW, {"id": session_id}).one()
        rows = conn.execute(ATTENDANCE, {"session": session_id, "programme": programme_id,
                                         "day": _bind(beijing_day(_naive(starts_at)))}).all()
    came = sum(1 for r in rows if r[1] is not None)
    return table("签到", ("姓名", "签到时间", "迟到"), rows, note=f"已签到 {came} / 应到 {len(rows)}")


# --- 5. the centre's city overview --------------------------------------------------------

CITY_ORGS = sa.text("""
SELECT d.code, d.name, o.state, count(o.id)
FROM district d LEFT OUTER JOIN organisation o ON o.district_code = d.code
GROUP BY d.code, d.name, d.sort_order, o.state
ORDER BY d.sort_order""")
CITY_PROGRAMMES = sa.text(
    "SELECT district_code, state, count(*) FROM programme GROUP BY district_code, state")


@app.get("/center")
def center():
    with engine.connect() as conn:
        orgs = conn.execute(CITY_ORGS).all()
        progs = conn.execute(CITY_PROGRAMMES).all()
    by_district: dict[str, dict] = {}
    for code, name, state, count in orgs:
        entry = by_district.setdefault(code, {"name": name, "orgs": {}, "programmes": {}})
        if state is not None:
            entry["orgs"][state] = count
    for code, state, count in progs:
        by_district[code]["programmes"][state] = count
    states = sorted({s for e in by_district.values() for s in (*e["orgs"], *e["programmes"])})
    rows = [(e["name"], *(e["orgs"].get(s, 0) for s in states),
             *(e["programmes"].get(s, 0) for s in states)) for e in by_district.values()]
    return table("全市概览", ("区", *(f"单位 {s}" for s in states),
                          *(f"项目 {s}" for s in states)), rows)


# --- 6. the check-in POST -----------------------------------------------------------------

SESSION_FOR_CHECKIN = sa.text(
    "SELECT programme_id, starts_at, late_after_minutes, closed_at FROM class_session "
    "WHERE id = :id")
ENROLMENT_OF = sa.text("""
SELECT e.id FROM enrolment e JOIN apprentice a ON a.id = e.apprentice_id
WHERE a.user_id = :user AND e.programme_id = :programme AND e.state = 'active'""")
INSERT_CHECK_IN = sa.text("""
INSERT INTO check_in (session_id, enrolment_id, checked_at, late)
VALUES (:session, :enrolment, :at, :late)
ON CONFLICT (session_id, enrolment_id) DO NOTHING""")


@app.post("/checkin/<int:session_id>/<int:user_id>")
def check_in(session_id: int, user_id: int):
    with engine.begin() as conn:
        programme_id, starts_at, late_after, closed_at = conn.execute(
            SESSION_FOR_CHECKIN, {"id": session_id}).one()
        enrolment_id = conn.execute(ENROLMENT_OF, {"user": user_id,
                                                   "programme": programme_id}).scalar()
        if closed_at is not None or enrolment_id is None:
            return "refused", 409
        now = _now_utc()
        late = now > _naive(starts_at) + timedelta(minutes=late_after)
        conn.execute(INSERT_CHECK_IN, {"session": session_id, "enrolment": enrolment_id,
                                       "at": _bind(now), "late": late})
    # The portal answers the tap with the confirmation itself (no redirect round trip).
    return f"<p>已签到 {now:%H:%M}</p>"


# --- 7. the 500-row import preview --------------------------------------------------------

KNOWN_IDS = sa.text("SELECT resident_id FROM apprentice WHERE resident_id IN :ids").bindparams(
    sa.bindparam("ids", expanding=True))


@app.post("/import")
def import_preview():
    data = request.files["file"].read()
    book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=False)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    head, body = rows[0], [r for r in rows[1:] if any(v is not None for v in r)]
    ids = [str(r[1]) for r in body if r[1]]
    known: set[str] = set()
    with engine.connect() as conn:
        for start in range(0, len(ids), 500):  # the portal's chunk (SQLite's parameter limit)
            known.update(conn.execute(KNOWN_IDS, {"ids": ids[start:start + 500]}).scalars())
    shown = [(n, r[0], mask(str(r[1]), 6, 4), mask(str(r[2]), 3, 4), *r[3:],
              "已有" if str(r[1]) in known else "") for n, r in enumerate(body, start=2)]
    return table("导入预览", ("行", *head, "库中"), shown, note=f"{len(shown)} 行")


@app.get("/")
def ready():
    return "floor"
