import pytest

from tests.factories import use_tmp_uploads
from tests.programme_factories import approved_enterprise_user


@pytest.fixture
def owner(login, app, tmp_path):
    """A confirmed enterprise's user, logged in (uploads go to the test's tmp_path)."""
    use_tmp_uploads(app, tmp_path)
    user = approved_enterprise_user()
    login(user)
    return user
