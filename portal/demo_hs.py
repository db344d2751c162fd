"""The demo's high-skill training (issue 13), made through the services, idempotent.

This year's call has four projects: 精工's CNC class has run its course (assessed, roster
filed, certificates issued, funding claimed and paid, a third-party audit on record); the
城建技师学院's building-automation class is under way (list filed, one change filed, a
class session today with check-ins, a spot check); 城市科技大学's elderly-care class is
approved and waiting for its trainee list; one of 精工's proposals was not approved. Next
year's call is open: the institute has a proposal with the experts, the university a draft.

The demo story is written for the later months of a year (the finished class ran some
weeks ago, the approved one starts in a fortnight), which is when the portal is shown.
"""

import io
import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from portal.accounts.passwords import hash_password
from portal.city.identity import Identities
from portal.clock import beijing_to_utc, today
from portal.core.workflow import Decision
from portal.demo_data import DEMO_PASSWORD
from portal.extensions import db
from portal.high_skill.calls import services as calls
from portal.high_skill.delivery import assessment, completion, sessions, summaries
from portal.high_skill.funding import certificates, checks
from portal.high_skill.funding import claims as hs_claims
from portal.high_skill.proposals import services as proposals
from portal.high_skill.review import rubric
from portal.high_skill.review import services as review
from portal.high_skill.rosters import changes as roster_changes
from portal.high_skill.rosters import services as rosters
from portal.high_skill.rosters import snapshots
from portal.high_skill.rosters.checks import TraineeData
from portal.models import (
    CheckIn,
    CheckKind,
    CheckResult,
    HsAssignment,
    HsCall,
    HsProposal,
    HsTrainee,
    ProposalState,
    Role,
    User,
)
from portal.money import payments

DIRECTIONS = "智能制造与精密加工\n数字技术与智能运维\n养老照护与健康服务\n现代服务业新技术"
TRAINEE_ACCOUNT = "yanxiu"  # the running class's first trainee, on the phone pages
# A one-page PDF: the work summaries' stand-in.
SUMMARY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")
PROJECT_SUMMARY = ("本期研修按实施方案完成现场教学、专题讲座、研讨交流和参观考察，围绕多工序数控加工新工艺"
                   "开展技术攻关，形成工艺改进建议6项；24名学员中22名考核合格，2名因出勤不足未通过。"
                   "（演示数据）")
EMPLOYERS = ("北京精工智造有限公司（演示数据）", "北京京城机电设备有限公司（演示）",
             "北京燕山数控科技有限公司（演示）", "北京亦庄精密制造有限公司（演示）")
POSTS = ("数控车间操作岗", "精密加工班组长", "设备调试岗", "工艺技术岗")


def _user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def seed_high_skill() -> None:
    if db.session.scalar(sa.select(HsCall.id).limit(1)):
        return
    rubric.ensure_default_rubric()
    center = _user("center")
    experts = (_user("expert"), _user("expert2"))
    day = today()
    year = day.year
    this_year = calls.create_call(center, {
        "year": year, "quarter": 2, "title": f"{year}年高技能人才研修培训项目征集",
        "directions": DIRECTIONS, "opens_on": date(year, 4, 1), "closes_on": date(year, 12, 31)})
    next_year = calls.create_call(center, {
        "year": year + 1, "quarter": 1, "title": f"{year + 1}年第一季度高技能人才研修培训项目征集",
        "directions": DIRECTIONS, "opens_on": day - timedelta(days=2),
        "closes_on": date(year + 1, 1, 31)})
    db.session.flush()
    people = Identities(random.Random(1313))
    finished_end = day - timedelta(days=30)
    finished = _project(people, "qiye", this_year, "精密数控加工新工艺高级研修班",
                        "6-18-01-07 多工序数控机床操作调整工\n6-18-01-01 车工",
                        finished_end - timedelta(days=40), finished_end, size=24)
    running_start = day - timedelta(days=10)
    running = _project(people, "jigou", this_year, "智能楼宇运维新技术研修班",
                       "4-07-03-03 智能楼宇管理员\n6-31-01-03 电工",
                       running_start, min(day + timedelta(days=20), date(year, 12, 30)),
                       size=20, direction=1)
    approved_start = min(day + timedelta(days=14), date(year, 12, 20))
    approved = _project(people, "daxue", this_year, "失智老人照护新技术研修班",
                        "4-10-01-05 养老护理员\n4-14-02-02 健康照护师",
                        approved_start, min(approved_start + timedelta(days=8), date(year, 12, 31)),
                        size=25, direction=2)
    rejected = _project(people, "qiye", this_year, "车间管理综合能力提升班",
                        "6-18-01-01 车工", date(year, 11, 2), date(year, 11, 20), size=20)
    for proposal in (finished, running, approved, rejected):
        _reviewed(center, experts, proposal)
    review.reject(center, rejected, "内容以通用管理知识为主，与新技术、新工艺研修方向契合度不高。")
    for proposal, quota in ((finished, 24), (running, 20), (approved, 25)):
        review.approve(center, proposal, quota, comment="专家评审通过（演示数据）")
    _listed(people, finished, "qiye", 24, filed_on=finished.starts_on - timedelta(days=10))
    _listed(people, running, "jigou", 20, filed_on=running_start - timedelta(days=9))
    _listed(people, approved, "daxue", 21, filed_on=None)
    _finish(center, finished, "qiye", day)
    _run(running, "jigou", day)
    checks.record_check(center, running, kind=CheckKind.SPOT_CHECK, result=CheckResult.PROBLEMS,
                        checked_on=day - timedelta(days=3), auditor="市就业促进中心",
                        findings="现场抽查：签到记录与现场人数一致；教学日志缺两次课的记录，已要求补齐。")
    # Next year's call: one proposal with the experts (one score in), one draft.
    waiting = _project(people, "jigou", next_year, "工业机器人系统运维高级研修班",
                       "6-31-01-10 工业机器人系统运维员", date(year + 1, 3, 2),
                       date(year + 1, 4, 24), size=30, direction=1)
    review.assign(center, waiting, experts[0])
    _score(experts[0], waiting, 86, "方案聚焦机器人运维新技术，师资较强；建议增加企业现场教学比重。")
    _project(people, "daxue", next_year, "社区康复照护新方法研修班",
             "4-14-02-02 健康照护师", date(year + 1, 4, 6), date(year + 1, 5, 15), size=20,
             direction=2, submit=False)
    db.session.flush()


def _project(people, host: str, call: HsCall, title: str, occupations: str, starts: date,
             ends: date, *, size: int, direction: int = 0, submit: bool = True) -> HsProposal:
    user = _user(host)
    proposal = proposals.create_draft(user, call, {
        "title": title, "direction": call.direction_list[direction], "occupations": occupations,
        "objectives": "掌握本领域新技术、新工艺，解决生产一线的关键技术难题（演示数据）。",
        "content_new": "新技术、新工艺专题讲授；新设备操作与调试实训（演示数据）。",
        "content_problems": "结合学员单位生产中的技术难题开展研讨攻关（演示数据）。",
        "mode": "full_time", "hours_onsite": 40, "hours_keynote": 16, "hours_seminar": 16,
        "hours_exchange": 8, "hours_visit": 8, "hours_online": 8, "hours_reason": "",
        "planned_trainees": size, "class_size": size, "starts_on": starts, "ends_on": ends,
        "venue": "北京市（演示地点）", "attests_no_subcontracting": True})
    for name, kind, title_ in (("王建国", "studio_leader", "高级技师、技能大师工作室领办人"),
                               ("李明华", "expert", "教授级高级工程师"),
                               ("赵志强", "senior_instructor", "高级讲师")):
        proposals.add_teacher(user, proposal, {"name": name, "kind": kind, "title": title_,
                                               "employer": "（演示数据）", "topic": title})
    if submit:
        proposals.submit(user, proposal)
    return proposal


def _reviewed(center, experts, proposal: HsProposal) -> None:
    """Both experts, unless one belongs to the host (HS-W3: never assigned)."""
    for n, expert in enumerate(experts):
        if expert.org_id == proposal.host_id:
            continue
        review.assign(center, proposal, expert)
        _score(expert, proposal, 88 - 6 * n, "方案目标明确，内容体现新技术、新工艺，师资结构合理。")


def _score(expert: User, proposal: HsProposal, level: int, opinion: str) -> None:
    assignment = db.session.scalar(sa.select(HsAssignment).where(
        HsAssignment.proposal_id == proposal.id, HsAssignment.expert_id == expert.id))
    marks = {str(c.id): min(100, level + (c.sort_order % 3)) for c in rubric.criteria(True)}
    review.score(expert, assignment, marks, opinion)


def _listed(people, proposal: HsProposal, host: str, count: int, filed_on: date | None) -> None:
    user = _user(host)
    for n in range(count):
        key_industry = n == 3  # one 高级工 admitted as key-industry talent (HS-E1)
        rosters.add_trainee(user, proposal, TraineeData(
            name=people.name(), resident_id=people.resident_id("110105", date(1995, 1, 1)),
            phone=people.mobile(), employer_name=EMPLOYERS[n % len(EMPLOYERS)],
            post=POSTS[n % len(POSTS)], level="advanced" if key_industry else "technician",
            certificate_number=f"S0000110{proposal.id:03d}{n:05d}",
            key_industry=key_industry,
            key_industry_reason="企业重点培养的高精尖产业骨干" if key_industry else "",
            insured_months=24 + n), day=filed_on or today())
    if filed_on is not None:
        rosters.file_list(user, proposal, day=filed_on)


def _trainees(proposal: HsProposal) -> list[HsTrainee]:
    return list(db.session.scalars(sa.select(HsTrainee).where(
        HsTrainee.proposal_id == proposal.id, HsTrainee.removed_at.is_(None))
        .order_by(HsTrainee.id)))


def _sessions(proposal: HsProposal, host: str, days: list[date], present) -> None:
    """A morning session on each day; `present(i, trainee)` says who checked in."""
    user = _user(host)
    trainees = _trainees(proposal)
    for i, day in enumerate(days):
        starts = beijing_to_utc(datetime.combine(day, time(9, 0)))
        session = sessions.open_hs_session(user, proposal, f"第{i + 1}讲：新技术专题", starts,
                                           10, ("onsite", "keynote", "seminar")[i % 3], 4)
        for n, trainee in enumerate(trainees):
            if present(i, n):
                db.session.add(CheckIn(session_id=session.id, hs_trainee_id=trainee.id,
                                       checked_at=starts + timedelta(minutes=n % 12),
                                       late=n % 12 > 10))
    db.session.flush()


def _summary(actor, trainee: HsTrainee) -> None:
    upload = FileStorage(io.BytesIO(SUMMARY_PDF), filename="研修工作总结.pdf",
                         content_type="application/pdf")
    summaries.upload_summary(actor, trainee, upload)


def _finish(center, proposal: HsProposal, host: str, day: date) -> None:
    """Sessions, summaries, assessment (two fail), roster, certificates, claim, payment."""
    user = _user(host)
    span = (proposal.ends_on - proposal.starts_on).days
    _sessions(proposal, host, [proposal.starts_on + timedelta(days=k * span // 5)
                               for k in range(6)], lambda i, n: not (n >= 22 and i % 2))
    trainees = _trainees(proposal)
    for n, trainee in enumerate(trainees):
        if n < 23:
            _summary(user, trainee)
        passed = n < 22
        scores = {"attendance": int(passed), "attitude": 1, "participation": 1,
                  "summary": int(n < 23 and passed)}
        assessment.assess(user, trainee, scores, {} if passed else {"attendance": "缺勤较多"},
                          proposal.ends_on)
    filed_on = proposal.ends_on + timedelta(days=9)
    completion.file_completion(user, proposal, PROJECT_SUMMARY,
                               None, filed_on)
    certificates.issue_certificates(center, proposal, day=filed_on + timedelta(days=3))
    claim = hs_claims.create_claim(user, proposal, day=filed_on + timedelta(days=1))
    hs_claims.submit(user, claim, day=filed_on + timedelta(days=1))
    hs_claims.review(center, claim, Decision.APPROVE, "经审核，结业名册与备案一致。")
    payments.record_payment(center, claim, min(day, filed_on + timedelta(days=15)),
                            "京财社〔研修〕001（演示）")
    checks.record_check(center, proposal, kind=CheckKind.THIRD_PARTY_AUDIT,
                        result=CheckResult.CLEAR, checked_on=min(day, filed_on + timedelta(days=18)),
                        auditor="北京某会计师事务所（演示）", findings="资金使用与结业名册一致。")


def _run(proposal: HsProposal, host: str, day: date) -> None:
    """Sessions so far and one today (open, half the class in), a filed change of venue."""
    user = _user(host)
    past = [proposal.starts_on + timedelta(days=k * 3) for k in range(4)]
    past = [d for d in past if d < day]
    _sessions(proposal, host, past, lambda i, n: (n + i) % 9 != 0)
    _sessions(proposal, host, [day], lambda i, n: n % 2 == 0)
    plan = snapshots.plan_of(proposal, snapshots.teachers_of(proposal.id))
    roster_changes.file_change(user, proposal, roster_changes.ChangeRequest(
        reason="原实训场地设备检修，经协商调整至B座实训室，教学内容和学时不变。",
        teachers=plan["teachers"],
        plan={"starts_on": proposal.starts_on, "ends_on": proposal.ends_on,
              "mode": str(proposal.mode), "venue": "北京市城建技师学院实训楼B座（演示）",
              **{k: getattr(proposal, k) for k in snapshots.HOURS_FIELDS}}), day=day)
    first = _trainees(proposal)[0]
    account = db.session.get(User, first.user_id)
    if account is not None and account.role == Role.TRAINEE:
        account.username = TRAINEE_ACCOUNT
        account.password_hash = hash_password(DEMO_PASSWORD)
        account.must_change_password = False
    db.session.flush()


def seed_state_counts() -> dict[str, int]:
    """How many demo projects are in each state (the README's story, checked by a test)."""
    rows = db.session.execute(sa.select(HsProposal.state, sa.func.count())
                              .group_by(HsProposal.state)).all()
    return {ProposalState(state).value: n for state, n in rows}
