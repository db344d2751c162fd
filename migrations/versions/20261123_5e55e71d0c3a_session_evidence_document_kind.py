"""session evidence document kind (AP-P3)

Revision ID: 5e55e71d0c3a
Revises: 25142000997c
Create Date: 2026-11-23 14:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e55e71d0c3a'
down_revision = '25142000997c'
branch_labels = None
depends_on = None

OLD = ("'business_licence', 'school_licence', 'cooperation_agreement', "
       "'entrustment_agreement'")
NEW = OLD + ", 'session_evidence'"


def upgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_document_documentkind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_document_documentkind'), f"kind IN ({NEW})")


def downgrade():
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_document_documentkind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_document_documentkind'), f"kind IN ({OLD})")
