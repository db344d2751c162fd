"""Jinja globals and filters: rules reach templates only through these."""

from flask_login import current_user

from portal import clock, rules
from portal.core.access import can
from portal.models import ROLE_LABELS
from portal.navigation import menu_for
from portal.web import i18n
from portal.web.pagination import PAGE_SIZES, kept_query, page_size
from portal.web.widgets import decision_buttons, inline_review, status_badge

ACTION_LABELS = {
    "register": "注册",
    "close_call": "提前截止征集",
    "assign_expert": "分配评审专家",
    "unassign_expert": "取消评审专家",
    "score": "专家评分",
    "rescore": "专家修改评分",
    "submit": "提交审核",
    "approve": "审核通过",
    "return": "退回修改",
    "reject": "不予通过",
    "login": "登录",
    "change_password": "修改密码",
    "view_full_id": "查看完整证件号码",
    "create": "创建",
    "replace": "替换待生效版本",
    "backdate": "补录已施行的数值",
    "edit": "修改",
    "upload": "上传文件",
    "institution_confirm": "培训机构确认",
    "file_entrustment": "委托培训备案",
    "deactivate": "停用",
    "activate": "重新启用",
    "assign_mentor": "指派企业导师",
    "assign_teacher": "指派培训机构教师",
    "record_hours": "记录学时",
    # Leave and changes of status (AP-P2)
    "request": "提交申请",
    "cancel": "撤回申请",
    "report_back": "销假",
    "status_change_requested": "申请学籍异动",
    "status_change_returned": "学籍异动退回修改",
    "status_change_rejected": "学籍异动不予批准",
    "status_change_cancelled": "撤回学籍异动申请",
    "suspend": "暂停培训",
    "lift": "解除停训",
    "refresh": "重新汇总",
    "resume": "恢复培训",
    "extend": "延长培养期",
    "withdraw": "退出培训",
    "transfer": "转出",
    "transfer_in": "转入",
    # Apprentice registration and the student record (AP-W2, AP-A1)
    "import": "Excel 批量报名",
    "record_agreement": "登记培训协议",
    "create_trainee_account": "开通学员账号",
    "reset_password": "生成学员初始密码",
    "update_person": "更新人员信息",
    # Assessment, certificates and money (AP-S1, AP-S2, AP-W3, AP-$4, AP-$5)
    "open": "建立记录",
    "enterprise_verdict": "企业考核意见",
    "institution_verdict": "培训机构考核意见",
    "vocational": "登记职业证书",
    "vocational_corrected": "更正职业证书",
    "agree": "企校考核意见一致",
    "complete": "结业",
    "issue": "颁发证书",
    "revoke": "撤销证书",
    "pay": "记录拨付",
    "set_available": "登记资金额度",
    "repay": "登记退回款",
    "settle": "追回完毕",
    "close": "项目结项",
    # Accounts (issue 15)
    "end_sessions": "结束全部登录",
    "end_session": "结束一个设备的登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "remove_unused": "删除未使用的上传文件",
    "check_in": "签到",
    "add_evidence": "上传培训影像",
    "location_check": "位置核验",
    # Inspections (AP-V1)
    "draw_sample": "抽取检查样本",
    "record_inspection": "登记检查结果",
    "status_change_not_applied": "学籍异动未能生效",
}


def init_app(app) -> None:
    i18n.init_app(app)
    app.jinja_env.globals.update(
        # The user object itself: each attribute read through the proxy costs a look-up.
        can=lambda action, obj: can(current_user._get_current_object(), action, obj),
        rule_message=rules.rule_message,
        level_label=lambda code: rules.LEVEL_LABELS.get(code, code),
        enterprise_size_label=lambda code: rules.ENTERPRISE_SIZES.get(code, code or ""),
        institution_type_label=lambda code: rules.INSTITUTION_TYPES.get(code, code or ""),
        delivery_mode_label=lambda code: rules.DELIVERY_MODES.get(code, code),
        action_label=lambda action: ACTION_LABELS.get(action, action),
        role_labels=ROLE_LABELS,
        menu_for=menu_for,
        inline_review=inline_review,
        status_badge=status_badge,
        decision_buttons=decision_buttons,
        days_since=lambda moment: (clock.today() - clock.beijing_day(moment)).days,
        page_size=page_size,
        kept_query=kept_query,
        page_sizes=PAGE_SIZES,
    )
    app.jinja_env.filters.update(
        mask_id=rules.mask_resident_id,
        mask_mobile=rules.mask_mobile,
    )
