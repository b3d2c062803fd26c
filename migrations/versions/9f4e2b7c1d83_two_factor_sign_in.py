"""two-factor sign-in for coordinators: a TOTP secret on user, recovery codes

Revision ID: 9f4e2b7c1d83
Revises: c7dbbb266a20
Create Date: 2026-11-27 09:00:00

user gets the TOTP secret, when it was confirmed and the last time step accepted (all
empty: every coordinator sets the second factor up at their next sign-in). recovery_code
holds each coordinator's ten single-use codes, hashed with argon2.
"""
from alembic import op
import sqlalchemy as sa


revision = '9f4e2b7c1d83'
down_revision = 'c7dbbb266a20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('totp_secret', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('totp_confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=255), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    )
    with op.batch_alter_table('recovery_code') as batch:
        batch.create_index(batch.f('ix_recovery_code_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('recovery_code') as batch:
        batch.drop_index(batch.f('ix_recovery_code_user_id'))
    op.drop_table('recovery_code')
    with op.batch_alter_table('user') as batch:
        batch.drop_column('totp_last_step')
        batch.drop_column('totp_confirmed_at')
        batch.drop_column('totp_secret')
