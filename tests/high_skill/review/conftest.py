"""Review tests start from the default rubric (HS-W3), as seed-demo leaves it."""

import pytest

from tests.high_skill.factories_review import default_rubric


@pytest.fixture
def criteria(app):
    return default_rubric()
