"""The evidence package of an audit (AP-V4, HS-W10): one zip of xlsx workbooks for one
programme or for every programme of a year (the grant's year: approved programmes that
started in it): enrolments, attendance (class sessions and check-ins), credits,
assessments, the ledger (claims, payments, recoveries) and the audit log of those records.

ID numbers, mobiles and any ID or mobile inside free text are masked (C-PII): the package
leaves the portal. Rows are streamed into write-only workbooks in batches read by key
(`WHERE key > last ORDER BY key LIMIT n`), so a year of a large district is never loaded
whole and no cursor stays open between batches: `progress(done, total)` is called between
them (on SQLite a progress write waits for open read cursors, see `core.jobs`).
"""

import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import IO

import sqlalchemy as sa
from openpyxl import Workbook
from sqlalchemy.orm import aliased

from portal import rules
from portal.core.spreadsheets import looks_like_formula
from portal.extensions import db
from portal.models import (
    Apprentice,
    Assessment,
    AuditLog,
    CheckIn,
    Claim,
    ClassSession,
    CreditRecord,
    Enrolment,
    Occupation,
    Organisation,
    Payment,
    Programme,
    Recovery,
    ReviewState,
)
from portal.supervision.audits.access import programme_year

BATCH = 1000
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class EvidenceScope:
    """One programme, or every approved programme that started in `year`."""

    programme_id: int | None = None
    year: int | None = None

    @classmethod
    def from_params(cls, params: dict) -> "EvidenceScope":
        if params.get("programme_id") is not None:
            return cls(programme_id=int(params["programme_id"]))
        return cls(year=int(params["year"]))

    def params(self) -> dict:
        return {"programme_id": self.programme_id} if self.programme_id else {"year": self.year}

    @property
    def download_name(self) -> str:
        what = f"项目{self.programme_id}" if self.programme_id else f"{self.year}年度"
        return f"审计证据包-{what}.zip"

    def programme_ids(self) -> sa.Select:
        if self.programme_id is not None:
            return sa.select(Programme.id).where(Programme.id == self.programme_id)
        return sa.select(Programme.id).where(programme_year() == self.year,
                                             Programme.state == ReviewState.APPROVED)


def _text(value) -> object:
    """A cell value: free text masked (C-PII) and never read as a formula."""
    if isinstance(value, str):
        value = rules.mask_pii_text(value)
        if looks_like_formula(value):
            value = "'" + value
    elif hasattr(value, "label") and hasattr(value, "value"):  # a StrEnum state
        value = value.label
    return value


@dataclass(frozen=True)
class Sheet:
    title: str
    header: tuple[str, ...]
    query: sa.Select  # ordered by `key`, a unique integer column
    key: sa.ColumnElement
    row: Callable[[sa.Row], Iterable] = tuple

    def batches(self):
        last = None
        while True:
            q = self.query.add_columns(self.key.label("evidence_key"))
            if last is not None:
                q = q.where(self.key > last)
            rows = db.session.execute(q.limit(BATCH)).all()
            if rows:
                yield [row[:-1] for row in rows]
            if len(rows) < BATCH:
                return
            last = rows[-1][-1]


def _sheets(scope: EvidenceScope) -> list[tuple[str, list[Sheet]]]:
    pids = scope.programme_ids()
    eids = sa.select(Enrolment.id).where(Enrolment.programme_id.in_(pids))
    sids = sa.select(ClassSession.id).where(ClassSession.programme_id.in_(pids))
    cids = sa.select(Claim.id).where(Claim.programme_id.in_(pids))
    rids = sa.select(Recovery.id).where(Recovery.programme_id.in_(pids))
    enterprise = aliased(Organisation, name="enterprise")
    institution = aliased(Organisation, name="institution")
    programmes = Sheet(
        "项目", ("项目编号", "企业", "培训机构", "区", "职业", "等级", "计划人数", "开班日期",
                 "培训月数", "状态", "停训日期"),
        sa.select(Programme.id, enterprise.name, institution.name, Programme.district_code,
                  Occupation.name, Programme.level, Programme.planned_count,
                  Programme.start_date, Programme.duration_months, Programme.state,
                  Programme.suspended_on)
        .join(enterprise, enterprise.id == Programme.enterprise_id)
        .join(institution, institution.id == Programme.institution_id)
        .join(Occupation, Occupation.id == Programme.occupation_id)
        .where(Programme.id.in_(pids)).order_by(Programme.id), Programme.id)
    enrolments = Sheet(
        "学籍", ("学籍编号", "项目编号", "姓名", "身份证号", "手机号", "状态", "学籍建立日",
                 "劳动合同起", "劳动合同止", "结束日期"),
        sa.select(Enrolment.id, Enrolment.programme_id,
                  sa.func.coalesce(Enrolment.stated_name, Apprentice.name), Apprentice.resident_id,
                  sa.func.coalesce(Enrolment.stated_mobile, Apprentice.mobile), Enrolment.state,
                  Enrolment.established_on, Enrolment.contract_start, Enrolment.contract_end,
                  Enrolment.ended_on)
        .join(Apprentice, Apprentice.id == Enrolment.apprentice_id)
        .where(Enrolment.programme_id.in_(pids)).order_by(Enrolment.id), Enrolment.id,
        lambda r: (r[0], r[1], r[2], rules.mask_resident_id(r[3]), rules.mask_mobile(r[4]),
                   *r[5:]))
    sessions = Sheet(
        "课堂", ("课堂编号", "项目编号", "名称", "开始时间", "结束时间"),
        sa.select(ClassSession.id, ClassSession.programme_id, ClassSession.title,
                  ClassSession.starts_at, ClassSession.closed_at)
        .where(ClassSession.programme_id.in_(pids)).order_by(ClassSession.id), ClassSession.id)
    checkins = Sheet(
        "签到", ("签到编号", "课堂编号", "学籍编号", "签到时间", "迟到", "设备提示", "位置提示"),
        sa.select(CheckIn.id, CheckIn.session_id, CheckIn.enrolment_id, CheckIn.checked_at,
                  CheckIn.late, CheckIn.device_flag, CheckIn.location_flag)
        .where(CheckIn.session_id.in_(sids)).order_by(CheckIn.id), CheckIn.id,
        lambda r: (*r[:4], "是" if r[4] else "否", r[5] or "", r[6] or ""))
    credits = Sheet(
        "学分", ("记录编号", "学籍编号", "课程类别", "方式", "学时", "日期", "备注"),
        sa.select(CreditRecord.id, CreditRecord.enrolment_id, CreditRecord.course_type,
                  CreditRecord.mode, CreditRecord.hours, CreditRecord.on_day, CreditRecord.note)
        .where(CreditRecord.enrolment_id.in_(eids)).order_by(CreditRecord.id), CreditRecord.id)
    assessments = Sheet(
        "考核", ("考核编号", "学籍编号", "项目编号", "企业结论", "机构结论", "一致结论",
                 "职业证书类别", "证书等级", "证书编号", "发证日期"),
        sa.select(Assessment.id, Assessment.enrolment_id, Assessment.programme_id,
                  Assessment.enterprise_verdict, Assessment.institution_verdict,
                  Assessment.agreed_verdict, Assessment.vocational_type,
                  Assessment.vocational_level, Assessment.vocational_number,
                  Assessment.vocational_issued_on)
        .where(Assessment.programme_id.in_(pids)).order_by(Assessment.id), Assessment.id)
    claims = Sheet(
        "补贴申请", ("申请编号", "项目编号", "类别", "状态", "人数", "应拨金额（元）",
                     "应追回（元）", "提交时间", "决定时间"),
        sa.select(Claim.number, Claim.programme_id, Claim.kind, Claim.state, Claim.headcount,
                  Claim.payable, Claim.recoverable, Claim.submitted_at, Claim.decided_at)
        .where(Claim.id.in_(cids)).order_by(Claim.id), Claim.id)
    payments = Sheet(
        "拨付", ("申请编号", "拨付金额（元）", "拨付日期", "凭证号"),
        sa.select(Claim.number, Payment.amount, Payment.paid_on, Payment.voucher_no)
        .join(Claim, Claim.id == Payment.claim_id)
        .where(Payment.claim_id.in_(cids)).order_by(Payment.id), Payment.id)
    recoveries = Sheet(
        "追回", ("追回编号", "项目编号", "学籍编号", "金额（元）", "已退回（元）", "期限", "状态",
                 "原因"),
        sa.select(Recovery.id, Recovery.programme_id, Recovery.enrolment_id, Recovery.amount,
                  Recovery.repaid, Recovery.due_on, Recovery.state, Recovery.reason)
        .where(Recovery.id.in_(rids)).order_by(Recovery.id), Recovery.id)
    objects = {"programme": pids, "enrolment": eids, "class_session": sids, "claim": cids,
               "recovery": rids,
               "credit_record": sa.select(CreditRecord.id).where(CreditRecord.enrolment_id.in_(eids)),
               "assessment": sa.select(Assessment.id).where(Assessment.programme_id.in_(pids)),
               "payment": sa.select(Payment.id).where(Payment.claim_id.in_(cids))}
    log = Sheet(
        "审计日志", ("时间（UTC）", "对象", "对象编号", "操作", "原状态", "新状态", "角色",
                     "操作人", "说明"),
        sa.select(AuditLog.at, AuditLog.object_type, AuditLog.object_id, AuditLog.action,
                  AuditLog.from_state, AuditLog.to_state, AuditLog.actor_role,
                  AuditLog.actor_id, AuditLog.comment)
        .where(sa.or_(*(sa.and_(AuditLog.object_type == kind, AuditLog.object_id.in_(ids))
                        for kind, ids in objects.items())))
        .order_by(AuditLog.id), AuditLog.id)
    return [("01-项目与学籍.xlsx", [programmes, enrolments]),
            ("02-考勤.xlsx", [sessions, checkins]),
            ("03-学分.xlsx", [credits]),
            ("04-考核评价.xlsx", [assessments]),
            ("05-补贴台账.xlsx", [claims, payments, recoveries]),
            ("06-审计日志.xlsx", [log])]


def _count(sheet: Sheet) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        sheet.query.order_by(None).subquery())) or 0


def build_evidence_package(scope: EvidenceScope, out_file: IO[bytes],
                           progress: Progress = lambda done, total: None) -> str:
    """Write the package into `out_file` (a binary file); returns its download name."""
    books = _sheets(scope)
    total = sum(_count(sheet) for _name, sheets in books for sheet in sheets)
    done = 0
    progress(done, total)
    with zipfile.ZipFile(out_file, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, sheets in books:
            book = Workbook(write_only=True)
            for sheet in sheets:
                ws = book.create_sheet(sheet.title)
                ws.append(sheet.header)
                for batch in sheet.batches():
                    for row in batch:
                        ws.append([_text(v) for v in sheet.row(row)])
                    done += len(batch)
                    progress(done, total)
            buffer = BytesIO()
            book.save(buffer)
            archive.writestr(name, buffer.getvalue())
        archive.writestr("说明.txt", _readme(scope))
    progress(total, total)
    return scope.download_name


def _readme(scope: EvidenceScope) -> str:
    what = f"项目编号 {scope.programme_id}" if scope.programme_id else f"{scope.year}年度开班的全部已批准项目"
    return (f"审计证据包：{what}\n"
            "身份证号仅显示前6位和后4位，手机号仅显示前3位和后4位（规则 C-PII）。\n"
            "金额单位：元。时间为协调世界时（UTC）。\n")
