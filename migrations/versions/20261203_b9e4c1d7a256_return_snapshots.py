"""what a record looked like when it was returned, for "changes since the return"

Revision ID: b9e4c1d7a256
Revises: a3d7e2c9b815
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'b9e4c1d7a256'
down_revision = 'a3d7e2c9b815'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'return_snapshot',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('object_type', sa.String(length=32), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=False),
        sa.Column('taken_at', sa.DateTime(), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('pointed', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_return_snapshot')),
    )
    op.create_index('ix_return_snapshot_object', 'return_snapshot',
                    ['object_type', 'object_id', 'id'])


def downgrade():
    op.drop_index('ix_return_snapshot_object', table_name='return_snapshot')
    op.drop_table('return_snapshot')
