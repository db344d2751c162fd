"""Background work with a progress bar (issue 14 item 6): exports and imports that outlive a
request. A `Job` row holds the state, so a page reload (or another gunicorn worker) finds it.

A domain registers each kind of work once, at import time:

    jobs.register("evidence_package", build)   # build(params, progress, out_path) -> name

and a view starts one and commits, then sends the user to its page:

    job = jobs.start(current_user, "evidence_package", {"programme_id": 7})
    db.session.commit()                  # the work is handed over only after this commit
    return redirect(url_for(f"{request.blueprint}.job", job_id=job.id))

The function runs with its own app context and `db.session`. It receives the JSON params
the view passed, plus `params["user_id"]`: the id of the user who started the job (set by
the runner, never by the caller), so it can scope what it reads to that user. It writes its
file to `out_path`, calls `progress(done, total, message)` as it goes and returns the file's
download name. Whatever it writes to `db.session` is committed once it returns, rolled back
if it raises. A `ServiceError`'s message is shown to the user; any other exception is logged
and the user sees a generic Chinese message.

Where it runs (config `JOBS_BACKEND`, see `portal.config`):
- `rq`: the default when `REDIS_URL` is set. Queue `portal-jobs`; a worker runs
  `flask --app wsgi jobs-worker` (an RQ worker inside the app context).
- `thread`: the embedded default without Redis, a daemon thread of the app process.
- `sync`: in the request, right after its commit (the tests' default).

Progress is written through a connection of its own, in its own short transaction, so the
polling page sees it while the work's own transaction is still open; at most a few times a
second. (On SQLite a writer waits for open read cursors: a job there reads its rows before
it reports progress while writing them, as the ledger export does.)
"""

import json
import logging
import mimetypes
import secrets
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, abort, current_app, has_app_context, send_file

from portal.core.errors import ServiceError
from portal.extensions import db
from portal.models import Job, JobState
from portal.models.base import utcnow

log = logging.getLogger("portal.jobs")

QUEUE = "portal-jobs"
JOB_TIMEOUT_SECONDS = 2 * 60 * 60
PROGRESS_INTERVAL_SECONDS = 0.3
FAILED_MESSAGE = "任务执行失败，请稍后重试；如仍失败请联系系统管理员"
UNAVAILABLE_MESSAGE = "任务已不能执行（任务类型不存在）"
INTERRUPTED_MESSAGE = "任务已中断（服务重启或超时），请重新发起"
# A job still queued or running this long after it was started was lost (a worker or the app
# process stopped under it): its page says so and stops polling.
STALE_AFTER = timedelta(seconds=JOB_TIMEOUT_SECONDS + 15 * 60)
_PENDING = "portal.pending_jobs"

JobFunction = Callable[[dict, Callable[..., None], Path], str]
_REGISTRY: dict[str, JobFunction] = {}
_LABELS: dict[str, str] = {}
_DOWNLOAD_CHECKS: dict[str, Callable] = {}


def register(kind: str, function: JobFunction, *, label: str = "",
             may_download=None) -> None:
    """Make `kind` startable (`label`: its Chinese name in the job list); registering the
    same kind again (a re-import) replaces it. `may_download(user, params)`, when given, is
    asked again at download: access granted when the job started may since have ended."""
    if len(kind) > Job.kind.type.length:
        raise ValueError(f"job kind {kind!r} is longer than the column")
    _REGISTRY[kind] = function
    _LABELS[kind] = label or kind
    if may_download is not None:
        _DOWNLOAD_CHECKS[kind] = may_download


def registered(kind: str) -> bool:
    return kind in _REGISTRY


def label(kind: str) -> str:
    return _LABELS.get(kind, kind)


# --- starting -------------------------------------------------------------------------------


def params_json(params: dict) -> str:
    return json.dumps(params, ensure_ascii=False, sort_keys=True)


def start(user, kind: str, params: dict | None = None) -> Job:
    """A queued job of `user`'s; handed to the runner when the current transaction commits
    (a rolled-back request starts nothing). Flushes, never commits."""
    if kind not in _REGISTRY:
        raise ValueError(f"unknown job kind {kind!r}")
    # The same request again (a double click, a reload, a prefetch) while the first is still
    # under way joins it instead of queueing the same heavy work twice.
    running = db.session.scalar(sa.select(Job).where(
        Job.user_id == user.id, Job.kind == kind, Job.params == params_json(params or {}),
        Job.state.in_((JobState.QUEUED, JobState.RUNNING))).order_by(Job.created_at.desc())
        .limit(1))
    if running is not None:
        return running
    job = Job(id=secrets.token_hex(16), user_id=user.id, kind=kind,
              params=params_json(params or {}),
              state=JobState.QUEUED, done=0, total=0, message="", result_name="",
              result_stored="")
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(job.id)
    return job


@sa.event.listens_for(db.session, "after_commit")
def _hand_over(session) -> None:
    ids = session.info.pop(_PENDING, [])
    if ids:
        app = current_app._get_current_object()
        for job_id in ids:
            _enqueue(app, job_id)


@sa.event.listens_for(db.session, "after_rollback")
def _forget(session) -> None:
    session.info.pop(_PENDING, None)


def _enqueue(app: Flask, job_id: str) -> None:
    kind = app.config.get("JOBS_BACKEND") or "thread"
    if kind == "rq":
        try:
            rq_queue(app).enqueue(run, job_id, job_id=job_id, job_timeout=JOB_TIMEOUT_SECONDS,
                                  result_ttl=0, failure_ttl=24 * 3600)
            return
        except Exception:  # Redis down: the work still gets done, in this process
            log.exception("job %s: Redis unreachable, running it in a thread instead", job_id)
            kind = "thread"
    if kind == "sync":
        run_in(app, job_id)
        return
    threading.Thread(target=run_in, args=(app, job_id), name=f"job-{job_id[:8]}",
                     daemon=True).start()


def rq_queue(app: Flask):
    from redis import Redis
    from rq import Queue

    # Connecting fails fast, so a Redis outage falls back to a thread instead of hanging.
    return Queue(app.config.get("JOBS_QUEUE") or QUEUE,
                 connection=Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=3))


# --- running --------------------------------------------------------------------------------


def jobs_dir(app: Flask | None = None) -> Path:
    path = Path((app or current_app).config["UPLOAD_DIR"]) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def run(job_id: str) -> None:
    """The RQ entry point: the worker (`flask jobs-worker`) provides the app context."""
    if not has_app_context():
        raise RuntimeError("run jobs with `flask --app wsgi jobs-worker` (needs the app)")
    run_in(current_app._get_current_object(), job_id)


def run_in(app: Flask, job_id: str) -> None:
    """Run one queued job in an app context (and so a `db.session`) of its own."""
    with app.app_context():
        try:
            _run(app, job_id)
        finally:
            db.session.remove()


def _update(job_id: str, where_state: tuple[JobState, ...] | None = None, **values) -> int:
    """Write the job row in a transaction of its own (visible at once to the polling page)."""
    stmt = sa.update(Job).where(Job.id == job_id).values(**values)
    if where_state:
        stmt = stmt.where(Job.state.in_(where_state))
    with db.engine.begin() as conn:
        return conn.execute(stmt).rowcount


def _run(app: Flask, job_id: str) -> None:
    # Guarded: exactly one runner takes a queued job (a job enqueued twice runs once).
    if _update(job_id, (JobState.QUEUED,), state=JobState.RUNNING, started_at=utcnow()) != 1:
        log.warning("job %s: not queued any more, not run again", job_id)
        return
    job = db.session.get(Job, job_id)
    function = _REGISTRY.get(job.kind)
    if function is None:
        _update(job_id, state=JobState.FAILED, message=UNAVAILABLE_MESSAGE, finished_at=utcnow())
        log.error("job %s: kind %r is not registered in this process", job_id, job.kind)
        return
    params = {**json.loads(job.params or "{}"), "user_id": job.user_id}
    stored = secrets.token_hex(16)
    out_path = jobs_dir(app) / stored
    reporter = Progress(job_id)
    try:
        name = function(params, reporter, out_path)
        db.session.commit()
    except Exception as err:
        db.session.rollback()
        out_path.unlink(missing_ok=True)
        if isinstance(err, ServiceError):
            message = str(getattr(err, "message", None) or err)
            log.warning("job %s (%s) refused: %s", job_id, job.kind, message)
        else:
            message = FAILED_MESSAGE
            log.exception("job %s (%s) failed", job_id, job.kind)
        _update(job_id, state=JobState.FAILED, message=message[:300], finished_at=utcnow())
        return
    done = max(reporter.done, reporter.total)
    _update(job_id, state=JobState.DONE, done=done, total=max(reporter.total, done),
            message="", result_name=str(name)[:200],
            result_stored=stored if out_path.is_file() else "", finished_at=utcnow())


class Progress:
    """`progress(done, total, message="")`: throttled writes of the job's progress."""

    def __init__(self, job_id: str, interval: float | None = None):
        self.job_id = job_id
        self.interval = PROGRESS_INTERVAL_SECONDS if interval is None else interval
        self.done = self.total = 0
        self._last = 0.0

    def __call__(self, done: int, total: int, message: str = "") -> None:
        self.done, self.total = int(done), int(total)
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        stmt = (sa.update(Job).where(Job.id == self.job_id, Job.state == JobState.RUNNING)
                .values(done=self.done, total=self.total, message=message[:300]))
        try:
            _write_progress(stmt)
        except sa.exc.OperationalError:  # a locked SQLite file: the next call tries again
            log.debug("job %s: progress not written (database busy)", self.job_id)


# SQLite: a job reading with an open cursor holds a lock that a progress write would wait
# 15 s for (the pool's busy timeout), every call. There progress goes through a connection
# of its own that waits 50 ms at most and is closed after each write (a failed write leaves
# no lock and no changed setting behind); the write is skipped when it cannot be made.
# PostgreSQL writes it always, through the pool.
_SQLITE_PROGRESS_WAIT_MS = 50
_progress_engines: dict[str, sa.Engine] = {}


def _progress_engine() -> sa.Engine:
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return engine
    url = engine.url.render_as_string(hide_password=False)
    if url not in _progress_engines:
        _progress_engines[url] = sa.create_engine(url, poolclass=sa.pool.NullPool)
    return _progress_engines[url]


def _write_progress(stmt) -> None:
    engine = _progress_engine()
    with engine.connect() as conn:
        if engine is not db.engine:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={_SQLITE_PROGRESS_WAIT_MS}")
            conn.commit()  # ends SQLAlchemy's autobegun transaction (a PRAGMA writes nothing)
        with conn.begin():
            conn.execute(stmt)


# --- reading --------------------------------------------------------------------------------


def jobs_of(user) -> sa.Select:
    """The user's own jobs, newest first: a job is only ever its starter's."""
    return (sa.select(Job).where(Job.user_id == user.id)
            .order_by(Job.created_at.desc(), Job.id))


def get_own_or_404(user, job_id: str) -> Job:
    """Another user's job (or a made-up id) looks missing."""
    job = db.session.scalar(jobs_of(user).where(Job.id == job_id[:32]))
    if job is None:
        abort(404)
    return job


def active(job: Job) -> bool:
    """Still to be waited for (the page keeps polling): queued or running, and not lost."""
    return job.state in (JobState.QUEUED, JobState.RUNNING) and not interrupted(job)


def interrupted(job: Job) -> bool:
    return (job.state in (JobState.QUEUED, JobState.RUNNING)
            and utcnow() - job.created_at > STALE_AFTER)


def percent(job: Job) -> int:
    if job.state == JobState.DONE:
        return 100
    return min(100, job.done * 100 // job.total) if job.total else 0


def send_result(job: Job, user=None):
    """The finished job's file as a download (404 if not done, the file is gone, or the
    kind's download check refuses `user`)."""
    if job.state != JobState.DONE or not job.result_stored:
        abort(404)
    check = _DOWNLOAD_CHECKS.get(job.kind)
    if check is not None and not check(user, json.loads(job.params or "{}")):
        abort(404)
    path = jobs_dir() / job.result_stored
    if not path.is_file():
        current_app.logger.error("job %s: file %s is missing", job.id, job.result_stored)
        abort(404)
    mimetype = mimetypes.guess_type(job.result_name)[0] or "application/octet-stream"
    response = send_file(path, mimetype=mimetype, as_attachment=True,
                         download_name=job.result_name or "download", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- the worker -----------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    import click

    @app.cli.command("jobs-worker")
    @click.option("--burst", is_flag=True, help="run the queued jobs, then stop")
    def jobs_worker_command(burst: bool):
        """Run background jobs (exports, evidence packages) from Redis (REDIS_URL)."""
        if not app.config.get("REDIS_URL"):
            raise click.ClickException("REDIS_URL 未设置：没有 Redis 时任务在应用进程内执行")
        from rq import SimpleWorker

        queue = rq_queue(app)
        # SimpleWorker: each job in this process, in an app context of its own (run_in);
        # run several workers for parallel jobs.
        SimpleWorker([queue], connection=queue.connection).work(burst=burst)
