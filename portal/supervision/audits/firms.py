"""The centre registers an audit firm (第三方机构) and its accounts (AP-V4, HS-W10).

A firm is approved on creation (the centre commissions it: no review), and its accounts
start with a password the centre hands over and the auditor must change at first login.
"""

import sqlalchemy as sa

from portal import rules
from portal.accounts.password_policy import password_problems
from portal.accounts.passwords import hash_password
from portal.core import audit
from portal.core.errors import NotAllowed, ServiceError
from portal.extensions import db
from portal.models import Organisation, OrgKind, ReviewState, Role, User


def _centre_only(actor) -> None:
    if actor.role != Role.CENTER:
        raise NotAllowed("只有市就业促进中心可以管理第三方机构（规则 AP-V4）")


def _flush_unique(message: str) -> None:
    # The caller's rollback (commit_or_refuse) undoes the failed flush.
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        raise ServiceError(message) from None


def create_firm(actor, *, name: str, credit_code: str, district_code: str,
                contact_name: str = "", contact_phone: str = "") -> Organisation:
    _centre_only(actor)
    code = rules.normalise_identifier(credit_code or "")
    if not rules.is_valid_credit_code(code):
        raise ServiceError("统一社会信用代码无效（规则 C-ID2）")
    firm = Organisation(kind=OrgKind.AUDIT_FIRM, name=name.strip(), credit_code=code,
                        district_code=district_code, contact_name=contact_name.strip(),
                        contact_phone=(contact_phone or "").strip(),
                        state=ReviewState.APPROVED, size=None)
    db.session.add(firm)
    _flush_unique("该统一社会信用代码已登记")
    audit.record(actor, "organisation", firm.id, "create_audit_firm",
                 to_state=ReviewState.APPROVED, comment=firm.name)
    return firm


def add_account(actor, firm: Organisation, *, username: str, display_name: str,
                password: str) -> User:
    """An auditor account of `firm`; it must change the password at first login."""
    _centre_only(actor)
    if firm.kind != OrgKind.AUDIT_FIRM:
        raise ServiceError("只能为第三方机构开设审计账号")
    problems = password_problems(password, Role.AUDITOR, username)
    if problems:
        raise ServiceError("；".join(problems))
    user = User(username=username.strip(), password_hash=hash_password(password),
                role=Role.AUDITOR, display_name=display_name.strip() or firm.name,
                org_id=firm.id, must_change_password=True)
    db.session.add(user)
    _flush_unique("该用户名已被使用")
    audit.record(actor, "user", user.id, "create_auditor", comment=firm.name)
    return user


def firm_accounts(firm_ids: list[int]) -> dict[int, list[User]]:
    """Accounts per firm, for a page of firms, in one query."""
    by_firm: dict[int, list[User]] = {i: [] for i in firm_ids}
    if firm_ids:
        for user in db.session.scalars(sa.select(User).where(User.org_id.in_(firm_ids))
                                       .order_by(User.id)):
            by_firm[user.org_id].append(user)
    return by_firm
