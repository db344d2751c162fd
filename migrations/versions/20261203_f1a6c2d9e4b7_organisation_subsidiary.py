"""AP-N4: an enterprise states it is a group's subsidiary with few trainees (子公司)

Revision ID: f1a6c2d9e4b7
Revises: d8b3e5a7c190
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'f1a6c2d9e4b7'
down_revision = 'd8b3e5a7c190'
branch_labels = None
depends_on = None


def upgrade():
    # Existing enterprises have not said so: not a subsidiary until they edit their record.
    with op.batch_alter_table('organisation') as batch_op:
        batch_op.add_column(sa.Column('subsidiary', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('organisation') as batch_op:
        batch_op.drop_column('subsidiary')
