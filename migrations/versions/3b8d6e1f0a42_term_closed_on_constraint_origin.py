"""term lifecycle and re-runs: term.closed_on, pair_constraint.origin

Revision ID: 3b8d6e1f0a42
Revises: 9f4e2b7c1d83
Create Date: 2026-11-25 10:50:00

term.closed_on is the day the term closed (partners' contact details hide 30 days later).
pair_constraint.origin says how a lock was made (locked, swapped or manual), so that a
re-run keeps a coordinator's swaps and hand-made pairs; existing rows are plain locks.
"""
from alembic import op
import sqlalchemy as sa


revision = '3b8d6e1f0a42'
down_revision = '9f4e2b7c1d83'
branch_labels = None
depends_on = None

ORIGINS = ('solved', 'locked', 'continue_partner', 'kept', 'manual', 'swapped')


def upgrade():
    with op.batch_alter_table('term') as batch:
        batch.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
    with op.batch_alter_table('pair_constraint') as batch:
        batch.add_column(sa.Column('origin', sa.String(length=20), nullable=False,
                                   server_default='locked'))
        batch.create_check_constraint(
            op.f('ck_pair_constraint_origin'),
            'origin IN ({})'.format(', '.join(f"'{o}'" for o in ORIGINS)))
    with op.batch_alter_table('pair_constraint') as batch:
        batch.alter_column('origin', server_default=None, existing_type=sa.String(length=20))


def downgrade():
    with op.batch_alter_table('pair_constraint') as batch:
        batch.drop_constraint(op.f('ck_pair_constraint_origin'), type_='check')
        batch.drop_column('origin')
    with op.batch_alter_table('term') as batch:
        batch.drop_column('closed_on')
