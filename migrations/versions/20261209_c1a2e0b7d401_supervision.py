"""supervision: inspections, samples, summons, rectification orders, fraud cases (issue 14)

Revision ID: c1a2e0b7d401
Revises: 5b1e7c3a9d42
Create Date: 2026-12-03 10:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1a2e0b7d401'
down_revision = '5b1e7c3a9d42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inspection_sample',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=True),
    sa.Column('candidates', sa.Integer(), nullable=False),
    sa.Column('drawn_on', sa.Date(), nullable=False),
    sa.Column('drawn_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_inspection_sample_district_code_district')),
    sa.ForeignKeyConstraint(['drawn_by_id'], ['user.id'], name=op.f('fk_inspection_sample_drawn_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_sample'))
    )
    with op.batch_alter_table('inspection_sample', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_sample_district_code'), ['district_code'], unique=False)

    op.create_table('inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('video', 'onsite', name='inspectionkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('inspected_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=200), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('result', sa.Enum('clear', 'problems', 'serious', name='inspectionresult', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=True),
    sa.Column('notified_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_inspection_district_code_district')),
    sa.ForeignKeyConstraint(['inspector_id'], ['user.id'], name=op.f('fk_inspection_inspector_id_user')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_inspection_programme_id_programme')),
    sa.ForeignKeyConstraint(['sample_id'], ['inspection_sample.id'], name=op.f('fk_inspection_sample_id_inspection_sample')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection'))
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index('ix_inspection_district_date', ['district_code', 'inspected_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_programme_id'), ['programme_id'], unique=False)

    op.create_table('inspection_sample_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_inspection_sample_item_programme_id_programme')),
    sa.ForeignKeyConstraint(['sample_id'], ['inspection_sample.id'], name=op.f('fk_inspection_sample_item_sample_id_inspection_sample')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_sample_item')),
    sa.UniqueConstraint('sample_id', 'programme_id', name=op.f('uq_inspection_sample_item_sample_id_programme_id'))
    )
    with op.batch_alter_table('inspection_sample_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_sample_item_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_sample_item_sample_id'), ['sample_id'], unique=False)

    op.create_table('inspection_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_inspection_photo_document_id_document')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_inspection_photo_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_photo')),
    sa.UniqueConstraint('inspection_id', 'document_id', name=op.f('uq_inspection_photo_inspection_id_document_id'))
    )
    with op.batch_alter_table('inspection_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_photo_inspection_id'), ['inspection_id'], unique=False)
    # AP-V1: inspection photos are documents of their own kind.
    _document_kinds(_DOCUMENT_KINDS + ("inspection_photo",))

    op.create_table('summons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('attendees', sa.String(length=500), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('held', 'corrected', 'reported', name='summonsstate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_summons_district_code_district')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_summons_inspection_id_inspection')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_summons_programme_id_programme')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_summons_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user.id'], name=op.f('fk_summons_reported_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summons'))
    )
    with op.batch_alter_table('summons', schema=None) as batch_op:
        batch_op.create_index('ix_summons_district_state', ['district_code', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_summons_programme_id'), ['programme_id'], unique=False)

    op.create_table('rectification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('summons_id', sa.Integer(), nullable=True),
    sa.Column('ordered_on', sa.Date(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('order_text', sa.Text(), nullable=False),
    sa.Column('ordered_by_id', sa.Integer(), nullable=True),
    sa.Column('lifted_on', sa.Date(), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lift_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('deadline >= ordered_on', name=op.f('ck_rectification_deadline_after_order')),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_rectification_district_code_district')),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['user.id'], name=op.f('fk_rectification_lifted_by_id_user')),
    sa.ForeignKeyConstraint(['ordered_by_id'], ['user.id'], name=op.f('fk_rectification_ordered_by_id_user')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_rectification_programme_id_programme')),
    sa.ForeignKeyConstraint(['summons_id'], ['summons.id'], name=op.f('fk_rectification_summons_id_summons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification'))
    )
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.create_index('ix_rectification_district_deadline', ['district_code', 'deadline'], unique=False)
        batch_op.create_index('uq_rectification_open_programme', ['programme_id'], unique=True, postgresql_where=sa.text('lifted_on IS NULL'), sqlite_where=sa.text('lifted_on IS NULL'))



    op.create_table('fraud_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('hs_proposal_id', sa.Integer(), nullable=True),
    sa.Column('found_on', sa.Date(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('referral', sa.Enum('none', 'discipline', 'judicial', name='referral', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('referral_note', sa.String(length=500), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('programme_id IS NULL OR hs_proposal_id IS NULL', name=op.f('ck_fraud_case_one_programme_or_project')),
    sa.ForeignKeyConstraint(['district_code'], ['district.code'], name=op.f('fk_fraud_case_district_code_district')),
    sa.ForeignKeyConstraint(['hs_proposal_id'], ['hs_proposal.id'], name=op.f('fk_fraud_case_hs_proposal_id_hs_proposal')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_fraud_case_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_fraud_case_programme_id_programme')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_fraud_case_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fraud_case'))
    )
    with op.batch_alter_table('fraud_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fraud_case_district_code'), ['district_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_fraud_case_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.drop_index('uq_rectification_open_programme', postgresql_where=sa.text('lifted_on IS NULL'), sqlite_where=sa.text('lifted_on IS NULL'))
        batch_op.drop_index('ix_rectification_district_deadline')

    op.drop_table('rectification')
    with op.batch_alter_table('summons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summons_programme_id'))
        batch_op.drop_index('ix_summons_district_state')

    op.drop_table('summons')
    with op.batch_alter_table('inspection_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_photo_inspection_id'))

    op.drop_table('inspection_photo')
    _document_kinds(_DOCUMENT_KINDS)
    with op.batch_alter_table('inspection_sample_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_sample_item_sample_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_sample_item_programme_id'))

    op.drop_table('inspection_sample_item')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_programme_id'))
        batch_op.drop_index('ix_inspection_district_date')

    op.drop_table('inspection')
    with op.batch_alter_table('fraud_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fraud_case_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_fraud_case_district_code'))

    op.drop_table('fraud_case')
    with op.batch_alter_table('inspection_sample', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_sample_district_code'))

    op.drop_table('inspection_sample')


# --- AP-V1: the document kind of inspection photos (a CHECK constraint on document.kind) ---
_DOCUMENT_KINDS = ("business_licence", "school_licence", "cooperation_agreement",
                   "entrustment_agreement", "session_evidence", "training_agreement",
                   "hs_work_summary", "hs_project_summary")


def _document_kinds(kinds):
    allowed = "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_document_documentkind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_document_documentkind"), allowed)
