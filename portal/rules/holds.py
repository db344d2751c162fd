"""AP-W3, AP-S1, AP-S2, AP-$3..$5, AP-V2: what holds an apprentice's subsidy money.

"Why is this payment held?" (issue 12 item 7), for the prepayment (预拨, first claim) and
for the remainder (剩余补贴, final claim). Every fact is an argument: the caller reads the
states from the database and passes their values (strings), this layer decides. The
answer names the rule that holds the money, in plain Chinese.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from .subsidy import NO_CERTIFICATE_RATE_PCT, subsidy_rate_pct

# The claim states of `portal.models.ClaimState`, by value (the rules layer imports no model).
_REVIEW_STEPS = {
    "draft": "已填写补贴申请，尚未提交",
    "returned": "补贴申请已退回企业修改",
    "submitted": "补贴申请待区人社局审核",
    "district_approved": "补贴申请待市级审批",
}
_FIRST, _FINAL = "首次补贴（预拨）", "剩余补贴"


@dataclass(frozen=True)
class Hold:
    """AP-W3: one line's status; `held` is False once the money has moved (paid, recovered)."""

    code: str
    rule: str
    text: str
    held: bool = True

    @property
    def message(self) -> str:
        """AP-W3: the status as the payee reads it, naming the rule."""
        return f"{self.text}（规则 {self.rule}）"


def _claim_hold(which: str, claim_state: str, paid_on: date | None, claim_payable: int,
                fund_remaining: int | None) -> Hold:
    """AP-W3, AP-$5: where a claim holding the line stands: in review, awaiting payment,
    the fund exhausted, or paid."""
    if claim_state == "paid":
        when = f"已于 {paid_on.isoformat()} 拨付" if paid_on else "已拨付"
        return Hold("paid", "AP-W3", f"{which}{when}", held=False)
    if claim_state == "approved":
        if fund_remaining is not None and fund_remaining < claim_payable:
            return Hold("fund_exhausted", "AP-$5",
                        f"{which}已批准，本年度补贴资金暂不足以拨付，待市级补充资金后拨付")
        return Hold("awaiting_payment", "AP-W3", f"{which}已批准，待市级记录拨付")
    return Hold(f"claim_{claim_state}", "AP-W3", f"{_REVIEW_STEPS[claim_state]}（{which}）")


# --- AP-V2: suspension (停训) and its rectification order (整改) ----------------------------

RECTIFICATION_DAYS_DEFAULT = 30
"""AP-V2: the rectification deadline a district's suspension form proposes (days after
the order); the district may set any deadline not before the order's date."""


def rectification_deadline_problem(ordered_on: date, deadline: date | None) -> str | None:
    """AP-V2: a rectification order (整改) needs a deadline on or after its own date."""
    if deadline is None:
        return "停训整改须规定整改期限（规则 AP-V2）"
    if deadline < ordered_on:
        return "整改期限不能早于决定停训的日期（规则 AP-V2）"
    return None


# AP-V2 on the worklists (issue 14 item 10): open orders due within this many days or past.
RECTIFICATION_WARNING_DAYS = 7


def rectification_watch_cutoff(today: date) -> date:
    """AP-V2: open rectification orders whose deadline is on or before this day are shown
    as due (within 7 days) or overdue."""
    return today + timedelta(days=RECTIFICATION_WARNING_DAYS)


def suspension_text(suspended_on: date | None, rectify_by: date | None = None) -> str:
    """AP-V2: the suspension a held payment names: since when, and the rectification
    deadline when an order is open."""
    since = f"自 {suspended_on.isoformat()} 起" if suspended_on else ""
    until = f"（整改期限 {rectify_by.isoformat()}）" if rectify_by else ""
    return f"培训项目{since}停训整改中{until}，停训期间不得申领补贴"


def prepayment_hold(*, established: bool, programme_suspended: bool, claim_state: str | None,
                    paid_on: date | None = None, claim_payable: int = 0,
                    fund_remaining: int | None = None, suspended_on: date | None = None,
                    rectify_by: date | None = None) -> Hold:
    """AP-$4, AP-W3, AP-$5, AP-V2: the status of the prepayment (预拨) of one apprentice.

    `claim_state` is the state of the first claim holding the apprentice (None: not claimed);
    `fund_remaining` is what is left in this year's funds (None: not known);
    `suspended_on` / `rectify_by` name the suspension holding the money (AP-V2).
    """
    if claim_state == "paid":
        return _claim_hold(_FIRST, claim_state, paid_on, claim_payable, fund_remaining)
    if not established:
        return Hold("not_established", "AP-W2", "学籍尚未建立，不能申请预拨补贴")
    if programme_suspended:
        return Hold("programme_suspended", "AP-V2", suspension_text(suspended_on, rectify_by))
    if claim_state is None:
        return Hold("not_claimed", "AP-W3", "尚未申请首次补贴（预拨）")
    return _claim_hold(_FIRST, claim_state, paid_on, claim_payable, fund_remaining)


def remainder_hold(*, enrolment_state: str, programme_suspended: bool, urgent: bool,
                   in_assessment_scope: bool, enterprise_verdict: str | None,
                   institution_verdict: str | None, has_certificate: bool,
                   claim_state: str | None = None, paid_on: date | None = None,
                   claim_payable: int = 0, fund_remaining: int | None = None,
                   recovery_state: str | None = None, recovery_outstanding: int = 0,
                   suspended_on: date | None = None, rectify_by: date | None = None) -> Hold:
    """AP-S1, AP-S2, AP-$3, AP-$4, AP-$5, AP-V2, AP-W3: the status of the remainder (剩余补贴).

    Verdicts are "passed" / "failed" (None: not given yet); `enrolment_state` is the value of
    `EnrolmentState` ("withdrawn": entitled to nothing, AP-$4).
    """
    if recovery_state == "settled":
        return Hold("recovery_settled", "AP-$4", "预拨资金已全部追回", held=False)
    if recovery_state == "open":
        return Hold("recovery_open", "AP-$4", f"应追回预拨资金，尚欠 {recovery_outstanding} 元")
    if claim_state == "paid":
        return _claim_hold(_FINAL, claim_state, paid_on, claim_payable, fund_remaining)
    if programme_suspended:
        return Hold("programme_suspended", "AP-V2", suspension_text(suspended_on, rectify_by))
    if claim_state is not None:
        return _claim_hold(_FINAL, claim_state, paid_on, claim_payable, fund_remaining)
    if enrolment_state in ("withdrawn", "transferred"):
        return Hold("withdrawn", "AP-$4", "已退出本项目培训，不享受补贴，已预拨资金将追回")
    if enrolment_state == "suspended":
        return Hold("suspended", "AP-P2", "学籍暂停中，恢复培训并考核后方可申请剩余补贴")
    if enterprise_verdict is None or institution_verdict is None:
        missing = "、".join(who for who, verdict in (("企业", enterprise_verdict),
                                                     ("培训机构", institution_verdict))
                           if verdict is None)
        return Hold("assessment_missing", "AP-S1", f"尚未完成企校联合考核（待{missing}确认）")
    if enterprise_verdict != institution_verdict:
        return Hold("assessment_disagreement", "AP-S1", "企业与培训机构考核结论不一致，须协商一致")
    if enterprise_verdict == "failed":
        return Hold("failed", "AP-$3", "考核不合格，不享受补贴，已预拨资金将追回")
    rate = subsidy_rate_pct(urgent, in_assessment_scope, True, has_certificate)
    if rate == NO_CERTIFICATE_RATE_PCT:
        return Hold("certificate_missing", "AP-S2",
                    f"考核合格但未登记职业证书，暂按 {rate}% 计算（AP-$3），登记证书后按全额计算")
    return Hold("not_claimed", "AP-W3", "考核合格，可申请剩余补贴")
