"""Plain factory functions; each commits so the test client sees the rows."""

import itertools

from stdnum.cn import uscc

from portal.accounts.passwords import hash_password
from portal.extensions import db
from portal.models import Organisation, OrgKind, ReviewState, Role, User

_seq = itertools.count(1)
PASSWORD = "Secret-pass-1"


def credit_code(district: str = "110105") -> str:
    """A valid unified social credit code registered in `district`."""
    body = f"9{1}{district}MA{next(_seq):07d}"
    return body + uscc.calc_check_digit(body)


def make_org(kind: OrgKind = OrgKind.ENTERPRISE, district: str = "110105",
             state: ReviewState = ReviewState.DRAFT, **fields) -> Organisation:
    n = next(_seq)
    values = dict(
        kind=kind, name=f"测试单位{n}", credit_code=credit_code(district),
        district_code=district, address="北京市测试路1号", contact_name="王五",
        contact_phone="13800138000", state=state, size="small",
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
                  state: ReviewState = ReviewState.DRAFT) -> User:
    org = make_org(kind, district, state)
    return make_user(Role(kind.value), org=org)


# --- Organisations' files and the institution catalogue (AP-N1, AP-I2, AP-I4) -----------

# Real, minimal files: `filetype` recognises them by content, as the upload check does.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _png() -> bytes:
    import struct
    import zlib

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


PNG_BYTES = _png()


def upload(data: bytes = PDF_BYTES, name: str = "营业执照.pdf"):
    """A value for a file field in `client.post(data=...)` (the client sends multipart)."""
    import io

    return (io.BytesIO(data), name)


def use_tmp_uploads(app, path) -> None:
    """Point UPLOAD_DIR at a test's tmp_path so tests never write into instance/."""
    app.config["UPLOAD_DIR"] = str(path / "uploads")


def make_occupation(name: str | None = None, code: str | None = None):
    from portal.models import Occupation

    n = next(_seq)
    occupation = Occupation(code=code or f"6-{n // 10000 % 100:02d}-{n // 100 % 100:02d}-{n % 100:02d}",
                            name=name or f"测试职业{n}", levels="intermediate,advanced")
    db.session.add(occupation)
    db.session.commit()
    return occupation


def make_institution(district: str = "110105", state: ReviewState = ReviewState.APPROVED,
                     occupations=(), valid_from=None, valid_to=None, **fields) -> Organisation:
    """An institution with a licence (default valid 2020-01-01, no end) covering `occupations`."""
    from datetime import date

    org = make_org(
        OrgKind.INSTITUTION, district, state, size=None, attests_training_system=False,
        institution_type=fields.pop("institution_type", "technical_school"),
        independent_legal_person=True, attests_conditions=True,
        licence_no=f"京人社民{next(_seq):06d}", licence_authority="北京市人力资源和社会保障局",
        licence_valid_from=valid_from or date(2020, 1, 1), licence_valid_to=valid_to, **fields,
    )
    if occupations:
        from portal.models import institution_occupation

        db.session.execute(institution_occupation.insert(),
                           [{"org_id": org.id, "occupation_id": o.id} for o in occupations])
        db.session.commit()
    return org


def make_document(org: Organisation, data: bytes = PDF_BYTES, name: str = "营业执照.pdf",
                  set_as_licence: bool = True):
    """Store `data` as `org`'s licence through the real upload service."""
    from werkzeug.datastructures import FileStorage

    from portal.core import files as documents
    from portal.models import DocumentKind

    kind = DocumentKind.BUSINESS_LICENCE if org.is_enterprise else DocumentKind.SCHOOL_LICENCE
    file = FileStorage(stream=upload(data, name)[0], filename=name)
    doc = documents.store(None, file, kind, org)
    if set_as_licence:
        org.licence_document_id = doc.id
    db.session.commit()
    return doc


def log_in(client, user, password: str = PASSWORD):
    """`user` logs in through the real login form on `client`; returns the client."""
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
