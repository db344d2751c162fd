"""an enrolment keeps the name and mobile the enterprise stated until it is established

Revision ID: c4f2a8e61d07
Revises: e3c5a9f1b284
Create Date: 2026-12-02 14:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c4f2a8e61d07'
down_revision = 'e3c5a9f1b284'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolment') as batch_op:
        batch_op.add_column(sa.Column('stated_name', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('stated_mobile', sa.String(length=11), nullable=True))


def downgrade():
    with op.batch_alter_table('enrolment') as batch_op:
        batch_op.drop_column('stated_mobile')
        batch_op.drop_column('stated_name')
