"""`flask seed-demo`: reference data, demo catalogue and one user per role; idempotent."""

import re

import sqlalchemy as sa

from portal import rules
from portal.models import (
    CatalogueKind,
    CatalogueVersion,
    District,
    Occupation,
    Organisation,
    Role,
    User,
)


def _counts(db):
    return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (District, Occupation, CatalogueVersion, Organisation, User)}


def test_C_DIST_seed_demo_loads_16_districts_and_the_development_zone(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    codes = set(db.session.scalars(sa.select(District.code)))
    assert {f"1101{n:02d}" for n in (1, 2, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19)} <= codes
    assert "110302" in codes and len(codes) == 17


def test_seed_demo_is_idempotent_and_complete(app, db):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    first = _counts(db)
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert _counts(db) == first
    roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == set(Role)


def test_AP_P5_demo_catalogue_has_30_coded_occupations_in_every_list(app, db):
    app.test_cli_runner().invoke(args=["seed-demo"])
    occupations = db.session.scalars(sa.select(Occupation)).all()
    assert len(occupations) >= 30
    assert all(re.fullmatch(r"\d-\d\d-\d\d-\d\d", o.code) for o in occupations)
    assert all(o.is_demo for o in occupations)
    assert all(set(o.level_list) <= set(rules.LEVELS) for o in occupations)
    kinds = set(db.session.scalars(sa.select(CatalogueVersion.kind)))
    assert kinds == set(CatalogueKind)


def test_demo_accounts_can_log_in(app, client, db):
    app.test_cli_runner().invoke(args=["seed-demo"])
    from portal.demo_data import DEMO_PASSWORD

    response = client.post("/login", data={"username": "chaoyang", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert "演示" in client.get("/district/").get_data(as_text=True)


def test_AP_W1_demo_programmes_meet_the_plan_rules(app, db):
    from portal.apprenticeship.programmes import services as programmes
    from portal.models import Programme

    app.test_cli_runner().invoke(args=["seed-demo"])
    demo = db.session.scalars(sa.select(Programme)).all()
    assert len(demo) >= 4
    for programme in demo:
        enterprise = db.session.get(Organisation, programme.enterprise_id)
        assert programmes.check_plan(programmes.plan_data_of(programme), enterprise).problems == []


def test_AP_M1_demo_trainee_holds_an_established_record(app, client, db):
    from portal.apprenticeship.enrolment import services as enrolments
    from portal.apprenticeship.mentors import services as mentors
    from portal.demo_data import DEMO_PASSWORD
    from portal.models import Enrolment, EnrolmentState, Programme

    app.test_cli_runner().invoke(args=["seed-demo"])
    enrolment = db.session.scalar(sa.select(Enrolment))
    assert enrolment.state == EnrolmentState.ACTIVE and enrolment.agreement_id
    assert mentors.mentor_problems(enrolment) == []
    assert enrolments.seats_in_use(enrolment.programme_id) == db.session.get(
        Programme, enrolment.programme_id).enrolled_count
    client.post("/login", data={"username": "xueyuan", "password": DEMO_PASSWORD})
    assert "我的学分" in client.get("/m/").get_data(as_text=True)
