"""What an enterprise states about one apprentice (``Registration``) and the checks it passes.

Rules: C-ID1, C-ID3, AP-E1..E4, AP-E7 and AP-E6 (with the minimum wage in force on ``wage_day``),
plus the name and wage-range checks of the form. The form, the Excel import and every
enrolment service that writes (registration, correction, submission, establishment) run the
same functions: an import or a later submission never passes through the form.
"""

from dataclasses import dataclass
from datetime import date

from portal import rules
from portal.apprenticeship.programmes.services import period_end
from portal.apprenticeship.programmes.suspension import refuse_enrolment_if_suspended
from portal.catalogue.parameters import parameters_on
from portal.clock import today
from portal.core.errors import ServiceError
from portal.models import Apprentice, Enrolment, Programme

NAME_MAX = 32
WAGE_MAX = 1_000_000  # yuan a month: anything above is a typing error (and overflows INTEGER)
WAGE_RANGE_MESSAGE = f"月工资须为 0 至 {WAGE_MAX} 之间的整数（元）"


@dataclass(frozen=True)
class Registration:
    """What an enterprise states about one apprentice (form, import row or stored enrolment)."""

    name: str
    resident_id: str
    mobile: str
    contract_start: date
    contract_end: date | None  # None = open-ended (AP-E1)
    insured_in_beijing: bool
    hire_type: str
    dispatched: bool
    monthly_wage: int

    @classmethod
    def of(cls, enrolment: Enrolment, apprentice: Apprentice) -> "Registration":
        return cls(enrolment.stated_name or apprentice.name, apprentice.resident_id,
                   enrolment.stated_mobile or apprentice.mobile,
                   enrolment.contract_start, enrolment.contract_end,
                   enrolment.insured_in_beijing, enrolment.hire_type, enrolment.dispatched,
                   enrolment.monthly_wage)

    def enrolment_values(self) -> dict:
        return {
            "contract_start": self.contract_start, "contract_end": self.contract_end,
            "insured_in_beijing": self.insured_in_beijing, "hire_type": self.hire_type,
            "dispatched": self.dispatched, "monthly_wage": self.monthly_wage,
        }


def contract_warning(programme: Programme, contract_end: date | None) -> str:
    """AP-E1: the contract ends before the programme's planned end: shown to the reviewer."""
    planned_end = period_end(programme.start_date, programme.duration_months)
    if not rules.contract_ends_before(contract_end, planned_end):
        return ""
    return (f"劳动合同于 {contract_end} 到期，早于培训计划结束日 {planned_end}，"
            "请核实续签安排（规则 AP-E1 提示，不影响提交）")


def wage_day(programme: Programme, day: date | None = None) -> date:
    """AP-E6: the day whose minimum wage applies — training start, or today once started."""
    return max(day or today(), programme.start_date)


def params_for(programme: Programme, day: date | None = None) -> dict[str, int]:
    """The parameters (AP-E6's minimum wage) a registration in `programme` is checked with."""
    return parameters_on(wage_day(programme, day))


def name_problem(name: str) -> str | None:
    name = (name or "").strip()
    if not name:
        return "请填写学徒姓名"
    if len(name) > NAME_MAX:
        return f"姓名不能超过 {NAME_MAX} 个字"
    if name.startswith("="):
        return "姓名不能以“=”开头"
    return None


def registration_problems(level: str, reg: Registration, params, day: date) -> list[str]:
    """C-ID1, C-ID3, AP-E1..E4, AP-E6, AP-E7: rule IDs a registration checked on `day` violates.

    In catalogue order. Pure (no queries): forms, the Excel import and the services all call
    it. `day` is the registration day: no birth date after it (C-ID1), the contract still in
    force on it (AP-E1).
    """
    found = []
    if not rules.is_valid_resident_id(reg.resident_id, on=day):
        found.append("C-ID1")
    if not rules.is_valid_mobile(reg.mobile):
        found.append("C-ID3")
    found += rules.apprentice_eligibility_problems(
        level, reg.contract_start, reg.contract_end, reg.insured_in_beijing, reg.hire_type,
        on=day, birth_date=rules.resident_id_birth_date(reg.resident_id))
    found += rules.wage_problems(reg.monthly_wage, params=params)
    return rules.in_catalogue_order(found)


def check_registration(programme: Programme, reg: Registration, day: date | None = None) -> None:
    """Refuse `reg` in `programme` on `day`: the name, the wage range, then the rules."""
    refuse_enrolment_if_suspended(programme)  # AP-V2: a suspended programme enrols no one
    problem = name_problem(reg.name)
    if problem:
        raise ServiceError(problem)
    if not 0 <= reg.monthly_wage <= WAGE_MAX:
        raise ServiceError(WAGE_RANGE_MESSAGE)
    params = params_for(programme, day)
    found = registration_problems(programme.level, reg, params, day or today())
    if found:
        raise rules.RuleViolation(found, params=params)
