"""Jinja globals and filters: rules reach templates only through these."""

from flask_login import current_user

from portal import rules
from portal.access import can
from portal.models import ROLE_LABELS, Role

ACTION_LABELS = {
    "register": "注册",
    "submit": "提交审核",
    "approve": "审核通过",
    "return": "退回修改",
    "reject": "不予通过",
    "login": "登录",
    "change_password": "修改密码",
    "view_full_id": "查看完整证件号码",
    "create": "创建",
    "edit": "修改",
    "upload": "上传文件",
    "institution_confirm": "培训机构确认",
}


def init_app(app) -> None:
    app.jinja_env.globals.update(
        can=lambda action, obj: can(current_user, action, obj),
        rule_message=rules.rule_message,
        level_label=lambda code: rules.LEVEL_LABELS.get(code, code),
        enterprise_size_label=lambda code: rules.ENTERPRISE_SIZES.get(code, code or ""),
        institution_type_label=lambda code: rules.INSTITUTION_TYPES.get(code, code or ""),
        delivery_mode_label=lambda code: rules.DELIVERY_MODES.get(code, code),
        action_label=lambda action: ACTION_LABELS.get(action, action),
        role_labels=ROLE_LABELS,
        Role=Role,
    )
    app.jinja_env.filters.update(
        mask_id=rules.mask_resident_id,
        mask_mobile=rules.mask_mobile,
    )
