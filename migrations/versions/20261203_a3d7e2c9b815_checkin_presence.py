"""AP-P1: a session's optional location check; a check-in's device and location flags

Revision ID: a3d7e2c9b815
Revises: f1a6c2d9e4b7
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'a3d7e2c9b815'
down_revision = 'f1a6c2d9e4b7'
branch_labels = None
depends_on = None

DEVICE_FLAGS = ('shared', 'forged')
LOCATION_PROBLEMS = ('missing', 'outside')


def upgrade():
    # Existing sessions check no location; existing check-ins carry no flags.
    with op.batch_alter_table('class_session') as batch_op:
        batch_op.add_column(sa.Column('radius_m', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('centre_latitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('centre_longitude', sa.Double(), nullable=True))
        batch_op.create_check_constraint(
            'radius_has_centre',
            'radius_m IS NULL OR (centre_latitude IS NOT NULL AND centre_longitude IS NOT NULL)')
    with op.batch_alter_table('check_in') as batch_op:
        batch_op.add_column(sa.Column('device_id', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column(
            'device_flag', sa.Enum(*DEVICE_FLAGS, name='deviceflag', native_enum=False,
                                   create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('latitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('accuracy_m', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('distance_m', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column(
            'location_flag', sa.Enum(*LOCATION_PROBLEMS, name='locationproblem',
                                     native_enum=False, create_constraint=True, length=32),
            nullable=True))


def downgrade():
    with op.batch_alter_table('check_in') as batch_op:
        # SQLite's table copy keeps reflected CHECKs: drop them before their columns.
        batch_op.drop_constraint(op.f('ck_check_in_locationproblem'), type_='check')
        batch_op.drop_constraint(op.f('ck_check_in_deviceflag'), type_='check')
        for column in ('location_flag', 'distance_m', 'accuracy_m', 'longitude', 'latitude',
                       'device_flag', 'device_id'):
            batch_op.drop_column(column)
    with op.batch_alter_table('class_session') as batch_op:
        batch_op.drop_constraint(op.f('ck_class_session_radius_has_centre'), type_='check')
        for column in ('centre_longitude', 'centre_latitude', 'radius_m'):
            batch_op.drop_column(column)
