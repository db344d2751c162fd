"""Fixtures of the training tests: one logged-in browser per person, and a programme in
training with its teacher, its enterprise and one trainee."""

import pytest

from portal.models import ReviewState
from tests.enrolment_factories import make_enrolment, programme_parties, trainee_of
from tests.factories import log_in
from tests.programme_factories import make_programme


@pytest.fixture
def client_for(app, client):
    """A fresh test client logged in as `user` (one browser per person)."""

    def _client(user):
        return log_in(app.test_client(), user)

    return _client


@pytest.fixture
def world(db):
    """An approved programme, its two parties' users and one trainee in training."""
    programme = make_programme(state=ReviewState.APPROVED)
    enterprise_user, institution_user = programme_parties(programme)
    enrolment = make_enrolment(programme=programme)

    class World:
        pass

    w = World()
    w.programme, w.enterprise_user, w.institution_user = programme, enterprise_user, institution_user
    w.enrolment, w.trainee = enrolment, trainee_of(enrolment)
    return w
