"""Background jobs (issue 14 item 6): lifecycle with progress seen from outside, failure,
ownership (another user's job and file are 404), the page's htmx poll, a rollback starting
nothing, the thread runner end to end and the RQ runner when Redis is reachable."""

import logging
import socket
import time
import uuid

import pytest
import sqlalchemy as sa

from portal.core import jobs
from portal.core.errors import ServiceError
from portal.models import Job, JobState, Role
from tests.factories import log_in, make_user


@pytest.fixture
def kinds():
    """Registers test kinds for one test, then forgets them."""
    added = []

    def _register(kind, function):
        jobs.register(kind, function, label=f"测试任务 {kind}")
        added.append(kind)
        return kind

    yield _register
    for kind in added:
        jobs._REGISTRY.pop(kind, None)
        jobs._LABELS.pop(kind, None)


def _row_from_outside(db, job_id):
    """The job row as another connection (the polling page) sees it right now."""
    with db.engine.connect() as conn:
        return conn.execute(sa.select(Job.state, Job.done, Job.total, Job.message)
                            .where(Job.id == job_id)).one()


def _writer(seen, db, *, steps=3):
    def work(params, progress, out_path):
        for step in range(1, steps + 1):
            progress(step, steps, f"第 {step} 步")
            seen.append(_row_from_outside(db, params["job_id_for_test"]))
        out_path.write_text(f"user={params['user_id']} steps={steps}", encoding="utf-8")
        return "结果.txt"
    return work


def test_job_lifecycle_queued_running_done_with_progress(app, db, kinds, monkeypatch):
    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL_SECONDS", 0)
    seen = []
    kind = kinds("t_life", _writer(seen, db))
    user = make_user(Role.CENTER)
    # Queued until the transaction that started it commits.
    app.config["JOBS_BACKEND"] = "thread"
    monkeypatch.setattr(jobs, "_enqueue", lambda _app, _id: None)
    job = jobs.start(user, kind, {"x": 1})
    job_id = job.id
    db.session.commit()
    assert len(job_id) == 32 and int(job_id, 16) >= 0
    assert _row_from_outside(db, job_id).state == JobState.QUEUED
    db.session.execute(sa.update(Job).where(Job.id == job_id)
                       .values(params=f'{{"job_id_for_test": "{job_id}"}}'))
    db.session.commit()
    jobs.run_in(app, job_id)
    # Each progress call was visible to another connection while the job was running.
    assert [(s.state, s.done, s.total, s.message) for s in seen] == [
        (JobState.RUNNING, 1, 3, "第 1 步"), (JobState.RUNNING, 2, 3, "第 2 步"),
        (JobState.RUNNING, 3, 3, "第 3 步")]
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job.state == JobState.DONE and (job.done, job.total) == (3, 3)
    assert job.result_name == "结果.txt" and job.started_at and job.finished_at
    assert (jobs.jobs_dir() / job.result_stored).read_text(encoding="utf-8") == \
        f"user={user.id} steps=3"


def test_job_runs_once_even_if_handed_over_twice(app, db, kinds):
    calls = []
    kind = kinds("t_once", lambda p, progress, out: calls.append(1) or "x.txt")
    job = jobs.start(make_user(Role.CENTER), kind, {})
    db.session.commit()  # sync backend in tests: ran here
    jobs.run_in(app, job.id)  # a second delivery (an RQ retry, a double enqueue)
    assert calls == [1]


def test_job_progress_is_throttled(app, db, kinds, monkeypatch):
    monkeypatch.setattr(jobs, "_enqueue", lambda _app, _id: None)
    kind = kinds("t_throttle", lambda p, progress, out: "x")
    job = jobs.start(make_user(Role.CENTER), kind, {})
    db.session.commit()
    db.session.execute(sa.update(Job).where(Job.id == job.id).values(state=JobState.RUNNING))
    db.session.commit()
    written = []
    real_write = jobs._write_progress
    monkeypatch.setattr(jobs, "_write_progress", lambda stmt: written.append(stmt) or real_write(stmt))
    progress = jobs.Progress(job.id)
    began = time.monotonic()
    for n in range(5000):
        progress(n, 5000)
    seconds = time.monotonic() - began
    # One write per interval: 5,000 calls, a handful of rows written.
    assert 1 <= len(written) <= seconds / jobs.PROGRESS_INTERVAL_SECONDS + 1
    assert len(written) < 20 and progress.done == 4999
    assert _row_from_outside(db, job.id).done == 0  # the first call was written, then held back


def test_job_failure_sets_failed_with_chinese_message_and_logs(app, db, kinds, caplog):
    def broken(params, progress, out_path):
        out_path.write_bytes(b"half")
        raise RuntimeError("disk on fire")

    kind = kinds("t_broken", broken)
    with caplog.at_level(logging.ERROR, logger="portal.jobs"):
        job = jobs.start(make_user(Role.CENTER), kind, {})
        job_id = job.id
        db.session.commit()
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job.state == JobState.FAILED
    assert job.message == jobs.FAILED_MESSAGE and "disk on fire" not in job.message
    assert job.result_stored == "" and list(jobs.jobs_dir().iterdir()) == []
    assert any("disk on fire" in (r.exc_text or "") for r in caplog.records)


def test_job_refusal_shows_its_message(app, db, kinds, client, login):
    def refuse(params, progress, out_path):
        raise ServiceError("没有可导出的记录")

    user = make_user(Role.CENTER)
    job = jobs.start(user, kinds("t_refuse", refuse), {})
    job_id = job.id
    db.session.commit()
    login(user)
    html = client.get(f"/center/jobs/{job_id}").get_data(as_text=True)
    assert "失败" in html and "没有可导出的记录" in html
    with client.get(f"/center/jobs/{job_id}/download") as download:
        assert download.status_code == 404


def test_job_writes_of_a_failed_job_are_rolled_back(app, db, kinds):
    from portal.models import User

    def writes_then_fails(params, progress, out_path):
        db.session.add(User(username="ghost", password_hash="x", role=Role.CENTER,
                            display_name="ghost"))
        db.session.flush()
        raise RuntimeError("late failure")

    job = jobs.start(make_user(Role.CENTER), kinds("t_rollback", writes_then_fails), {})
    db.session.commit()
    assert db.session.scalar(sa.select(User.id).where(User.username == "ghost")) is None
    assert db.session.get(Job, job.id).state == JobState.FAILED


def test_job_rolled_back_request_starts_nothing(app, db, kinds):
    calls = []
    kind = kinds("t_rolled", lambda p, progress, out: calls.append(1) or "x")
    user = make_user(Role.CENTER)
    jobs.start(user, kind, {})
    db.session.rollback()
    db.session.commit()
    assert calls == [] and db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_job_started_again_while_under_way_joins_the_first(app, db, kinds):
    calls = []
    kind = kinds("t_twice", lambda p, progress, out: calls.append(1) or "x")
    user = make_user(Role.CENTER)
    first = jobs.start(user, kind, {"year": 2025})
    again = jobs.start(user, kind, {"year": 2025})
    other = jobs.start(user, kind, {"year": 2024})
    db.session.commit()
    assert again.id == first.id and other.id != first.id
    assert calls == [1, 1]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 2


def _writes(text: str, name: str):
    def work(params, progress, out_path):
        out_path.write_text(text, encoding="utf-8")
        return name
    return work


def _done_job(db, kinds, user):
    kind = kinds("t_owned", _writes("秘密", "owned.txt"))
    job = jobs.start(user, kind, {})
    job_id = job.id
    db.session.commit()
    return job_id


def test_job_page_and_file_are_the_starters_alone(app, db, kinds, client, login):
    owner = make_user(Role.DISTRICT, district="110105")
    job_id = _done_job(db, kinds, owner)
    peer = make_user(Role.DISTRICT, district="110105")  # same role, same district
    centre = make_user(Role.CENTER)
    for other, prefix in ((peer, "/district"), (centre, "/center")):
        stranger = log_in(app.test_client(), other)
        assert stranger.get(f"{prefix}/jobs/{job_id}").status_code == 404
        with stranger.get(f"{prefix}/jobs/{job_id}/download") as response:
            assert response.status_code == 404
        listing = stranger.get(f"{prefix}/jobs")
        assert listing.status_code == 200 and job_id not in listing.get_data(as_text=True)
    login(owner)
    page = client.get(f"/district/jobs/{job_id}")
    assert page.status_code == 200 and "owned.txt" in page.get_data(as_text=True)
    with client.get(f"/district/jobs/{job_id}/download") as download:  # closes the file
        assert download.status_code == 200 and download.data.decode() == "秘密"
        assert "attachment" in download.headers["Content-Disposition"]
        assert download.headers["Cache-Control"] == "private, no-store"
    assert job_id in client.get("/district/jobs").get_data(as_text=True)
    # A made-up id of the right shape, and one of the wrong shape.
    assert client.get(f"/district/jobs/{uuid.uuid4().hex}").status_code == 404
    assert client.get("/district/jobs/not-a-job").status_code == 404


def test_job_page_polls_until_done_then_stops(app, db, kinds, client, login, monkeypatch):
    monkeypatch.setattr(jobs, "_enqueue", lambda _app, _id: None)
    user = make_user(Role.CENTER)
    kind = kinds("t_poll", _writes("ok", "poll.txt"))
    job = jobs.start(user, kind, {})
    job_id = job.id
    db.session.commit()
    login(user)
    full = client.get(f"/center/jobs/{job_id}").get_data(as_text=True)
    assert "<html" in full and 'hx-trigger="every 1s"' in full and "排队中" in full
    assert '<progress id="job-progress" max="100" value="0"' in full
    jobs.run_in(app, job_id)
    block = client.hx_get(f"/center/jobs/{job_id}").get_data(as_text=True)
    assert "<html" not in block and 'id="job-status"' in block
    assert "hx-trigger" not in block and 'value="100"' in block and "poll.txt" in block


def test_job_thread_runner_end_to_end(app, db, kinds, client, login):
    """The embedded default: a real thread of the app process, polled through the page."""
    app.config["JOBS_BACKEND"] = "thread"

    def slow(params, progress, out_path):
        for step in range(1, 4):
            time.sleep(0.2)
            progress(step, 3)
        out_path.write_text("from a thread", encoding="utf-8")
        return "thread.txt"

    user = make_user(Role.CENTER)
    job = jobs.start(user, kinds("t_thread", slow), {})
    job_id = job.id
    db.session.commit()
    login(user)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        block = client.hx_get(f"/center/jobs/{job_id}").get_data(as_text=True)
        if "hx-trigger" not in block:
            break
        time.sleep(0.1)
    assert "thread.txt" in block, block
    with client.get(f"/center/jobs/{job_id}/download") as download:
        assert download.data == b"from a thread"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_job_rq_runner_with_a_real_worker(app, db, kinds):
    from rq import SimpleWorker

    app.config.update(JOBS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:6379/0",
                      JOBS_QUEUE=f"portal-jobs-test-{uuid.uuid4().hex[:8]}")
    queue = jobs.rq_queue(app)
    try:
        def work(params, progress, out_path):
            progress(1, 1)
            out_path.write_text(f"rq for {params['user_id']}", encoding="utf-8")
            return "rq.txt"

        user = make_user(Role.CENTER)
        job = jobs.start(user, kinds("t_rq", work), {"a": 1})
        job_id = job.id
        db.session.commit()
        assert queue.count == 1  # handed to Redis, not run in the request
        assert db.session.get(Job, job_id).state == JobState.QUEUED
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        db.session.expire_all()
        job = db.session.get(Job, job_id)
        assert job.state == JobState.DONE, job.message
        assert (jobs.jobs_dir() / job.result_stored).read_text(encoding="utf-8") == \
            f"rq for {user.id}"
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)


def test_job_worker_command_needs_redis(app):
    app.config["REDIS_URL"] = None
    result = app.test_cli_runner().invoke(args=["jobs-worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_job_worker_command_runs_queued_jobs(app, db, kinds):
    """`flask --app wsgi jobs-worker` (the README's production worker) runs what was queued."""
    app.config.update(JOBS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:6379/0",
                      JOBS_QUEUE=f"portal-jobs-test-{uuid.uuid4().hex[:8]}")
    queue = jobs.rq_queue(app)
    try:
        job = jobs.start(make_user(Role.CENTER), kinds("t_cli", _writes("cli", "cli.txt")), {})
        job_id = job.id
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["jobs-worker", "--burst"])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        assert db.session.get(Job, job_id).state == JobState.DONE
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)


def test_job_falls_back_to_a_thread_when_redis_is_down(app, db, kinds, monkeypatch):
    app.config.update(JOBS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:1/0")
    started = []
    monkeypatch.setattr(jobs.threading, "Thread",
                        lambda target, args, **kw: started.append(args) or _Now(target, args))
    job = jobs.start(make_user(Role.CENTER), kinds("t_down", _writes("x", "down.txt")), {})
    job_id = job.id
    db.session.commit()
    assert [a[1] for a in started] == [job_id]
    db.session.expire_all()
    assert db.session.get(Job, job_id).state == JobState.DONE


class _Now:
    def __init__(self, target, args):
        self.target, self.args = target, args

    def start(self):
        self.target(*self.args)


def test_job_progress_never_stalls_a_job_reading_with_an_open_cursor(app, db, kinds, monkeypatch):
    """A job streaming rows (yield_per) reports progress as it goes: on SQLite the write
    would wait for the job's own open cursor; it is skipped instead of stalling the job."""
    from portal.models import User

    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL_SECONDS", 0)
    for _ in range(3):
        make_user(Role.CENTER)

    def streaming(params, progress, out_path):
        rows = db.session.execute(sa.select(User.id).execution_options(yield_per=1))
        for n, _row in enumerate(rows, start=1):
            progress(n, 3)
        out_path.write_text("streamed")
        return "streamed.txt"

    began = time.monotonic()
    job = jobs.start(make_user(Role.CENTER), kinds("t_stream", streaming), {})
    job_id = job.id
    db.session.commit()
    assert time.monotonic() - began < 5
    db.session.expire_all()
    assert db.session.get(Job, job_id).state == JobState.DONE


def test_job_lost_by_a_stopped_worker_stops_polling_and_says_so(app, db, kinds, client, login,
                                                               monkeypatch):
    from datetime import timedelta

    monkeypatch.setattr(jobs, "_enqueue", lambda _app, _id: None)
    user = make_user(Role.CENTER)
    job = jobs.start(user, kinds("t_lost", _writes("x", "lost.txt")), {})
    job_id = job.id
    db.session.commit()
    long_ago = db.session.get(Job, job_id).created_at - jobs.STALE_AFTER - timedelta(minutes=1)
    db.session.execute(sa.update(Job).where(Job.id == job_id).values(
        state=JobState.RUNNING, created_at=long_ago))
    db.session.commit()
    login(user)
    block = client.hx_get(f"/center/jobs/{job_id}").get_data(as_text=True)
    assert "hx-trigger" not in block and jobs.INTERRUPTED_MESSAGE in block
    assert jobs.INTERRUPTED_MESSAGE in client.get("/center/jobs").get_data(as_text=True)
