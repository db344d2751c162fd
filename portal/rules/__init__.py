"""Pure policy rules (RULES.md): standard library and python-stdnum only, no clock, no I/O.

Every date and fact is an argument; parameters come in as a merged ``params`` mapping.
"""

from .apprenticeship import (
    ENTERPRISE_SIZES,
    HIRE_TYPES,
    INSTITUTION_TYPES,
    apprentice_eligibility_problems,
    attendance_rate_pct,
    attrition_rate_pct,
    contract_covers_one_year,
    course_ratio_shares,
    course_ratio_warnings,
    credit_progress_pct,
    credits_for_hours,
    enterprise_mentor_problems,
    institution_teacher_problems,
    licence_problems,
    may_entrust,
    occupation_problems,
    programme_alerts,
    programme_duration_problems,
    training_complete,
    wage_problems,
)
from .high_skill import (
    hs_annual_cap_problems,
    hs_class_size_problems,
    hs_filing_late,
    hs_funding,
    hs_hours_problems,
    hs_list_filing_problems,
    hs_proposal_count_problems,
    hs_trainee_flagged,
    hs_trainee_problems,
    hs_year_problems,
)
from .identifiers import (
    is_valid_credit_code,
    is_valid_mobile,
    is_valid_resident_id,
    mask_mobile,
    mask_resident_id,
    normalise_identifier,
    resident_id_birth_date,
)
from .levels import (
    LEVEL_LABELS,
    LEVELS,
    MAX_DURATION_YEARS,
    TRAINABLE_LEVELS,
    level_at_least,
    required_credits,
    standard_duration_years,
)
from .messages import RULE_MESSAGES, RuleViolation, rule_message
from .parameters import DEFAULTS, PARAMETERS, ParameterSpec, param
from .subsidy import (
    FUNDING_SOURCES,
    funding_source_for,
    subsidised_years,
    subsidy_entitlement,
    subsidy_prepayment,
    subsidy_rate_pct,
    subsidy_remainder,
    subsidy_standard,
)

__all__ = [
    # RULES.md "Public rules API"
    "is_valid_resident_id",
    "is_valid_credit_code",
    "is_valid_mobile",
    "mask_resident_id",
    "standard_duration_years",
    "required_credits",
    "credits_for_hours",
    "course_ratio_warnings",
    "apprentice_eligibility_problems",
    "subsidy_standard",
    "subsidised_years",
    "subsidy_prepayment",
    "subsidy_entitlement",
    "subsidy_remainder",
    "hs_trainee_problems",
    "hs_class_size_problems",
    "hs_hours_problems",
    "hs_funding",
    # identifiers
    "normalise_identifier",
    "resident_id_birth_date",
    "mask_mobile",
    # levels
    "LEVELS",
    "LEVEL_LABELS",
    "TRAINABLE_LEVELS",
    "MAX_DURATION_YEARS",
    "level_at_least",
    # apprenticeship
    "HIRE_TYPES",
    "INSTITUTION_TYPES",
    "ENTERPRISE_SIZES",
    "contract_covers_one_year",
    "wage_problems",
    "occupation_problems",
    "licence_problems",
    "may_entrust",
    "course_ratio_shares",
    "programme_duration_problems",
    "training_complete",
    "credit_progress_pct",
    "enterprise_mentor_problems",
    "institution_teacher_problems",
    "attendance_rate_pct",
    "attrition_rate_pct",
    "programme_alerts",
    # subsidy
    "subsidy_rate_pct",
    "FUNDING_SOURCES",
    "funding_source_for",
    # high skill
    "hs_trainee_flagged",
    "hs_annual_cap_problems",
    "hs_proposal_count_problems",
    "hs_list_filing_problems",
    "hs_year_problems",
    "hs_filing_late",
    # parameters and messages
    "ParameterSpec",
    "PARAMETERS",
    "DEFAULTS",
    "param",
    "RULE_MESSAGES",
    "rule_message",
    "RuleViolation",
]
