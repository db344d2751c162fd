"""Flask CLI commands: reference data and demo data, both idempotent."""

import click
import sqlalchemy as sa

from portal import demo_data, rules
from portal.accounts.passwords import hash_password
from portal.core import audit
from portal.demo_story import seed_story
from portal.extensions import db
from portal.models import (
    Apprentice,
    CatalogueItem,
    CatalogueKind,
    CatalogueVersion,
    District,
    Enrolment,
    EnrolmentState,
    Mentor,
    MentorKind,
    Occupation,
    Organisation,
    OrgKind,
    ParameterValue,
    Programme,
    ReviewState,
    Role,
    TrainingAgreement,
    User,
)
from portal.models.base import utcnow
from portal.money.accounts import open_account
from portal.reference import DISTRICTS


def seed_reference() -> None:
    existing = set(db.session.scalars(sa.select(District.code)))
    for order, (code, name) in enumerate(DISTRICTS):
        if code not in existing:
            db.session.add(District(code=code, name=name, sort_order=order))
    _seed_dated_parameters()
    db.session.flush()


def _seed_dated_parameters() -> None:
    """C-EFF, AP-E6: the dated values of the rules layer as rows the centre's page lists.

    `parameters_on` already falls back to them; the rows show where a figure came from.
    A date that has a row (seeded, or entered by the centre) is left alone.
    """
    stored = set(db.session.execute(sa.select(ParameterValue.key, ParameterValue.effective_from)))
    for spec in rules.PARAMETERS:
        for since, value in spec.history:
            if (spec.key, since) not in stored:
                db.session.add(ParameterValue(key=spec.key, effective_from=since, value=value,
                                              note=f"{spec.rule_id} 规则目录所载数值（系统预置）"))


def _seed_catalogue() -> dict[str, Occupation]:
    by_code = {o.code: o for o in db.session.scalars(sa.select(Occupation))}
    for code, name, levels, *_flags in demo_data.OCCUPATIONS:
        if code not in by_code:
            by_code[code] = Occupation(code=code, name=name, levels=levels, is_demo=True)
            db.session.add(by_code[code])
    db.session.flush()
    flag_index = {CatalogueKind.URGENT: 3, CatalogueKind.ASSESSMENT_SCOPE: 4,
                  CatalogueKind.PROHIBITED: 5}
    for kind, index in flag_index.items():
        exists = db.session.scalar(
            sa.select(CatalogueVersion.id).where(
                CatalogueVersion.kind == kind,
                CatalogueVersion.effective_from == demo_data.CATALOGUE_SINCE,
            )
        )
        if exists:
            continue
        version = CatalogueVersion(kind=kind, effective_from=demo_data.CATALOGUE_SINCE,
                                   note="演示数据")
        version.items = [CatalogueItem(occupation_id=by_code[row[0]].id)
                         for row in demo_data.OCCUPATIONS if row[index]]
        db.session.add(version)
    db.session.flush()
    return by_code


def _user(username: str, role: Role, display_name: str, **extra) -> None:
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        return
    db.session.add(User(username=username, role=role, display_name=display_name,
                        password_hash=hash_password(demo_data.DEMO_PASSWORD), **extra))


def seed_demo() -> None:
    seed_reference()
    occupations = _seed_catalogue()
    for username, role, name, district in demo_data.STAFF:
        _user(username, Role(role), name, district_code=district)
    for username, kind, name, district, code in demo_data.ORGANISATIONS:
        org = db.session.scalar(sa.select(Organisation).where(Organisation.credit_code == code))
        if org is None:
            org = Organisation(
                kind=OrgKind(kind), name=name, credit_code=code, district_code=district,
                address="北京市（演示地址）", contact_name="联系人（演示）",
                contact_phone="13800000000", state=ReviewState.APPROVED, size="medium",
                attests_training_system=True, institution_type="technical_school",
                independent_legal_person=kind == "institution", attests_conditions=True,
            )
            if kind == "institution":
                org.licence_no = "京人社技许字（演示）001"
                org.licence_authority = "北京市人力资源和社会保障局"
                org.licence_valid_from = demo_data.CATALOGUE_SINCE
                org.licensed_occupations = [occupations[row[0]] for row in demo_data.OCCUPATIONS
                                            if not row[5]]
            else:
                org.institution_type = None
            if kind == "host":
                org.host_type, org.independent_legal_person, org.size = "university", True, None
            db.session.add(org)
            db.session.flush()
        _user(username, Role(kind), name, org_id=org.id)
    _user(demo_data.TRAINEE[0], Role.TRAINEE, demo_data.TRAINEE[1])
    expert, name, employer = demo_data.EXPERT_AT_INSTITUTION
    _user(expert, Role.EXPERT, name, org_id=db.session.scalar(
        sa.select(User.org_id).where(User.username == employer)))
    db.session.flush()
    _seed_programmes(occupations)
    _seed_student_record()
    db.session.flush()
    seed_story()


def _seed_programmes(occupations: dict[str, Occupation]) -> None:
    orgs = {u.username: u.org_id for u in db.session.scalars(
        sa.select(User).where(User.username.in_([row[0] for row in demo_data.ORGANISATIONS])))}
    institution_id = orgs["jigou"]
    for username, code, level, state, start in demo_data.PROGRAMMES:
        enterprise = db.session.get(Organisation, orgs[username])
        occupation = occupations[code]
        if db.session.scalar(sa.select(Programme.id).where(
                Programme.enterprise_id == enterprise.id,
                Programme.occupation_id == occupation.id)):
            continue
        months = rules.standard_duration_years(level) * 12
        hours = rules.required_credits(level) * rules.HOURS_PER_CREDIT
        programme = Programme(
            enterprise_id=enterprise.id, institution_id=institution_id,
            district_code=enterprise.district_code, occupation_id=occupation.id, level=level,
            planned_count=30, start_date=start, duration_months=months,
            general_hours=hours // 10, theory_hours=hours * 3 // 10, practice_hours=hours * 6 // 10,
            centralised_hours=hours * 4 // 10, on_job_hours=hours * 6 // 10,
            delivery_modes="face_to_face,on_the_job", textbooks="《演示教材》（演示数据）",
            state=ReviewState(state), institution_confirmed_at=utcnow(),
            submitted_at=None if state == "draft" else utcnow(),
        )
        db.session.add(programme)
        db.session.flush()
        if state in demo_data.PROGRAMME_DECISIONS:
            decision = "return" if state == "returned" else "reject"
            audit.record(_demo_reviewer(enterprise), "programme", programme.id, decision,
                         from_state=ReviewState.SUBMITTED, to_state=state,
                         comment=demo_data.PROGRAMME_DECISIONS[state])
    db.session.flush()


def _demo_reviewer(enterprise: Organisation) -> User | None:
    return db.session.scalar(sa.select(User).where(User.role == Role.DISTRICT,
                                                   User.district_code == enterprise.district_code))


def _seed_student_record() -> None:
    """The demo trainee holds an established record with both mentors (AP-M1, AP-A1, AP-W2)."""
    if db.session.scalar(sa.select(Apprentice.id).where(
            Apprentice.resident_id == demo_data.TRAINEE_RESIDENT_ID)):
        return
    orgs = {u.username: u.org_id for u in db.session.scalars(sa.select(User).where(
        User.username.in_([row[0] for row in demo_data.ORGANISATIONS])))}
    programme = db.session.scalar(sa.select(Programme).where(
        Programme.enterprise_id == orgs["qiye"], Programme.state == ReviewState.APPROVED))
    trainee = db.session.scalar(sa.select(User).where(User.username == demo_data.TRAINEE[0]))
    mentors = {}
    for username, kind, name in demo_data.MENTORS:
        mentors[kind] = Mentor(org_id=orgs[username], kind=MentorKind(kind), name=name,
                               skill_level="technician", can_guide_practice=True,
                               years_practice=8, has_teaching_experience=True,
                               years_teaching=6, attests_ethics=True)
        db.session.add(mentors[kind])
    agreement = TrainingAgreement(programme_id=programme.id, signed_on=programme.start_date,
                                  note="演示数据")
    apprentice = Apprentice(name="张三", resident_id=demo_data.TRAINEE_RESIDENT_ID,
                            mobile=demo_data.TRAINEE_MOBILE, user_id=trainee.id)
    db.session.add_all([agreement, apprentice])
    db.session.flush()
    enrolment = Enrolment(
        programme_id=programme.id, apprentice_id=apprentice.id,
        enterprise_id=programme.enterprise_id, district_code=programme.district_code,
        contract_start=programme.start_date, contract_end=None, insured_in_beijing=True,
        hire_type="new_hire", monthly_wage=6500,
        enterprise_mentor_id=mentors["enterprise"].id, teacher_id=mentors["teacher"].id,
        agreement_id=agreement.id, state=EnrolmentState.ACTIVE,
        submitted_at=utcnow(), decided_at=utcnow(), established_on=programme.start_date,
        urgent=True, in_assessment_scope=True,
    )
    db.session.add(enrolment)
    programme.enrolled_count += 1
    db.session.flush()
    open_account(enrolment, programme)  # AP-$4: as establishment through the review does


def seed_city(apprentices: int, seed: int) -> dict:
    """Reference data, the demo catalogue, then a generated city (portal.city)."""
    from portal.city.generate import seed_scale

    seed_reference()
    _seed_catalogue()
    db.session.commit()
    return seed_scale(apprentices, seed)


def init_app(app) -> None:
    from portal.core import jobs

    jobs.init_app(app)  # flask jobs-worker

    @app.cli.command("seed-reference")
    def seed_reference_command():
        """Load the 16 districts and 经开区 (safe to run again)."""
        seed_reference()
        db.session.commit()
        click.echo("reference data loaded")

    @app.cli.command("seed-scale")
    @click.option("--apprentices", default=30_000, show_default=True, type=click.IntRange(40))
    @click.option("--seed", default=1, show_default=True, type=int)
    def seed_scale_command(apprentices: int, seed: int):
        """A generated city for benchmarks (never in production; only on an empty database)."""
        if app.config.get("PORTAL_ENV") == "production":
            raise click.ClickException("生产环境不能载入规模测试数据（PORTAL_ENV=production）")
        if db.session.scalar(sa.select(User.id).where(User.username == "s-center")):
            raise click.ClickException("数据库中已有规模测试数据；请换一个空数据库")
        summary = seed_city(apprentices, seed)
        for table, rows in sorted(summary["counts"].items()):
            click.echo(f"{table:24} {rows:>9,}")
        click.echo(f"accounts: s-center, s-<district code>, s-org-<organisation id>, "
                   f"s-t-<apprentice id>; password {summary['password']}")
        click.echo(f"朝阳区 busiest approved programme: {summary['chaoyang_programme']}; "
                   f"sessions today: {summary['today_sessions']}")

    @app.cli.command("apply-due-changes")
    @click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="the day to apply for (default: today in Beijing)")
    def apply_due_changes_command(day):
        """AP-P2: apply the approved changes of status whose effective date has come (daily)."""
        from portal.apprenticeship.status.effects import apply_due

        applied, failed = apply_due(day.date() if day else None)
        click.echo(f"applied {applied} change(s) of status; {failed} could not be applied")

    @app.cli.command("notify-deadlines")
    @click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="the day to sweep for (default: today in Beijing)")
    def notify_deadlines_command(day):
        """HS-W4, HS-W8: remind hosts of filings due within 7 days or overdue, once each (daily)."""
        from portal.clock import today
        from portal.reports.notifications.deadlines import sweep

        written = sweep(day.date() if day else today())
        db.session.commit()
        click.echo(f"wrote {written} deadline reminder(s)")

    @app.cli.command("grant-app-role")
    @click.argument("role")
    def grant_app_role_command(role: str):
        """PostgreSQL: give ROLE (the portal's login, owning nothing) its rights; the audit
        log only SELECT and INSERT. Run as the schema owner after `db upgrade`."""
        from portal.core import pg_roles

        with db.engine.begin() as conn:
            statements = pg_roles.grant_app_role(conn, role)
        click.echo(f"{len(statements)} grants for {role}; audit_log: SELECT, INSERT only")

    @app.cli.command("remove-unused-uploads")
    @click.option("--days", default=30, show_default=True, type=click.IntRange(1))
    def remove_unused_uploads_command(days: int):
        """Delete uploaded files no record refers to, older than DAYS (run daily)."""
        from datetime import timedelta

        from portal.core import files as file_retention

        removed = file_retention.remove_orphans(timedelta(days=days))
        click.echo(f"removed {removed} unused upload(s) older than {days} days")

    @app.cli.command("audit-verify")
    def audit_verify_command():
        """C-AUD: recompute the audit log's chain; non-zero exit and the first broken row."""
        from portal.core import audit_chain

        with db.engine.connect() as conn:
            result = audit_chain.verify(conn, audit_chain._key())
        if result.ok:
            click.echo(f"audit log intact: {result.checked} rows checked")
            return
        where = f" at row id {result.broken_id}" if result.broken_id else ""
        click.echo(f"audit log BROKEN{where} after {result.checked} intact rows: "
                   f"{result.problem}", err=True)
        raise SystemExit(1)

    @app.cli.command("audit-seal")
    def audit_seal_command():
        """C-AUD: chain audit rows written before the chain existed or by bulk inserts."""
        from portal.core import audit_chain

        with db.engine.begin() as conn:
            sealed = audit_chain.seal_unsealed(conn, audit_chain._key())
        click.echo(f"sealed {sealed} audit rows")

    @app.cli.command("backup")
    @click.argument("path")
    def backup_command(path: str):
        """Back up the database and the uploaded files into the new directory PATH."""
        from portal.core import backup

        try:
            manifest = backup.backup(db.engine, app.config["UPLOAD_DIR"], path)
        except backup.BackupError as err:
            raise click.ClickException(str(err)) from err
        click.echo(f"backup written to {path}: {len(manifest['files'])} files, "
                   f"schema {manifest['revision']}")

    @app.cli.command("restore")
    @click.argument("path")
    @click.option("--yes", is_flag=True, help="replace the current data without asking")
    def restore_command(path: str, yes: bool):
        """Replace the database and the uploaded files with the backup in PATH."""
        from portal.core import backup

        if not yes:
            click.confirm("这将用备份替换当前数据库和全部上传文件，是否继续？", abort=True)
        try:
            manifest = backup.restore(db.engine, app.config["UPLOAD_DIR"], path)
        except backup.BackupError as err:
            raise click.ClickException(str(err)) from err
        click.echo(f"restored {path} (created {manifest['created_at']}, "
                   f"schema {manifest['revision']})")

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load reference data, a demo catalogue, demo users and the demo's living records."""
        if app.config.get("PORTAL_ENV") == "production":
            raise click.ClickException("生产环境不能载入演示数据（PORTAL_ENV=production）")
        seed_demo()
        db.session.commit()
        click.echo(f"demo data loaded; every demo account's password is {demo_data.DEMO_PASSWORD}")
