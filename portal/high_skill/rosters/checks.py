"""One trainee row checked the same way from the form, the Excel import and a filed change:
C-ID1 (resident ID), C-ID3 (mobile, the phone account's username), HS-E1…E3.

HS-E3 looks at every earlier roster in the portal: the years of other projects whose list
was filed (state filed or completed) and still holds the person (not removed by a change).
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

import sqlalchemy as sa

from portal import rules
from portal.clock import today
from portal.extensions import db
from portal.models import HsProposal, HsTrainee, ProposalState

FILED_STATES = (ProposalState.FILED, ProposalState.COMPLETED)
NAME_MAX = 32
TEXT_MAX = {"employer_name": 120, "post": 64, "certificate_number": 40,
            "key_industry_reason": 300}
INSURED_MONTHS_MAX = 600  # 50 years: anything above is a typing error
_IN_CHUNK = 500
# Levels a host may enter (初级 and 中级 can never take part, HS-E1 names them anyway).
LEVEL_CHOICES = tuple(rules.LEVEL_LABELS.items())
# A sheet may say 高级 or 高级工 (the word certificates use), or the code itself.
LEVEL_BY_TEXT = {**{label: code for code, label in rules.LEVEL_LABELS.items()},
                 **{label + "工": code for code, label in rules.LEVEL_LABELS.items()
                    if not label.endswith("技师")},
                 **{code: code for code in rules.LEVEL_LABELS}}
KEY_INDUSTRY_REASON_NEEDED = "勾选“企业重点培养的高精尖、新兴产业人才”时须说明理由（规则 HS-E1）"
DUPLICATE_IN_LIST = "该身份证号码已在本项目名单中"


@dataclass
class TraineeData:
    """What a host states about one trainee (HsTrainee's own columns)."""

    name: str
    resident_id: str
    phone: str
    employer_name: str
    post: str
    level: str
    certificate_number: str
    key_industry: bool
    key_industry_reason: str
    insured_months: int

    def values(self) -> dict:
        return asdict(self)


def shape_problems(data: TraineeData, day: date | None = None) -> list[str]:
    """Field problems that need no database: required fields, lengths, C-ID1, C-ID3."""
    problems = []
    if not data.name or len(data.name) > NAME_MAX:
        problems.append(f"姓名须填写，且不超过{NAME_MAX}个字")
    if not rules.is_valid_resident_id(data.resident_id, on=day or today()):
        problems.append(rules.rule_message("C-ID1"))
    if not rules.is_valid_mobile(data.phone):
        problems.append(rules.rule_message("C-ID3"))
    labels = {"employer_name": "工作单位", "post": "工作岗位", "certificate_number": "证书编号"}
    for key, label in labels.items():
        value = getattr(data, key)
        if not value:
            problems.append(f"{label}须填写")
        elif len(value) > TEXT_MAX[key]:
            problems.append(f"{label}不超过{TEXT_MAX[key]}个字")
    if data.level not in rules.LEVEL_LABELS:
        problems.append("技能等级须为：" + "、".join(rules.LEVEL_LABELS.values()))
    if data.key_industry and not data.key_industry_reason:
        problems.append(KEY_INDUSTRY_REASON_NEEDED)
    if len(data.key_industry_reason) > TEXT_MAX["key_industry_reason"]:
        problems.append(f"放宽理由不超过{TEXT_MAX['key_industry_reason']}个字")
    if not 0 <= data.insured_months <= INSURED_MONTHS_MAX:
        problems.append(f"连续缴纳社会保险月数须为 0 至 {INSURED_MONTHS_MAX} 的整数")
    return problems


def lock_people(resident_ids: Iterable[str]) -> None:
    """HS-E3 across hosts: a filing holds each of its people until it commits, so two hosts
    filing the same person at once are weighed one after the other (PostgreSQL; SQLite
    writes one transaction at a time anyway). Locks are taken in one order: no deadlock."""
    ids = sorted(set(resident_ids))
    if ids and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text(
            "SELECT pg_advisory_xact_lock(hashtext('hs_trainee:' || r)) "
            "FROM (SELECT r FROM unnest(CAST(:ids AS text[])) AS r ORDER BY r) AS people"),
            {"ids": ids})


def previous_years(resident_ids: Iterable[str], proposal_id: int) -> dict[str, list[int]]:
    """HS-E3: resident ID → years of the other filed projects whose list holds the person.

    One query per 500 IDs, so a whole sheet is checked at once.
    """
    ids = sorted(set(resident_ids))
    found: dict[str, list[int]] = {}
    for i in range(0, len(ids), _IN_CHUNK):
        rows = db.session.execute(
            sa.select(HsTrainee.resident_id, HsProposal.year)
            .join(HsProposal, HsProposal.id == HsTrainee.proposal_id)
            .where(HsTrainee.resident_id.in_(ids[i:i + _IN_CHUNK]),
                   HsTrainee.proposal_id != proposal_id, HsTrainee.removed_at.is_(None),
                   HsProposal.state.in_(FILED_STATES)))
        for resident_id, year in rows:
            found.setdefault(resident_id, []).append(year)
    return found


def rule_problems(data: TraineeData, proposal: HsProposal, earlier: list[int]) -> list[str]:
    """HS-E1…E3 of a row whose shape is right, as rule IDs in catalogue order."""
    return rules.hs_trainee_problems(data.level, data.key_industry, data.insured_months,
                                     earlier, proposal.year)


def row_problems(data: TraineeData, proposal: HsProposal, earlier: list[int],
                 day: date | None = None) -> list[str]:
    """Every problem of one row, as Chinese messages naming their rules."""
    problems = shape_problems(data, day)
    if data.level in rules.LEVEL_LABELS and data.insured_months >= 0:
        problems += [rules.rule_message(r) for r in rule_problems(data, proposal, earlier)]
    return problems


def flagged(level: str, key_industry: bool) -> bool:
    """HS-E1: admitted as key-industry 高级工 (shown flagged on the list and roster)."""
    return level in rules.LEVEL_LABELS and rules.hs_trainee_flagged(level, key_industry)


def data_of(trainee: HsTrainee) -> TraineeData:
    return TraineeData(**{key: getattr(trainee, key) for key in TraineeData.__dataclass_fields__})
