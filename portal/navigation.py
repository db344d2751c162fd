"""Where each role lands and what its menu holds; imports no blueprint, so no cycles."""

from flask import url_for

from portal.models import Role

HOME_ENDPOINTS = {
    Role.ENTERPRISE: "enterprise.home",
    Role.INSTITUTION: "institution.home",
    Role.DISTRICT: "district.home",
    Role.CENTER: "center.home",
    Role.TRAINEE: "checkin.home",
    Role.EXPERT: "expert.home",
    Role.HOST: "host.home",
}

# (endpoint, label) per role; labels are translated where they are shown.
MENUS: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.ENTERPRISE: (
        ("enterprise.home", "单位首页"),
        ("enterprise.programmes", "培训项目"),
        ("enterprise.enrolments", "学徒"),
        ("enterprise.mentors", "企业导师"),
        ("enterprise.sessions", "课堂签到"),
        ("enterprise.leave_requests", "请假审批"),
        ("enterprise.status_changes", "学籍异动"),
        ("enterprise.claims", "补贴申请"),
        ("enterprise.quality", "培训质量"),
        ("enterprise.ledger", "补贴台账"),
        ("enterprise.subsidy_forecast", "补贴测算"),
        ("enterprise.assessments", "考核评价"),
        ("enterprise.recoveries", "补贴追回"),
        ("enterprise.institution_catalogue", "培训机构目录"),
        ("enterprise.certificates", "学徒证书"),
        ("enterprise.hs_open_calls", "研修项目征集"),
        ("enterprise.hs_proposals", "研修项目"),
        ("enterprise.hs_list_pending", "研修学员名单"),
        ("enterprise.hs_deliveries", "研修实施与结业"),
        ("enterprise.hs_funding_projects", "研修经费与结业证书"),
    ),
    Role.INSTITUTION: (
        ("institution.home", "机构首页"),
        ("institution.programmes", "合作项目"),
        ("institution.mentors", "培训机构教师"),
        ("institution.sessions", "课堂签到"),
        ("institution.ledger", "补贴台账"),
        ("institution.assessments", "考核评价"),
        ("institution.certificates", "学徒证书"),
        ("institution.hs_open_calls", "研修项目征集"),
        ("institution.hs_proposals", "研修项目"),
        ("institution.hs_list_pending", "研修学员名单"),
        ("institution.hs_deliveries", "研修实施与结业"),
        ("institution.hs_funding_projects", "研修经费与结业证书"),
    ),
    Role.DISTRICT: (
        ("district.home", "工作台"),
        ("district.organisations", "单位审核"),
        ("district.programmes", "项目审核"),
        ("district.enrolments", "学徒审核"),
        ("district.status_changes", "学籍异动审核"),
        ("district.claims", "补贴申请审核"),
        ("district.quality", "培训质量监测"),
        ("district.ledger", "补贴台账"),
        ("district.assessments", "考核评价"),
        ("district.certificates", "证书查询"),
        ("district.recoveries", "补贴追回"),
    ),
    Role.CENTER: (
        ("center.home", "全市概览"),
        ("center.organisations", "单位复核"),
        ("center.programmes", "项目复核"),
        ("center.enrolments", "学徒学籍"),
        ("center.status_changes", "学籍异动"),
        ("center.claims", "补贴申请审批"),
        ("center.quality", "培训质量监测"),
        ("center.ledger", "补贴台账"),
        ("center.assessments", "考核评价"),
        ("center.certificates", "证书管理"),
        ("center.payments", "待拨付"),
        ("center.funds", "补贴资金"),
        ("center.recoveries", "补贴追回"),
        ("center.catalogues", "目录管理"),
        ("center.parameters", "政策参数"),
        ("center.hs_calls", "研修征集"),
        ("center.hs_proposals", "研修项目"),
        ("center.hs_review_queue", "研修项目评审"),
        ("center.hs_list_filings", "研修项目备案"),
        ("center.hs_deliveries", "研修实施"),
        ("center.hs_completion_filings", "研修结业备案"),
        ("center.hs_funding_claims", "研修经费审核"),
        ("center.hs_funding_checks", "研修项目抽查与审计"),
        ("center.hs_hosts", "承办单位"),
        ("center.accounts", "账号与登录"),
    ),
    Role.EXPERT: (("expert.home", "评审任务"),),
    Role.HOST: (
        ("host.home", "单位首页"),
        ("host.hs_open_calls", "研修项目征集"),
        ("host.hs_proposals", "研修项目"),
        ("host.hs_list_pending", "研修学员名单"),
        ("host.hs_deliveries", "研修实施与结业"),
        ("host.hs_funding_projects", "研修经费与结业证书"),
        ("host.certificates", "研修学员证书"),
        ("host.recoveries", "经费追回"),
    ),
}


def home_url(user) -> str:
    return url_for(HOME_ENDPOINTS[user.role])


def menu_for(user) -> tuple[tuple[str, str], ...]:
    return MENUS.get(user.role, ()) if user.is_authenticated else ()
