"""The trainee's phone home: credit progress (AP-C4) and the way to leave requests (AP-P2)."""

from portal.models import Role
from tests.enrolment_factories import make_credit, make_enrolment, trainee_of
from tests.factories import make_user


def test_AP_C4_trainee_home_shows_own_credit_progress(client, login, db):
    enrolment = make_enrolment()
    make_credit(enrolment, hours=20)
    login(trainee_of(enrolment))
    page = client.get("/m/").get_data(as_text=True)
    assert "我的学分" in page and "<progress" in page and "2 / 40" in page
    assert "/m/leave" in page


def test_trainee_without_enrolment_sees_no_progress(client, login):
    login(make_user(Role.TRAINEE))
    page = client.get("/m/").get_data(as_text=True)
    assert "我的学分" not in page
