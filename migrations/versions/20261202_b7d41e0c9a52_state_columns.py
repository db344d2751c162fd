"""every workflow record has an enum-typed state column

Revision ID: b7d41e0c9a52
Revises: aa204e8cba60
Create Date: 2026-12-02 08:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b7d41e0c9a52'
down_revision = 'aa204e8cba60'
branch_labels = None
depends_on = None

# (table, old index, new index, columns after the rename)
INDEXES = (
    ('organisation', 'ix_organisation_district_status', 'ix_organisation_district_state', ['district_code', 'state']),
    ('programme', 'ix_programme_district_status', 'ix_programme_district_state', ['district_code', 'state']),
    ('programme', 'ix_programme_status_submitted', 'ix_programme_state_submitted', ['state', 'submitted_at']),
    ('enrolment', 'ix_enrolment_district_status', 'ix_enrolment_district_state', ['district_code', 'state']),
    ('enrolment', 'ix_enrolment_programme_status', 'ix_enrolment_programme_state', ['programme_id', 'state']),
)
CHANGE_STATES = ('submitted', 'returned', 'approved', 'rejected', 'cancelled')


def _rename(old, new, columns_after):
    # RENAME COLUMN (PostgreSQL, SQLite ≥ 3.25) carries indexes, partial-index predicates and
    # CHECK constraints along; only the index names still say "status".
    for table in ('organisation', 'programme', 'enrolment'):
        op.execute(f'ALTER TABLE {table} RENAME COLUMN {old} TO {new}')
    for table, old_ix, new_ix, columns in INDEXES:
        names = (old_ix, new_ix) if new == 'state' else (new_ix, old_ix)
        cols = columns if new == 'state' else [c.replace('state', 'status') for c in columns]
        op.drop_index(names[0], table_name=table)
        op.create_index(names[1], table, cols, unique=False)


def upgrade():
    _rename('status', 'state', None)
    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.alter_column('state', existing_type=sa.String(length=32),
                              type_=sa.Enum(*CHANGE_STATES, name='changestate', native_enum=False,
                                            create_constraint=True, length=32),
                              existing_nullable=False)


def downgrade():
    with op.batch_alter_table('status_change', schema=None) as batch_op:
        batch_op.alter_column('state', existing_type=sa.Enum(*CHANGE_STATES, name='changestate',
                                                             native_enum=False, length=32),
                              type_=sa.String(length=32), existing_nullable=False)
    _rename('state', 'status', None)
