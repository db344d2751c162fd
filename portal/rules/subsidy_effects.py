"""AP-$1..$4, AP-P2: subsidy figures before anything happens: the forecast of a planned
cohort (测算, issue 12 item 9) and what a change of status (学籍异动) does to an apprentice's
subsidy, stated before the enterprise sends the request (issue 12 item 6).

Transfer (转出) is decided here as follows, since the seed is silent: the record in the
old programme ends like a withdrawal (AP-$4: entitled to nothing there, its prepayment is
recovered on that programme's final claim), and the record opened in the target
programme is a new establishment with its own prepayment, at the catalogue facts and
parameters of its establishment day (AP-P5). Money never follows the person between
programmes, so no programme's ledger holds another's amounts.
"""

from collections.abc import Mapping

from ._arith import require_non_negative
from .parameters import param
from .subsidy import (
    FULL_RATE_PCT,
    subsidised_years,
    subsidy_entitlement,
    subsidy_prepayment,
    subsidy_rate_pct,
    subsidy_standard,
)

MONTHS_PER_YEAR = 12
KINDS = ("suspend", "resume", "extend", "withdraw", "transfer")


def _extension_years(months: int) -> int:
    """AP-$2: an extension counted in whole years, a started year counting as one."""
    return -(-months // MONTHS_PER_YEAR)


def status_money_effect(kind: str, level: str, urgent: bool, in_assessment_scope: bool,
                        prepaid: bool, *, prepayment: int | None = None,
                        extension_months: int = 0,
                        params: Mapping[str, int] | None = None) -> dict:
    """AP-$2, AP-$4, AP-P2: the subsidy effect of a change of status of kind `kind`.

    `prepaid`: the prepayment has been paid out. `prepayment`: the amount frozen on the
    account (AP-P5); by default it is computed with `params`. Returns the rule IDs, the
    amount to recover, the amount no longer paid, the entitlement after the change (None:
    unchanged, still decided by the assessment) and a sentence in Chinese.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown change of status: {kind!r}")
    require_non_negative(extension_months=extension_months)
    amount = subsidy_prepayment(level, urgent, params=params) if prepayment is None else prepayment
    require_non_negative(prepayment=amount)
    years = subsidised_years(level, params=params)
    effect = {"kind": kind, "rules": [], "recovery": 0, "withheld": 0, "entitlement": None,
              "years_before": years, "years_after": years, "summary": ""}
    if kind in ("withdraw", "transfer"):
        effect.update(rules=["AP-$4"], entitlement=0,
                      recovery=amount if prepaid else 0, withheld=0 if prepaid else amount)
        money = (f"已预拨的 {amount} 元将在剩余补贴申请时追回" if prepaid
                 else f"尚未拨付的预拨补贴 {amount} 元不再拨付")
        where = "本项目" if kind == "transfer" else ""
        summary = f"退出{where}培训后{where}补贴为 0 元，{money}。"
        if kind == "transfer":
            summary += "转入项目建立学籍后，按转入项目建立学籍当日的标准重新预拨。"
        effect["summary"] = summary
    elif kind == "suspend":
        effect.update(rules=["AP-P2"],
                      summary="暂停培训期间，该学徒的补贴暂缓申请和拨付；恢复培训并考核后按原标准计算，"
                              "补贴金额不变。")
    elif kind == "resume":
        effect.update(rules=["AP-P2"], summary="恢复培训后，暂缓的补贴可继续申请，补贴金额不变。")
    else:  # extend
        extra = _extension_years(extension_months) if param(params, "subsidy_counts_extension") else 0
        after = subsidised_years(level, params=params, extended_years=extra)
        effect.update(rules=["AP-$2"], years_after=after)
        effect["summary"] = (
            f"延长培养期后，补贴年限由 {years} 年调整为 {after} 年。" if after != years else
            f"延长培养期只延长培训时间，补贴年限仍为 {years} 年，补贴金额不变。")
    return effect


def subsidy_forecast(level: str, urgent: bool, in_assessment_scope: bool, headcount: int, *,
                     params: Mapping[str, int] | None = None) -> dict:
    """AP-$1, AP-$2, AP-$3, AP-$4: per person and for the cohort, the prepayment, the full
    entitlement, the case of a pass without a vocational certificate and a failure.

    `without_certificate` is None when a pass alone pays in full (urgent-need occupation
    outside the assessment scope, AP-$3).
    """
    require_non_negative(headcount=headcount)
    prepayment = subsidy_prepayment(level, urgent, params=params)
    full = subsidy_entitlement(level, urgent, in_assessment_scope, True, True, params=params)
    partial_rate = subsidy_rate_pct(urgent, in_assessment_scope, True, False)
    partial = (None if partial_rate == FULL_RATE_PCT else
               subsidy_entitlement(level, urgent, in_assessment_scope, True, False, params=params))
    failed = subsidy_entitlement(level, urgent, in_assessment_scope, False, False, params=params)

    def case(entitlement: int | None) -> dict | None:
        """AP-$4: one outcome's entitlement and remainder, per head and for the cohort."""
        if entitlement is None:
            return None
        return {"entitlement": entitlement, "remainder": entitlement - prepayment,
                "total_entitlement": entitlement * headcount,
                "total_remainder": (entitlement - prepayment) * headcount}

    return {
        "standard": subsidy_standard(level, urgent, params=params),
        "years": subsidised_years(level, params=params),
        "headcount": headcount,
        "prepayment": prepayment,
        "total_prepayment": prepayment * headcount,
        "partial_rate_pct": partial_rate,
        "full": case(full),
        "without_certificate": case(partial),
        "failed": case(failed),
    }
