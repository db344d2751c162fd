"""queues read their page in index order: enrolments by district, state, submission

Revision ID: e3c5a9f1b284
Revises: b7d41e0c9a52
Create Date: 2026-12-02 13:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e3c5a9f1b284'
down_revision = 'b7d41e0c9a52'
branch_labels = None
depends_on = None


def upgrade():
    # The old (district_code, state) index is a prefix of the new one, which also gives the
    # queue's order (submitted_at, id), so a page of 50 reads 50 index entries.
    with op.batch_alter_table('enrolment') as batch_op:
        batch_op.drop_index('ix_enrolment_district_state')
        batch_op.create_index('ix_enrolment_district_state_submitted',
                              ['district_code', 'state', 'submitted_at', 'id'])
        batch_op.create_index('ix_enrolment_state_submitted', ['state', 'submitted_at', 'id'])
        batch_op.create_index('ix_enrolment_district_submitted',
                              ['district_code', 'submitted_at', 'id'])


def downgrade():
    with op.batch_alter_table('enrolment') as batch_op:
        batch_op.drop_index('ix_enrolment_district_submitted')
        batch_op.drop_index('ix_enrolment_state_submitted')
        batch_op.drop_index('ix_enrolment_district_state_submitted')
        batch_op.create_index('ix_enrolment_district_state', ['district_code', 'state'])
