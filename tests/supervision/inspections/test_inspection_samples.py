"""AP-V1, C-DIST: the district draws a reproducible sample of its active programmes."""

import html
import re
from datetime import timedelta

import sqlalchemy as sa

from portal.clock import today
from portal.models import (
    AuditLog,
    InspectionSample,
    InspectionSampleItem,
    ReviewState,
    Role,
)
from portal.supervision.inspections import samples
from tests.factories import make_user
from tests.programme_factories import make_programme
from tests.supervision.inspections.inspection_helpers import (
    HAIDIAN,
    active_programme,
    district_staff,
    inspection_form,
    parties,
)


def _drawn(db, sample_id):
    return list(db.session.scalars(
        sa.select(InspectionSampleItem.programme_id)
        .where(InspectionSampleItem.sample_id == sample_id)
        .order_by(InspectionSampleItem.position)))


def _draw(client, **form):
    return client.post("/district/inspection-samples", data=form)


def _sample_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def _ten_programmes():
    return [active_programme() for _ in range(10)]


def test_AP_V1_same_seed_same_sample_through_the_page(client, login, db):
    programmes = _ten_programmes()
    login(district_staff())
    page = client.get("/district/inspection-samples").get_data(as_text=True)
    assert "随机种子" in page and 'name="seed"' in page
    first = _sample_id(_draw(client, size="4", seed="424242"))
    again = _sample_id(_draw(client, size="4", seed="424242"))
    # Drawing again with the same seed the same day finds the same sample, not a copy.
    assert again == first
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InspectionSample)) == 1
    drawn = _drawn(db, first)
    assert len(drawn) == 4 and set(drawn) <= {p.id for p in programmes}
    assert drawn == samples.rules.draw_sample([p.id for p in programmes], 424242, 4)
    shown = client.get(f"/district/inspection-samples/{first}").get_data(as_text=True)
    assert "424242" in shown and shown.count("待检查") == 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.object_type == "inspection_sample", AuditLog.action == "draw_sample")) == 1


def test_AP_V1_different_seed_different_sample(client, login, db):
    _ten_programmes()
    login(district_staff())
    one = _drawn(db, _sample_id(_draw(client, size="4", seed="1")))
    two = _drawn(db, _sample_id(_draw(client, size="4", seed="2")))
    assert one != two


def test_AP_V1_sample_by_percentage(client, login, db):
    _ten_programmes()
    login(district_staff())
    sample_id = _sample_id(_draw(client, percent="25", seed="77"))
    sample = db.session.get(InspectionSample, sample_id)
    # 25% of 10 rounded up.
    assert (sample.size, sample.percent, sample.candidates) == (3, 25, 10)
    assert len(_drawn(db, sample_id)) == 3


def test_AP_V1_size_and_percentage_together_refused(client, login, db):
    _ten_programmes()
    login(district_staff())
    response = _draw(client, size="3", percent="20", seed="5")
    assert response.status_code == 422
    assert "规则 AP-V1" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InspectionSample)) == 0


def test_AP_V1_only_programmes_in_training_are_candidates(app, db):
    running = active_programme()
    active_programme(start_date=today() + timedelta(days=5))  # not begun
    active_programme(start_date=today() - timedelta(days=800), duration_months=12)  # ended
    active_programme(closed_on=today())
    active_programme(suspended_on=today(), suspension_reason="停训")
    make_programme(state=ReviewState.SUBMITTED, start_date=today() - timedelta(days=3))
    active_programme(district=HAIDIAN)
    assert samples.candidates("110105", today()) == [running.id]


def test_C_DIST_peer_district_cannot_see_a_sample(client, login, db):
    _ten_programmes()
    login(district_staff())
    sample_id = _sample_id(_draw(client, size="3", seed="9"))
    client.post("/logout")
    login(district_staff(HAIDIAN))
    assert client.get(f"/district/inspection-samples/{sample_id}").status_code == 404
    listed = client.get("/district/inspection-samples").get_data(as_text=True)
    assert f"sample-{sample_id}" not in listed
    # Haidian draws from its own programmes only: it has none in training.
    response = _draw(client, size="3", seed="9")
    assert "本区当前没有在训的培训项目" in response.get_data(as_text=True)
    # Nor record an inspection of a Chaoyang programme from that sample.
    chaoyang_programme = _drawn(db, sample_id)[0]
    assert client.get(f"/district/programmes/{chaoyang_programme}/inspections/new"
                      f"?sample_id={sample_id}").status_code == 404


def test_AP_V1_centre_views_samples_but_draws_none(client, login, db):
    _ten_programmes()
    login(district_staff())
    sample_id = _sample_id(_draw(client, size="3", seed="9"))
    client.post("/logout")
    login(make_user(Role.CENTER))
    assert client.get(f"/center/inspection-samples/{sample_id}").status_code == 200
    assert 'name="seed"' not in client.get("/center/inspection-samples").get_data(as_text=True)
    assert client.post("/center/inspection-samples",
                       data={"size": "3", "seed": "1"}).status_code == 405


def test_AP_V1_enterprise_sees_no_samples_and_cannot_draw(client, login, db):
    programme = active_programme()
    enterprise_user, _ = parties(programme)
    login(enterprise_user)
    assert client.post("/district/inspection-samples",
                       data={"size": "1", "seed": "1"}).status_code == 403
    assert client.get("/enterprise/inspection-samples").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InspectionSample)) == 0


_WORK = re.compile(r'<li id="work-district-inspection-samples"><a href="([^"]+)">.*?'
                   r'<strong class="work-count">(\d+)</strong>', re.S)


def test_AP_V1_worklist_counts_samples_waiting_and_links_exactly_those(client, login, db):
    programmes = _ten_programmes()
    login(district_staff())
    waiting = _sample_id(_draw(client, size="2", seed="11"))
    done = _sample_id(_draw(client, size="1", seed="12"))
    (visited,) = _drawn(db, done)
    response = client.post(
        f"/district/programmes/{visited}/inspections/new?sample_id={done}",
        data=inspection_form(), content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    found = _WORK.search(client.get("/district/", follow_redirects=True).get_data(as_text=True))
    assert found is not None and int(found.group(2)) == 1
    listed = client.get(html.unescape(found.group(1))).get_data(as_text=True)
    assert re.findall(r'<tr id="sample-(\d+)"', listed) == [str(waiting)]
    shown = client.get(f"/district/inspection-samples/{done}").get_data(as_text=True)
    assert "已检查" in shown and "待检查" not in shown
    assert programmes  # ten candidates in training
