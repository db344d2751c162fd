"""The dashboard's charts and figure links, from a cached figure set: each figure links to
the list that counts the same rows (the enrolments report, the quality list, the ledger,
the claims list, the HS trainees)."""

from flask import url_for

from portal.money.ledger import EntryKind
from portal.reports.dashboards import charts
from portal.reports.dashboards.filters import STATES

MONEY_LABELS = {"prepayment": "预拨补贴", "payment": "已拨付", "repayment": "已追回（还款）",
                "recovery": "追回令", "held": "已批准待拨付"}


def enrolment_link(view, **args) -> str:
    args = {k: v for k, v in args.items() if v not in ("", None)}
    return url_for(view.endpoint("report_enrolments"), **args)


def money_link(view, kind: str) -> str:
    if kind == "held":
        return url_for(view.endpoint("claims"), state="approved")
    return url_for(view.endpoint("ledger"), kind=EntryKind(kind).value)


def build(view, data: dict) -> dict:
    """Everything the template draws: charts (geometry + links) and the figures' links."""
    enrolments = data["enrolments"]

    def link(**args) -> str:
        return enrolment_link(view, **args)

    breakdowns = []
    if view.city_wide:
        breakdowns.append(charts.stacked("district", "各区学徒", enrolments["by_district"], link,
                                         "district", STATES))
    breakdowns += [
        charts.stacked("occupation", "主要职业（工种）学徒", enrolments["by_occupation"], link,
                       "occupation", STATES),
        charts.stacked("level", "各等级学徒", enrolments["by_level"], link, "level", STATES),
        charts.stacked("year", "各年度建立学籍", enrolments["by_year"], link, "year", STATES),
    ]
    target = enrolments["target"]
    quality, params = data["quality"], data["params"]
    money = data["money"]
    panels = {
        "totals": [(state, label, enrolments["totals"][state], link(state=state))
                   for state, label in STATES.items()],
        "target": charts.Progress("target", "新型学徒制培训目标进度（规则 AP-T1）",
                                  target["counted"], target["target"],
                                  link(state="registered", target="1")),
        "breakdowns": breakdowns,
        "quality_links": {
            "programmes": url_for(view.endpoint("quality")),
            "alerts": url_for(view.endpoint("quality"), alerts="1"),
        },
        "attendance": charts.Progress("attendance", "出勤率", quality["attendance_pct"] or 0, 100,
                                      url_for(view.endpoint("quality"), sort="attendance"),
                                      mark=params["attendance_alert_below_pct"]),
        "attrition": charts.Progress("attrition", "流失率", quality["attrition_pct"] or 0, 100,
                                     url_for(view.endpoint("quality"), sort="attrition"),
                                     mark=params["attrition_alert_above_pct"]),
        "money": charts.bars("money", "补贴资金（元）", [
            (MONEY_LABELS[k], money[k]["amount"], f"{money[k]['amount']:,} 元",
             money_link(view, k)) for k in ("prepayment", "payment", "repayment", "held")]),
        "money_rows": [(k, MONEY_LABELS[k], money[k]["count"], money[k]["amount"],
                        money_link(view, k)) for k in MONEY_LABELS],
    }
    hs = data["hs"]
    if hs is not None:
        hs_link = url_for("center.report_hs_trainees", year=hs["year"])
        panels["hs"] = charts.Progress("hs", f"{hs['year']}年高技能人才研修学员（规则 HS-P2）",
                                       hs["trainees"], hs["cap"], hs_link)
    return panels
