"""pair ended email: a coordinator who ends a pair tells both people

Revision ID: 5e2d8c41a9b7
Revises: c7ae9acc260e
Create Date: 2026-11-25 16:10:00

notification's kind allows pair_ended: the email each person of a pair gets when a
coordinator ends it (the pair has ended, a new partner will come; never the why).
"""
from alembic import op


revision = '5e2d8c41a9b7'
down_revision = 'c7ae9acc260e'
branch_labels = None
depends_on = None

OLD_KINDS = (
    'partner_ready', 'partner_left', 'invitation', 'sign_up', 'account_exists',
    'password_reset', 'email_change', 'coordinator_invite', 'profile_reminder', 'check_in',
    'pair_reminder',
)
NEW_KINDS = OLD_KINDS[:2] + ('pair_ended',) + OLD_KINDS[2:]  # the model's order


def _kinds(kinds):
    return "kind IN (%s)" % ", ".join(f"'{kind}'" for kind in kinds)


def upgrade():
    with op.batch_alter_table('notification') as batch:
        batch.drop_constraint(op.f('ck_notification_kind'), type_='check')
        batch.create_check_constraint(op.f('ck_notification_kind'), _kinds(NEW_KINDS))


def downgrade():
    op.execute("DELETE FROM notification WHERE kind = 'pair_ended'")
    with op.batch_alter_table('notification') as batch:
        batch.drop_constraint(op.f('ck_notification_kind'), type_='check')
        batch.create_check_constraint(op.f('ck_notification_kind'), _kinds(OLD_KINDS))
