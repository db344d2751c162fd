"""Plain factory functions; each commits so the test client sees the rows."""

import itertools

from stdnum.cn import uscc

from portal.extensions import db
from portal.models import Organisation, OrgKind, ReviewState, Role, User
from portal.services.passwords import hash_password

_seq = itertools.count(1)
PASSWORD = "Secret-pass-1"


def credit_code(district: str = "110105") -> str:
    """A valid unified social credit code registered in `district`."""
    body = f"9{1}{district}MA{next(_seq):07d}"
    return body + uscc.calc_check_digit(body)


def make_org(kind: OrgKind = OrgKind.ENTERPRISE, district: str = "110105",
             status: ReviewState = ReviewState.DRAFT, **fields) -> Organisation:
    n = next(_seq)
    values = dict(
        kind=kind, name=f"测试单位{n}", credit_code=credit_code(district),
        district_code=district, address="北京市测试路1号", contact_name="王五",
        contact_phone="13800138000", status=status, size="small",
        attests_training_system=True,
    )
    values.update(fields)
    org = Organisation(**values)
    db.session.add(org)
    db.session.commit()
    return org


def make_user(role: Role, *, district: str | None = None, org: Organisation | None = None,
              username: str | None = None, **fields) -> User:
    user = User(
        username=username or f"{role.value}{next(_seq)}",
        password_hash=hash_password(PASSWORD),
        role=role,
        display_name=f"{role.label}用户",
        district_code=district if role == Role.DISTRICT else None,
        org_id=org.id if org is not None else None,
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_org_user(kind: OrgKind = OrgKind.ENTERPRISE, district: str = "110105",
                  status: ReviewState = ReviewState.DRAFT) -> User:
    org = make_org(kind, district, status)
    return make_user(Role(kind.value), org=org)
