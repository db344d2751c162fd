"""Demo (AP-V4, HS-W10): the audit firm 审计事务所 with its auditor `shenji`, a grant of the
story's class in training and a grant of 2025 (the finished class), a passed and a failed
audit result, and evaluations of 2025 of which one is vetoed by the failed audit.
Idempotent: once the firm exists, seeding adds nothing."""

from datetime import date

import sqlalchemy as sa

from portal.accounts.passwords import hash_password
from portal.clock import today
from portal.demo_data import DEMO_LABEL, DEMO_PASSWORD
from portal.extensions import db
from portal.models import Organisation, Role, User
from portal.supervision.audits import firms, grants, results
from portal.supervision.evaluations import services as evaluations

FIRM_CODE = "91110105MA01RJ3K20"
AUDIT_YEAR = 2025


def _org_of(story, username: str) -> Organisation:
    return db.session.get(Organisation, story.user(username).org_id)


def _scores(share: float) -> dict[int, int]:
    return {i.id: round(i.max_score * share) for i in evaluations.active_indicators()}


def seed(story) -> None:
    centre, chaoyang = story.user("center"), story.user("chaoyang")
    if centre is None or db.session.scalar(
            sa.select(Organisation.id).where(Organisation.credit_code == FIRM_CODE)):
        return
    firm = firms.create_firm(centre, name="北京明鉴会计师事务所（审计事务所）" + DEMO_LABEL,
                             credit_code=FIRM_CODE, district_code="110105",
                             contact_name="审计联系人（演示）", contact_phone="13800000000")
    if not db.session.scalar(sa.select(User.id).where(User.username == "shenji")):
        db.session.add(User(username="shenji", role=Role.AUDITOR, org_id=firm.id,
                            display_name="第三方审计（演示）",
                            password_hash=hash_password(DEMO_PASSWORD)))
    day = today()
    evaluations.seed_default_indicators()
    in_training = story.programme("qiye", "6-18-01-02")
    if in_training is not None:
        grants.grant(centre, firm, programme=in_training, note="2026年度在训项目专项审计（演示）",
                     day=day)
    grants.grant(centre, firm, year=AUDIT_YEAR, note="2025年度学徒培训补贴审计（演示）", day=day)
    qiye, qiye2 = _org_of(story, "qiye"), _org_of(story, "qiye2")
    # Evaluated first, so the failed audit below re-vetoes an evaluation already on file.
    evaluations.evaluate(chaoyang, qiye, year=AUDIT_YEAR, scores=_scores(0.85),
                         comment="培训组织规范，双导师履职到位（演示）")
    evaluations.evaluate(centre, qiye, year=AUDIT_YEAR, scores=_scores(0.92),
                         comment="市级复核（演示）")
    evaluations.evaluate(chaoyang, qiye2, year=AUDIT_YEAR, scores=_scores(0.8),
                         comment="区级评价（演示）")
    results.record_result(centre, qiye, year=AUDIT_YEAR, firm=firm, passed=True,
                          findings="补贴申领与学籍、考勤记录一致（演示）",
                          audited_on=date(2026, 3, 20), day=day)
    results.record_result(centre, qiye2, year=AUDIT_YEAR, firm=firm, passed=False,
                          findings="部分学徒考勤记录与培训计划不符，补贴申领依据不足（演示）",
                          audited_on=date(2026, 3, 25), day=day)
    db.session.flush()
