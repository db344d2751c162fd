"""Issue 14 item 9: notifications written with the decision, the badge, the inbox, marking read."""

import re

import pytest
import sqlalchemy as sa

from portal.core import notify
from portal.models import Notification, Organisation, ReviewState, Role
from tests.factories import make_user
from tests.programme_factories import make_programme


def _programme_with_owner(db):
    programme = make_programme(state=ReviewState.SUBMITTED)
    owner = make_user(Role.ENTERPRISE, org=db.session.get(Organisation, programme.enterprise_id))
    return programme, owner


def _messages(db, user):
    return db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


def test_C_AUD_return_notifies_owner_in_same_transaction(app, db, client, login):
    programme, owner = _programme_with_owner(db)
    login(make_user(Role.DISTRICT, district="110105"))
    response = client.post(f"/district/programmes/{programme.id}/review",
                           data={"decision": "return", "comment": "请补充培训计划课时"})
    assert response.status_code in (200, 302, 303)
    [message] = _messages(db, owner)
    assert message.kind == "returned" and message.read_at is None
    assert "退回修改" in message.title and "请补充培训计划课时" in message.body
    assert (message.object_type, message.object_id) == ("programme", programme.id)


def test_C_AUD_rolled_back_decision_leaves_no_notification(app, db):
    from portal.apprenticeship.programmes import services

    programme, owner = _programme_with_owner(db)
    reviewer = make_user(Role.DISTRICT, district="110105")
    services.district_review(reviewer, programme, "reject", "不符合条件")
    assert len(_messages(db, owner)) == 1  # written, in the open transaction
    db.session.rollback()
    assert _messages(db, owner) == []


def test_C_REV_approval_notifies_owner_and_submit_does_not(app, db, client, login):
    programme, owner = _programme_with_owner(db)
    login(make_user(Role.DISTRICT, district="110105"))
    client.post(f"/district/programmes/{programme.id}/review", data={"decision": "approve"},
                htmx=True)
    [message] = _messages(db, owner)
    assert message.kind == "approved" and "区级" in message.title


def test_notification_badge_counts_unread_with_one_query(app, db, client, login, count_queries):
    user = make_user(Role.DISTRICT, district="110105")
    notify.notify([user.id], "test", "一条未读")
    notify.notify([user.id], "test", "另一条未读")
    notify.notify([make_user(Role.DISTRICT, district="110105").id], "test", "别人的")
    db.session.commit()
    login(user)
    with count_queries() as statements:
        page = client.get("/district/").get_data(as_text=True)
    assert re.search(r'href="/district/notifications" class="inbox">通知 '
                     r'<span class="badge badge-unread">2<', page)
    assert len([s for s in statements if "FROM notification" in s]) == 1


def test_notification_badge_hidden_when_all_read(app, db, client, login):
    user = make_user(Role.CENTER)
    login(user)
    page = client.get("/center/").get_data(as_text=True)
    assert 'class="inbox">通知</a>' in page and "badge-unread" not in page


def test_notification_no_badge_query_for_anonymous(app, client, count_queries):
    with count_queries() as statements:
        client.get("/login")
    assert not [s for s in statements if "notification" in s]


def test_notification_list_unread_filter_and_open_marks_read(app, db, client, login):
    programme, owner = _programme_with_owner(db)
    notify.notify([owner.id], "approved", "项目已通过", object_type="programme",
                  object_id=programme.id)
    notify.notify([owner.id], "test", "旧消息")
    db.session.commit()
    first, second = _messages(db, owner)
    login(owner)
    page = client.get("/enterprise/notifications?unread=1").get_data(as_text=True)
    assert "项目已通过" in page and "旧消息" in page
    opened = client.post(f"/enterprise/notifications/{first.id}/open")
    assert opened.status_code == 303
    assert opened.headers["Location"].endswith(f"/enterprise/programmes/{programme.id}")
    db.session.expire_all()
    assert db.session.get(Notification, first.id).read_at is not None
    assert db.session.get(Notification, second.id).read_at is None
    page = client.get("/enterprise/notifications?unread=1").get_data(as_text=True)
    assert "项目已通过" not in page and "旧消息" in page


def test_notification_mark_all_read(app, db, client, login):
    user = make_user(Role.CENTER)
    other = make_user(Role.CENTER)
    notify.notify([user.id, other.id], "test", "通知")
    notify.notify([user.id], "test", "通知二")
    db.session.commit()
    login(user)
    assert client.post("/center/notifications/read-all").status_code == 303
    db.session.expire_all()
    assert all(n.read_at for n in _messages(db, user))
    assert [n.read_at for n in _messages(db, other)] == [None]


def test_notification_of_another_user_is_not_found(app, db, client, login):
    mine, theirs = make_user(Role.DISTRICT, district="110105"), make_user(Role.DISTRICT,
                                                                         district="110105")
    notify.notify([theirs.id], "test", "别人的通知：内容")
    db.session.commit()
    [message] = _messages(db, theirs)
    login(mine)
    assert client.post(f"/district/notifications/{message.id}/open").status_code == 404
    assert "别人的通知" not in client.get("/district/notifications").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Notification, message.id).read_at is None


@pytest.mark.parametrize("path", ["/district/notifications/{id}/open",
                                  "/district/notifications/read-all"])
def test_notification_mark_read_needs_csrf(app, db, client, login, path):
    user = make_user(Role.DISTRICT, district="110105")
    notify.notify([user.id], "test", "通知")
    db.session.commit()
    [message] = _messages(db, user)
    login(user)
    assert client.post(path.format(id=message.id), csrf=False).status_code == 400
    db.session.expire_all()
    assert db.session.get(Notification, message.id).read_at is None


def test_notification_reading_the_list_writes_nothing(app, db, client, login):
    user = make_user(Role.DISTRICT, district="110105")
    notify.notify([user.id], "test", "通知")
    db.session.commit()
    login(user)
    client.get("/district/notifications")
    client.hx_get("/district/notifications?unread=1")
    db.session.expire_all()
    assert [n.read_at for n in _messages(db, user)] == [None]


def test_notification_links_resolve_in_the_readers_blueprint(app, db, client, login):
    org_owner = make_user(Role.ENTERPRISE,
                          org=db.session.get(Organisation, make_programme().enterprise_id))
    notify.notify([org_owner.id], "returned", "注册信息退回", object_type="organisation",
                  object_id=org_owner.org_id)
    notify.notify([org_owner.id], "test", "没有页面的对象", object_type="unknown", object_id=1)
    db.session.commit()
    returned, unknown = _messages(db, org_owner)
    login(org_owner)
    page = client.get("/enterprise/notifications").get_data(as_text=True)
    assert "查看" in page and "标为已读" in page  # the unknown one links nowhere
    opened = client.post(f"/enterprise/notifications/{returned.id}/open")
    assert opened.headers["Location"].endswith("/enterprise/organisation/edit")
    nowhere = client.post(f"/enterprise/notifications/{unknown.id}/open")
    assert nowhere.headers["Location"].endswith("/enterprise/notifications")
