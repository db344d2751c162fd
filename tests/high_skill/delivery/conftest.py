"""Fixtures of the delivery tests: one logged-in browser per person, and a filed project of an
enterprise host with two listed trainees who have phone accounts."""

import pytest

from tests.factories import log_in
from tests.high_skill.factories_delivery import make_host_user, make_hs_trainee, make_project


@pytest.fixture
def client_for(app, client):
    """A fresh test client logged in as `user` (one browser per person)."""

    def _client(user):
        return log_in(app.test_client(), user)

    return _client


@pytest.fixture
def hs(db):
    class World:
        pass

    w = World()
    w.host_user = make_host_user()
    w.project = make_project(w.host_user)
    w.trainees = [make_hs_trainee(w.project), make_hs_trainee(w.project)]
    return w
