"""an approved change of status takes effect on its effective date (scheduled until then)

Revision ID: d8b3e5a7c190
Revises: c4f2a8e61d07
Create Date: 2026-12-02 14:50:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'd8b3e5a7c190'
down_revision = 'c4f2a8e61d07'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('status_change') as batch_op:
        batch_op.add_column(sa.Column('applied_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('apply_error', sa.String(length=300), nullable=True))
    # Changes approved before this revision were applied at once, on their decision.
    op.execute("UPDATE status_change SET applied_at = decided_at WHERE state = 'approved'")


def downgrade():
    with op.batch_alter_table('status_change') as batch_op:
        batch_op.drop_column('apply_error')
        batch_op.drop_column('applied_at')
