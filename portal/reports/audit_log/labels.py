"""The audit log's codes in Chinese (C-AUD): actions and record kinds.

The log keeps codes (they outlive a relabelling); a code without a label is shown as
written, so a new action is never hidden. The site's own action labels (the timelines on
record pages) come first, so one action reads the same everywhere; this table fills in
the actions those pages never show.
"""

from portal.web.templating import ACTION_LABELS as SITE_ACTION_LABELS

ACTION_LABELS: dict[str, str] = {
    # Review chain (C-REV) and workflow steps
    "submit": "提交", "resubmit": "重新提交", "hs_submit": "提交", "withdraw": "撤回",
    "cancel": "取消", "approve": "通过", "reject": "不予通过", "return": "退回修改",
    "district_approve": "区级审核通过", "district_return": "区级退回修改",
    "district_reject": "区级不予通过", "centre_approve": "市级复核通过",
    "centre_return": "市级退回修改", "centre_reject": "市级不予通过",
    "complete": "完成", "report_back": "报到", "file_list": "名单备案",
    "institution_confirm": "机构确认", "agree": "确认一致", "assess": "考核评价",
    # Records
    "create": "新建", "add": "新增", "edit": "修改", "update": "更新", "update_person": "修改人员信息",
    "delete": "删除", "remove": "移除", "remove_unused": "移除未用记录", "record": "登记",
    "register": "登记", "import": "导入", "upload": "上传", "upload_summary": "上传总结",
    "replace_summary": "更换总结", "add_evidence": "补充佐证", "record_hours": "登记学时",
    "record_agreement": "登记培训协议", "file_entrustment": "备案委托培训",
    "file_completion": "结业备案", "file_change": "变更备案", "transfer_in": "转入",
    "score": "评分", "rescore": "重新评分", "assign_expert": "分配评审专家",
    "unassign_expert": "取消专家分配", "close_call": "结束征集", "refresh": "刷新",
    "set_available": "设置可用额度", "issue": "发放", "revoke": "撤销",
    "export_roster": "导出名单",
    # Training and attendance
    "open": "开始签到", "close": "结束签到", "check_in": "签到", "on_time": "按时签到",
    "late": "迟到", "location_check": "位置核验", "request": "申请",
    # Money
    "pay": "拨付", "paid": "已拨付", "repay": "退回补贴", "settle": "结清",
    # Supervision (AP-V1..V3)
    "suspend": "停训", "lift": "恢复培训", "hs_disqualify": "取消承办资格",
    "status_change_not_applied": "学籍异动未生效",
    # Accounts and C-PII
    "login": "登录", "logout": "退出登录", "login_failed": "登录失败",
    "login_throttled": "登录受限", "change_password": "修改密码",
    "reset_password": "重置密码", "create_trainee_account": "开通学员账号",
    "end_session": "结束会话", "end_sessions": "结束全部会话",
    "view_full_id": "查看完整身份证号",
}

OBJECT_LABELS: dict[str, str] = {
    "organisation": "单位", "user": "账号", "programme": "培训项目", "enrolment": "学徒学籍",
    "mentor": "导师", "status_change": "学籍异动", "leave_request": "请假",
    "class_session": "课堂", "check_in": "签到", "credit_record": "学分", "assessment": "考核评价",
    "certificate": "证书", "claim": "补贴申请", "payment": "拨付", "recovery": "补贴追回",
    "fund": "补贴资金", "document": "文件", "occupation": "职业（工种）",
    "catalogue_version": "目录版本", "parameter_value": "政策参数",
    "hs_call": "研修征集", "hs_proposal": "研修项目", "hs_trainee": "研修学员",
    "hs_check": "研修抽查", "hs_rubric": "研修评审细则",
    "inspection": "监督检查", "inspection_sample": "抽查样本", "summons": "约谈",
    "rectification": "整改", "fraud_case": "骗补案件", "audit_grant": "审计授权",
    "audit_result": "审计结果", "evaluation": "绩效评价",
}


def action_label(code: str) -> str:
    return SITE_ACTION_LABELS.get(code) or ACTION_LABELS.get(code, code)


def action_choices() -> list[tuple[str, str]]:
    """(code, label) for the action filter, in label order."""
    codes = set(ACTION_LABELS) | set(SITE_ACTION_LABELS)
    return sorted(((c, action_label(c)) for c in codes), key=lambda pair: (pair[1], pair[0]))


def object_label(code: str) -> str:
    return OBJECT_LABELS.get(code, code)
