"""third-party audits and performance evaluations (issue 14)

Revision ID: c1a2e0b7d402
Revises: c1a2e0b7d401
Create Date: 2026-12-03 10:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1a2e0b7d402'
down_revision = 'c1a2e0b7d401'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('(programme_id IS NULL) != (year IS NULL)', name=op.f('ck_audit_grant_programme_or_year')),
    sa.ForeignKeyConstraint(['firm_id'], ['organisation.id'], name=op.f('fk_audit_grant_firm_id_organisation')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user.id'], name=op.f('fk_audit_grant_granted_by_id_user')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_audit_grant_programme_id_programme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_grant'))
    )
    with op.batch_alter_table('audit_grant', schema=None) as batch_op:
        batch_op.create_index('ix_audit_grant_firm_open', ['firm_id', 'revoked_at'], unique=False)

    op.create_table('audit_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('firm_id', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('audited_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['firm_id'], ['organisation.id'], name=op.f('fk_audit_result_firm_id_organisation')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_audit_result_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_audit_result_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_result')),
    sa.UniqueConstraint('organisation_id', 'year', name=op.f('uq_audit_result_organisation_id_year'))
    )
    op.create_table('evaluation_indicator',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_indicator')),
    sa.UniqueConstraint('code', name=op.f('uq_evaluation_indicator_code'))
    )
    op.create_table('evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('conclusion', sa.String(length=16), nullable=False),
    sa.Column('vetoed', sa.Boolean(), nullable=False),
    sa.Column('veto_reason', sa.String(length=500), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('evaluated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_evaluation_district_code_district')),
    sa.ForeignKeyConstraint(['evaluated_by_id'], ['user.id'], name=op.f('fk_evaluation_evaluated_by_id_user')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_evaluation_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation')),
    sa.UniqueConstraint('organisation_id', 'year', 'level', name=op.f('uq_evaluation_organisation_id_year_level'))
    )
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_district_code'), ['district_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('evaluation_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['evaluation.id'], name=op.f('fk_evaluation_score_evaluation_id_evaluation')),
    sa.ForeignKeyConstraint(['indicator_id'], ['evaluation_indicator.id'], name=op.f('fk_evaluation_score_indicator_id_evaluation_indicator')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_score')),
    sa.UniqueConstraint('evaluation_id', 'indicator_id', name=op.f('uq_evaluation_score_evaluation_id_indicator_id'))
    )
    with op.batch_alter_table('evaluation_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_score_evaluation_id'), ['evaluation_id'], unique=False)

    _checks(NEW_CHECKS)
    # AP-V4: the centre's default indicator list (a setting it edits afterwards).
    indicator = sa.table('evaluation_indicator', sa.column('code', sa.String),
                         sa.column('name', sa.String), sa.column('max_score', sa.Integer),
                         sa.column('position', sa.Integer), sa.column('active', sa.Boolean))
    op.bulk_insert(indicator, [
        {"code": code, "name": name, "max_score": score, "position": i, "active": True}
        for i, (code, name, score) in enumerate(DEFAULT_INDICATORS, start=1)])


def downgrade():
    _checks(OLD_CHECKS)
    with op.batch_alter_table('audit_grant', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_grant_firm_open')

    op.drop_table('audit_grant')
    with op.batch_alter_table('evaluation_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_score_evaluation_id'))

    op.drop_table('evaluation_score')
    with op.batch_alter_table('evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_district_code'))

    op.drop_table('evaluation')
    op.drop_table('audit_result')
    op.drop_table('evaluation_indicator')


# The indicator list the centre starts from (AP-V4), 100 points in all.
DEFAULT_INDICATORS = (
    ("E1", "组织管理（领导重视、制度健全、专人负责）", 15),
    ("E2", "培训实施（计划执行、课程与学时落实）", 25),
    ("E3", "双导师带徒（企业导师与院校教师履职）", 15),
    ("E4", "学籍与考勤管理（实名签到、异动及时）", 15),
    ("E5", "培训成效（考核合格率、取得证书情况）", 20),
    ("E6", "资金使用（补贴申领规范、专款专用）", 10),
)


def _in(column, *values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


# The auditor role and the audit firm kind (issue 14): an auditor belongs to its firm.
_ROLES = ("enterprise", "institution", "district", "center", "trainee", "expert", "host")
OLD_CHECKS = {
    "organisation": {"ck_organisation_orgkind": _in("kind", "enterprise", "institution", "host")},
    "user": {
        "ck_user_role": _in("role", *_ROLES),
        "ck_user_org_user_has_org":
            "role NOT IN ('enterprise', 'institution', 'host') OR org_id IS NOT NULL",
    },
}
NEW_CHECKS = {
    "organisation": {"ck_organisation_orgkind":
                     _in("kind", "enterprise", "institution", "host", "audit_firm")},
    "user": {
        "ck_user_role": _in("role", *_ROLES, "auditor"),
        "ck_user_org_user_has_org":
            "role NOT IN ('enterprise', 'institution', 'host', 'auditor') OR org_id IS NOT NULL",
    },
}


def _checks(checks):
    for table, named in checks.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, sql in named.items():
                batch_op.drop_constraint(op.f(name), type_="check")
                batch_op.create_check_constraint(op.f(name), sql)
