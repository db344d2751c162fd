"""Factories for apprentices, enrolments and trainee accounts (issue: apprenticeship part 2)."""

import itertools
from datetime import date

from stdnum.cn import ric

from portal.clock import today
from portal.extensions import db
from portal.models import (
    Apprentice,
    Enrolment,
    EnrolmentState,
    Mentor,
    MentorKind,
    Programme,
    ReviewState,
    Role,
)
from tests.factories import make_user
from tests.programme_factories import make_programme

_seq = itertools.count(1)

HOLDING = (EnrolmentState.SUBMITTED, EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED)


def resident_id(birth: str = "19990101", area: str = "110105") -> str:
    """A valid resident ID number (C-ID1) with a fresh sequence number."""
    body = f"{area}{birth}{next(_seq) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum wants a placeholder check character


def mobile() -> str:
    return f"139{next(_seq):08d}"


def make_apprentice(with_user: bool = False, **fields) -> Apprentice:
    apprentice = Apprentice(name=fields.pop("name", f"学徒{next(_seq)}"),
                            resident_id=fields.pop("resident_id", resident_id()),
                            mobile=fields.pop("mobile", mobile()), **fields)
    if with_user:
        apprentice.user_id = make_user(Role.TRAINEE).id
    db.session.add(apprentice)
    db.session.commit()
    return apprentice


def make_mentor(org_id: int, kind: MentorKind = MentorKind.ENTERPRISE, **fields) -> Mentor:
    values = dict(name=f"导师{next(_seq)}", can_guide_practice=True, years_practice=3,
                  has_teaching_experience=True, years_teaching=3, attests_ethics=True)
    values.update(fields)
    mentor = Mentor(org_id=org_id, kind=kind, **values)
    db.session.add(mentor)
    db.session.commit()
    return mentor


def make_enrolment(state: EnrolmentState = EnrolmentState.ACTIVE, programme: Programme | None = None,
                   apprentice: Apprentice | None = None, with_user: bool = True,
                   mentored: bool = False, **fields) -> Enrolment:
    """An enrolment in an approved programme; holding states take a seat (enrolled_count)."""
    programme = programme or make_programme(state=ReviewState.APPROVED)
    apprentice = apprentice or make_apprentice(with_user=with_user)
    values = dict(contract_start=date(2026, 1, 1), contract_end=None, insured_in_beijing=True,
                  hire_type="new_hire", monthly_wage=6000)
    if state in (EnrolmentState.ACTIVE, EnrolmentState.SUSPENDED, EnrolmentState.COMPLETED):
        values["established_on"] = programme.start_date
    if mentored:  # AP-M1: one enterprise mentor and one institution teacher
        values["enterprise_mentor_id"] = make_mentor(programme.enterprise_id).id
        values["teacher_id"] = make_mentor(programme.institution_id, MentorKind.TEACHER).id
    values.update(fields)
    enrolment = Enrolment(programme_id=programme.id, apprentice_id=apprentice.id,
                          enterprise_id=programme.enterprise_id,
                          district_code=programme.district_code, state=state, **values)
    db.session.add(enrolment)
    if state in HOLDING:
        programme.enrolled_count += 1
    db.session.commit()
    return enrolment


def make_credit(enrolment: Enrolment, hours: int, course_type: str = "practice",
                mode: str = "centralised", on_day: date | None = None, org_id: int | None = None):
    """A credit record (AP-C4) written directly, for totals larger than one day's hours."""
    from portal.models import CreditRecord

    programme = db.session.get(Programme, enrolment.programme_id)
    record = CreditRecord(enrolment_id=enrolment.id, course_type=course_type, mode=mode,
                          hours=hours, on_day=on_day or programme.start_date,
                          recorded_by_org_id=org_id or programme.institution_id)
    db.session.add(record)
    db.session.commit()
    return record


def programme_parties(programme: Programme):
    """Users of the programme's enterprise and of its institution: (enterprise, institution)."""
    from portal.models import Organisation

    enterprise = db.session.get(Organisation, programme.enterprise_id)
    institution = db.session.get(Organisation, programme.institution_id)
    return make_user(Role.ENTERPRISE, org=enterprise), make_user(Role.INSTITUTION, org=institution)


# --- Class sessions and check-ins (attendance, AP-P3, AP-P4) ------------------------------


def make_class_session(programme: Programme, org_id: int | None = None, starts_at=None,
                       late_after_minutes: int = 10, closed: bool = False, **fields):
    """A session opened by the programme's institution (or `org_id`); `starts_at` naive UTC."""
    from datetime import timedelta

    from portal.models import ClassSession
    from portal.models.base import utcnow

    values = dict(title=f"实训课{next(_seq)}", opened_by_id=None,
                  starts_at=starts_at or utcnow() - timedelta(minutes=1),
                  late_after_minutes=late_after_minutes,
                  closed_at=utcnow() if closed else None)
    values.update(fields)
    session = ClassSession(programme_id=programme.id,
                           org_id=org_id or programme.institution_id, **values)
    db.session.add(session)
    db.session.commit()
    return session


def trainee_of(enrolment: Enrolment):
    """The trainee User of an enrolment made with `with_user=True`."""
    from portal.models import User

    apprentice = db.session.get(Apprentice, enrolment.apprentice_id)
    return db.session.get(User, apprentice.user_id)


# --- Leave, changes of status and attendance (AP-P2, AP-P4) -------------------------------


def make_leave(enrolment: Enrolment, start: date = date(2026, 6, 1), end: date = date(2026, 6, 3),
               state=None, **fields):
    from portal.models import LeaveRequest, LeaveState

    leave = LeaveRequest(enrolment_id=enrolment.id, start_date=start, end_date=end,
                         reason=fields.pop("reason", "家中有事"),
                         state=state or LeaveState.REQUESTED, **fields)
    db.session.add(leave)
    db.session.commit()
    return leave


def make_status_change(enrolment: Enrolment, kind="suspend", state: str = "submitted", **fields):
    from portal.models import StatusChange, StatusChangeKind

    values = dict(reason="因病需休养", effective_on=date(2026, 7, 1))
    values.update(fields)
    change = StatusChange(enrolment_id=enrolment.id, district_code=enrolment.district_code,
                          kind=StatusChangeKind(kind), state=state, **values)
    db.session.add(change)
    db.session.commit()
    return change


def make_check_ins(session, enrolments) -> None:
    from portal.models import CheckIn

    db.session.add_all(CheckIn(session_id=session.id, enrolment_id=e.id) for e in enrolments)
    db.session.commit()


# --- Registration, agreements and Excel sheets (apprentice registration tests) -----------


# AP-E1: contracts in force on the day the tests run; 1 January to 31 December is one year.
CONTRACT_YEAR = today().year
CONTRACT_START = f"{CONTRACT_YEAR}-01-01"
ONE_YEAR_END = f"{CONTRACT_YEAR}-12-31"
SHORT_END = f"{CONTRACT_YEAR}-12-30"


def registration_data(**overrides) -> dict:
    """A valid 学徒报名 as the browser posts it (a one-year contract, Beijing insurance)."""
    data = {
        "name": "张三", "resident_id": resident_id(), "mobile": mobile(),
        "contract_start": CONTRACT_START, "contract_end": ONE_YEAR_END,
        "insured_in_beijing": "y", "hire_type": "new_hire", "monthly_wage": "6000",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def make_agreement(programme: Programme, enrolments, collective: bool | None = None):
    """AP-A1: an agreement linked from `enrolments` (collective when more than one)."""
    from portal.models import TrainingAgreement

    enrolments = list(enrolments)
    agreement = TrainingAgreement(programme_id=programme.id, signed_on=date(2025, 3, 1),
                                  collective=len(enrolments) > 1 if collective is None else collective)
    db.session.add(agreement)
    db.session.flush()
    for enrolment in enrolments:
        enrolment.agreement_id = agreement.id
    db.session.commit()
    return agreement


def sheet_row(**overrides) -> list:
    """One valid row of the import template, in its column order."""
    row = {"姓名": f"学徒{next(_seq)}", "身份证号码": resident_id(), "手机号码": mobile(),
           "劳动合同起始日期": CONTRACT_START, "劳动合同终止日期": "无固定期限",
           "在本市缴纳社会保险": "是", "招用类型": "新招用", "劳务派遣": "否", "月工资（元）": 6000}
    row.update(overrides)
    return list(row.values())


def xlsx(rows, header=None) -> bytes:
    """An .xlsx with `header` (the template's by default) and `rows`, written fast."""
    import io

    import openpyxl

    from portal.apprenticeship.enrolment.importer import COLUMNS

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("学徒名单")
    sheet.append(list(COLUMNS if header is None else header))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def own_programme(owner, **fields) -> Programme:
    """An approved programme of `owner`'s enterprise."""
    from portal.models import Organisation

    return make_programme(state=ReviewState.APPROVED,
                          enterprise=db.session.get(Organisation, owner.org_id), **fields)


def post_registration(client, programme, **overrides):
    """The enterprise's 学徒报名 form, posted with `registration_data(**overrides)`."""
    return client.post(f"/enterprise/programmes/{programme.id}/apprentices/new",
                       data=registration_data(**overrides))


def district_reviewer(login, district: str = "110105"):
    """A district reviewer, logged in."""
    user = make_user(Role.DISTRICT, district=district)
    login(user)
    return user


def submitted_enrolment(programme: Programme | None = None, agreed: bool = True,
                        mentored: bool = True, **fields) -> Enrolment:
    """A registration waiting for the district: both mentors and (`agreed`) an agreement."""
    programme = programme or make_programme(state=ReviewState.APPROVED)
    enrolment = make_enrolment(EnrolmentState.SUBMITTED, mentored=mentored, programme=programme,
                               with_user=False, **fields)
    if agreed:
        make_agreement(programme, [enrolment])
    return enrolment
