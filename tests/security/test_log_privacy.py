"""C-PII in logs (issue 15 item 4): a database error quoting a person's row, logged by the
app's 500 handler, reaches the log with the ID number and mobile masked."""

import logging

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.extensions import db as _db
from tests.conftest import _config

RESIDENT_ID = "11010519990101123X"
MOBILE = "13912345678"


@pytest.fixture
def failing_app(database_uri, tmp_path):
    app = create_app({**_config(database_uri), "UPLOAD_DIR": str(tmp_path / "uploads"),
                      "PROPAGATE_EXCEPTIONS": False})

    @app.get("/__fail")
    def fail():
        # A unique-key violation on the person table: the driver's message quotes the row.
        insert = sa.text("INSERT INTO apprentice (name, resident_id, mobile, created_at, "
                         "updated_at) VALUES ('张三', :rid, :mobile, :now, :now)")
        values = {"rid": RESIDENT_ID, "mobile": MOBILE, "now": "2026-12-02 00:00:00"}
        _db.session.execute(insert, values)
        _db.session.execute(insert, values)
        return "unreachable"

    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


def test_C_PII_database_error_in_the_log_is_masked(failing_app, caplog):
    with caplog.at_level(logging.ERROR):
        response = failing_app.test_client().get("/__fail")
    assert response.status_code == 500
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert "IntegrityError" in text  # the error itself is logged, with its traceback
    assert RESIDENT_ID not in text and MOBILE not in text
    assert "110105********123X" in text or "parameters hidden" in text


def test_C_PII_every_logger_masks_ids_and_mobiles(caplog):
    """Whoever logs (a library, gunicorn, a print-style message): masked at record creation."""
    import portal.core.log_privacy as log_privacy

    log_privacy.install()
    with caplog.at_level(logging.INFO):
        logging.getLogger("some.library").info("lookup %s / %s failed", RESIDENT_ID, MOBILE)
    assert RESIDENT_ID not in caplog.text and MOBILE not in caplog.text
    assert "110105********123X" in caplog.text and "139****5678" in caplog.text


def test_C_PII_log_masking_spares_longer_numbers():
    from portal.rules import mask_pii_text

    voucher = "JZ2026120212345678901234"
    assert mask_pii_text(f"凭证 {voucher}") == f"凭证 {voucher}"
    assert mask_pii_text("id=11010519990101123x;") == "id=110105********123x;"
