"""Review tests start from the default rubric (HS-W3), as seed-demo leaves it."""

import pytest

# The browser fixtures live with the browser tests; this area's phone test borrows them.
from tests.browser.conftest import browser, live_server, phone  # noqa: F401
from tests.high_skill.factories_review import default_rubric


@pytest.fixture
def criteria(app):
    return default_rubric()
