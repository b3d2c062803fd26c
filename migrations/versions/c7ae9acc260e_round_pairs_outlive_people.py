"""round pairs outlive the people in them: round_pair.student_id/volunteer_id nullable

Revision ID: c7ae9acc260e
Revises: 702e1626652d
Create Date: 2026-11-25 12:30:00

A person who deletes their account leaves their round pairs behind as "a person who left"
(the id set to NULL, ON DELETE SET NULL), so that a round's figures stay what they were.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c7ae9acc260e'
down_revision = '702e1626652d'
branch_labels = None
depends_on = None

COLUMNS = ('student_id', 'volunteer_id')


def _foreign_keys(ondelete, nullable):
    with op.batch_alter_table('round_pair') as batch:
        for column in COLUMNS:
            name = op.f(f'fk_round_pair_{column}_user')
            batch.drop_constraint(name, type_='foreignkey')
            batch.alter_column(column, existing_type=sa.Integer(), nullable=nullable)
            batch.create_foreign_key(name, 'user', [column], ['id'], ondelete=ondelete)


def upgrade():
    _foreign_keys('SET NULL', True)


def downgrade():
    op.execute('DELETE FROM round_pair WHERE student_id IS NULL OR volunteer_id IS NULL')
    _foreign_keys('CASCADE', False)
