"""Demo (AP-V2, AP-V3) in 朝阳区: a summons held, one corrected, one reported (then the
programme suspended and, after rectification, lifted), one programme suspended with an
open rectification order due soon, and one fraud case with its recovery order and referral.
Idempotent: a district that already has summons is left alone."""

from datetime import timedelta

import sqlalchemy as sa

from portal.apprenticeship.programmes import suspension
from portal.clock import today
from portal.extensions import db
from portal.models import Inspection, InspectionResult, Referral, Summons
from portal.supervision.escalation import fraud, summons

DISTRICT_USER = "chaoyang"
ATTENDEES = "企业负责人王建国、人力资源部经理刘敏；区人社局职业能力建设科李强、赵倩"


def _inspection(programme_id: int, result: InspectionResult) -> int | None:
    return db.session.scalar(sa.select(Inspection.id).where(
        Inspection.programme_id == programme_id, Inspection.result == result).limit(1))


def seed(story) -> None:
    staff = story.user(DISTRICT_USER)
    if staff is None or db.session.scalar(sa.select(Summons.id).where(
            Summons.district_code == staff.district_code).limit(1)):
        return
    milling = story.programme("qiye", "6-18-01-02")  # the story's programme in training
    turning = story.programme("qiye", "6-18-01-01")
    cooking = story.programme("qiye2", "4-03-02-01")
    grinding = story.programme("qiye", "6-18-01-04")  # paid: the fraud case recovers it
    if None in (milling, turning, cooking, grinding):
        return
    day = today()
    summons.record(staff, milling, held_on=day - timedelta(days=1), attendees=ATTENDEES,
                   reason="现场检查发现部分学徒长期未参加培训仍持续签到，涉嫌代签",
                   outcome="企业承认管理不到位，承诺10日内核查签到记录并报送整改报告",
                   inspection_id=_inspection(milling.id, InspectionResult.SERIOUS))
    corrected = summons.record(staff, turning, held_on=day - timedelta(days=30),
                               attendees=ATTENDEES, reason="培训未按计划开展，课时结构偏离备案方案",
                               outcome="限期15日调整课程安排")
    summons.mark_corrected(staff, corrected, "已按备案方案调整课程安排，复查合格")
    reported = summons.record(staff, cooking, held_on=day - timedelta(days=45),
                              attendees=ATTENDEES, reason="学徒流失率超过预警线，导师配备不到位",
                              outcome="要求补齐企业导师并说明流失原因",
                              inspection_id=_inspection(cooking.id, InspectionResult.PROBLEMS))
    summons.report(staff, reported, "逾期未补齐企业导师，拒不整改，报市级")
    suspension.suspend(staff, cooking, "拒不整改：企业导师配备不到位", day - timedelta(days=40),
                       deadline=day - timedelta(days=10), order_text="补齐企业导师，报送整改报告",
                       summons=reported)
    suspension.lift(staff, cooking, "已补齐企业导师，整改报告经复核通过",
                    day=day - timedelta(days=5))
    suspension.suspend(staff, grinding, "查实虚报学徒人数骗取补贴", day - timedelta(days=2),
                       deadline=day + timedelta(days=5),
                       order_text="停止招收学徒，配合核查全部学徒的在岗和培训记录")
    fraud.record(staff, grinding, found_on=day - timedelta(days=2),
                 findings="虚报2名未在岗人员为学徒，骗取首次补贴和剩余补贴",
                 referral=Referral.DISCIPLINE, referral_note="已移交区纪委监委（朝纪移〔2026〕12号）")
