"""email links: single-use tokens, accounts without a password yet, confirmed addresses

Revision ID: 4da49b22a20c
Revises: b3e1f0a7c2d4
Create Date: 2026-11-25 12:40:00

email_token keeps only a hash of each emailed link's token. user.password_hash may be
empty (a person imported or invited, who has not chosen one); user gets when the address
was confirmed (existing accounts: when they were created), a new address waiting for
confirmation and when the terms were accepted; profiles say whether their answers come
from a roster import. notification's kind allows the emails that use these.
"""
from alembic import op
import sqlalchemy as sa


revision = '4da49b22a20c'
down_revision = 'b3e1f0a7c2d4'
branch_labels = None
depends_on = None

OLD_KINDS = ('partner_ready', 'partner_left')
NEW_KINDS = OLD_KINDS + (
    'invitation', 'sign_up', 'account_exists', 'password_reset', 'email_change',
    'coordinator_invite', 'profile_reminder', 'check_in', 'pair_reminder',
)
PURPOSES = ('invitation', 'sign_up', 'password_reset', 'email_change', 'coordinator_invite')


def _kinds(kinds):
    return "kind IN (%s)" % ", ".join(f"'{kind}'" for kind in kinds)


def upgrade():
    op.create_table(
        'email_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.Enum(*PURPOSES, name='purpose', native_enum=False,
                                     create_constraint=True, length=20), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_email_token_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_email_token_token_hash')),
    )
    with op.batch_alter_table('email_token') as batch:
        batch.create_index(batch.f('ix_email_token_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('user') as batch:
        batch.alter_column('password_hash', existing_type=sa.String(length=255), nullable=True)
        batch.add_column(sa.Column('email_confirmed_at', sa.DateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('pending_email', sa.String(length=254), nullable=True))
        batch.add_column(sa.Column('terms_accepted_at', sa.DateTime(timezone=True),
                                   nullable=True))
    op.execute('UPDATE "user" SET email_confirmed_at = created_at')
    for table in ('student_profile', 'volunteer_profile'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('from_import', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
        with op.batch_alter_table(table) as batch:
            batch.alter_column('from_import', server_default=None)
    with op.batch_alter_table('notification') as batch:
        batch.drop_constraint(op.f('ck_notification_kind'), type_='check')
        batch.create_check_constraint(op.f('ck_notification_kind'), _kinds(NEW_KINDS))


def downgrade():
    op.execute("DELETE FROM notification WHERE %s" % _kinds(NEW_KINDS[len(OLD_KINDS):]))
    with op.batch_alter_table('notification') as batch:
        batch.drop_constraint(op.f('ck_notification_kind'), type_='check')
        batch.create_check_constraint(op.f('ck_notification_kind'), _kinds(OLD_KINDS))
    for table in ('student_profile', 'volunteer_profile'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('from_import')
    # A person who never chose a password cannot keep their account through a downgrade.
    op.execute('DELETE FROM "user" WHERE password_hash IS NULL')
    with op.batch_alter_table('user') as batch:
        batch.drop_column('terms_accepted_at')
        batch.drop_column('pending_email')
        batch.drop_column('email_confirmed_at')
        batch.alter_column('password_hash', existing_type=sa.String(length=255), nullable=False)
    with op.batch_alter_table('email_token') as batch:
        batch.drop_index(batch.f('ix_email_token_user_id'))
    op.drop_table('email_token')
