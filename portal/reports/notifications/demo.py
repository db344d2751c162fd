"""Demo: a few read and unread notifications for the demo enterprise `qiye` and the
district user `chaoyang`, so the badge and the inbox show something (idempotent: each
message has a demo dedupe key, written once)."""

import sqlalchemy as sa

from portal.core.notify import notify
from portal.extensions import db
from portal.models import Notification
from portal.models.base import utcnow


def _message(user, key: str, kind: str, title: str, *, body: str = "", read: bool = False,
             object_type: str = "", object_id: int | None = None) -> None:
    dedupe_key = f"demo:{key}"
    notify([user.id], kind, title, body=body, object_type=object_type, object_id=object_id,
           dedupe_key=dedupe_key)
    if read:
        db.session.execute(sa.update(Notification)
                           .where(Notification.user_id == user.id,
                                  Notification.dedupe_key == dedupe_key,
                                  Notification.read_at.is_(None))
                           .values(read_at=utcnow()).execution_options(synchronize_session=False))


def seed(story) -> None:
    qiye, chaoyang = story.user("qiye"), story.user("chaoyang")
    programme = story.programme("qiye", "6-18-01-01")
    if qiye is not None and programme is not None:
        _message(qiye, "programme-approved", "approved",
                 f"培训项目「#{programme.id}」：市级审核通过", read=True,
                 object_type="programme", object_id=programme.id)
        _message(qiye, "programme-returned", "returned",
                 f"培训项目「#{programme.id}」：区级退回修改",
                 body="修改意见：请补充企业导师的技能等级证书。", object_type="programme",
                 object_id=programme.id)
    if qiye is not None:
        _message(qiye, "payment-reminder", "deadline",
                 "补贴申请材料请于月底前补齐（演示提醒）")
    if chaoyang is not None:
        _message(chaoyang, "inspection-due", "deadline", "本月培训过程抽查尚未开展（演示提醒）")
        _message(chaoyang, "welcome", "info", "欢迎使用站内通知：审核结果、抽查、约谈等消息会出现在这里",
                 read=True)
    db.session.flush()
