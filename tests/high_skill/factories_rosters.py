"""Approved high-skill projects and their trainees, written directly (HS-W3 is another
area's work), for the trainee-list tests (HS-W4, HS-W5, HS-E1…E3)."""

import itertools
from datetime import date, timedelta
from io import BytesIO

import openpyxl

from portal import clock
from portal.extensions import db
from portal.high_skill.rosters import importer
from portal.models import (
    HsProposal,
    HsTeacher,
    HsTrainee,
    ProposalState,
    TeacherKind,
)
from tests.enrolment_factories import resident_id
from tests.high_skill.factories_calls import make_call, make_host

_seq = itertools.count(1)


def make_project(host=None, *, starts_in: int = 30, days: int = 5, quota: int = 30,
                 state: ProposalState = ProposalState.APPROVED, year: int | None = None,
                 **fields):
    """(project, host user): approved with a quota, starting `starts_in` days from today."""
    org, user = host or make_host()
    starts_on = clock.today() + timedelta(days=starts_in)
    ends_on = min(starts_on + timedelta(days=days), date(starts_on.year, 12, 31))
    year = year or starts_on.year
    values = dict(call_id=make_call(year=year).id, host_id=org.id, year=year,
                  title=f"数控加工新技术研修{next(_seq)}", starts_on=starts_on, ends_on=ends_on,
                  venue="北京市朝阳区技能大厦", hours_onsite=40, hours_keynote=24,
                  hours_seminar=12, hours_exchange=8, planned_trainees=quota, class_size=quota,
                  attests_no_subcontracting=True, state=state, quota=quota)
    values.update(fields)
    project = HsProposal(**values)
    db.session.add(project)
    db.session.flush()
    db.session.add(HsTeacher(proposal_id=project.id, name="张大师", kind=TeacherKind.STUDIO_LEADER,
                             title="高级技师", employer="北京精工", topic="五轴加工"))
    db.session.commit()
    return project, user


def trainee_values(**fields) -> dict:
    n = next(_seq)
    values = dict(name=f"学员{n}", resident_id=resident_id(), phone=f"137{n:08d}",
                  employer_name="北京精工机械有限公司", post="数控车工", level="technician",
                  certificate_number=f"S{n:010d}", key_industry=False, key_industry_reason="",
                  insured_months=24)
    values.update(fields)
    return values


def add_trainees(project: HsProposal, count: int, **fields) -> list[HsTrainee]:
    rows = [HsTrainee(proposal_id=project.id, **trainee_values(**fields)) for _ in range(count)]
    db.session.add_all(rows)
    db.session.commit()
    return rows


def form_data(values: dict) -> dict:
    """A trainee's values as the add form posts them."""
    data = {k: str(v) for k, v in values.items() if k != "key_industry"}
    if values.get("key_industry"):
        data["key_industry"] = "y"
    return data


def sheet(rows: list[dict], *, header=importer.COLUMNS) -> bytes:
    """An import sheet holding `rows` (trainee values) under the template's header."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(header)
    for v in rows:
        ws.append([v["name"], v["resident_id"], v["phone"], v["employer_name"], v["post"],
                   v.get("level_text", v["level"]), v["certificate_number"],
                   "是" if v["key_industry"] else "否", v["key_industry_reason"],
                   v["insured_months"]])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
