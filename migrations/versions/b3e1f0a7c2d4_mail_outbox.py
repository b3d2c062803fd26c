"""mail outbox: notification rows are sent by a worker, with retries and back-off

Revision ID: b3e1f0a7c2d4
Revises: 3b8d6e1f0a42
Create Date: 2026-11-25 10:45:00

notification gets when it was queued, when the next attempt is due, and which worker has
claimed it until when; term_id may be empty (an email about no term); the kind
partner_left joins partner_ready. Rows already there are due at once.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b3e1f0a7c2d4'
down_revision = '3b8d6e1f0a42'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('partner_ready')"
NEW_KINDS = "kind IN ('partner_ready', 'partner_left')"


def upgrade():
    now = sa.text('CURRENT_TIMESTAMP')
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=False,
                                   server_default=now))
        batch.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True),
                                   nullable=False, server_default=now))
        batch.add_column(sa.Column('claimed_by', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
        batch.alter_column('term_id', existing_type=sa.Integer(), nullable=True)
        batch.drop_constraint(op.f('ck_notification_kind'), type_='check')
        batch.create_check_constraint(op.f('ck_notification_kind'), NEW_KINDS)
        batch.create_index(batch.f('ix_notification_next_attempt_at'), ['next_attempt_at'],
                           unique=False)
        batch.create_index(batch.f('ix_notification_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('notification') as batch:
        batch.alter_column('created_at', server_default=None)
        batch.alter_column('next_attempt_at', server_default=None)


def downgrade():
    op.execute("DELETE FROM notification WHERE kind <> 'partner_ready' OR term_id IS NULL")
    with op.batch_alter_table('notification') as batch:
        batch.drop_index(batch.f('ix_notification_user_id'))
        batch.drop_index(batch.f('ix_notification_next_attempt_at'))
        batch.drop_constraint(op.f('ck_notification_kind'), type_='check')
        batch.create_check_constraint(op.f('ck_notification_kind'), OLD_KINDS)
        batch.alter_column('term_id', existing_type=sa.Integer(), nullable=False)
        batch.drop_column('claimed_until')
        batch.drop_column('claimed_by')
        batch.drop_column('next_attempt_at')
        batch.drop_column('created_at')
