"""one word per concept: volunteer_gender, continue_partner, round_pair.origin

Revision ID: 5a1c0e7d9b21
Revises: 2d209db19f95
Create Date: 2026-11-25 09:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5a1c0e7d9b21'
down_revision = '2d209db19f95'
branch_labels = None
depends_on = None

# RoundPair.source (engine, manual, swap, fixed) -> RoundPair.origin (engine.PairOrigin)
ORIGINS = {"engine": "solved", "manual": "manual", "swap": "swapped", "fixed": "kept"}


def upgrade():
    with op.batch_alter_table('student_profile') as batch:
        batch.alter_column('tutor_gender', new_column_name='volunteer_gender')
        batch.alter_column('tutor_gender_required', new_column_name='volunteer_gender_required')
    with op.batch_alter_table('enrollment') as batch:
        batch.alter_column('continue_with_partner', new_column_name='continue_partner')
    with op.batch_alter_table('round_pair') as batch:
        batch.alter_column(
            'source', new_column_name='origin',
            existing_type=sa.String(length=10), type_=sa.String(length=20),
        )
    for old, new in ORIGINS.items():
        op.execute(sa.text("UPDATE round_pair SET origin = :new WHERE origin = :old")
                   .bindparams(old=old, new=new))


def downgrade():
    for old, new in ORIGINS.items():
        op.execute(sa.text("UPDATE round_pair SET origin = :old WHERE origin = :new")
                   .bindparams(old=old, new=new))
    op.execute(sa.text("UPDATE round_pair SET origin = 'engine' "
                       "WHERE origin IN ('locked', 'continue_partner')"))
    with op.batch_alter_table('round_pair') as batch:
        batch.alter_column(
            'origin', new_column_name='source',
            existing_type=sa.String(length=20), type_=sa.String(length=10),
        )
    with op.batch_alter_table('enrollment') as batch:
        batch.alter_column('continue_partner', new_column_name='continue_with_partner')
    with op.batch_alter_table('student_profile') as batch:
        batch.alter_column('volunteer_gender', new_column_name='tutor_gender')
        batch.alter_column('volunteer_gender_required', new_column_name='tutor_gender_required')
