"""after the pairs meet: check-ins, their emails, sessions, term.check_in_weeks, term_report

Revision ID: 7d14f12794d2
Revises: 9d91dae29863
Create Date: 2026-11-25 12:40:00

check_in keeps a person's answers about their pair (the partner never sees them);
check_in_invite records which checkpoint's email each person was sent (the outbox keeps one
row per term, person and kind); pair_session is "we met this week", one per pair and week;
term.check_in_weeks says when check-ins are asked (default, and existing terms: weeks 2
and 6);
term_report keeps a closed term's anonymous figures, which survive a purge.
"""
from alembic import op
import sqlalchemy as sa


revision = '7d14f12794d2'
down_revision = '9d91dae29863'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'check_in',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pair_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('met', sa.String(length=10), nullable=False),
        sa.Column('rating', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('checkpoint', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['pair_id'], ['pair.id'], name=op.f('fk_check_in_pair_id_pair'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_check_in_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in')),
        sa.CheckConstraint("met IN ('yes', 'not_yet', 'no_time')", name=op.f('ck_check_in_met')),
    )
    with op.batch_alter_table('check_in') as batch:
        batch.create_index(batch.f('ix_check_in_pair_id'), ['pair_id'], unique=False)
        batch.create_index(batch.f('ix_check_in_user_id'), ['user_id'], unique=False)

    op.create_table(
        'check_in_invite',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pair_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('checkpoint', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['pair_id'], ['pair.id'],
                                name=op.f('fk_check_in_invite_pair_id_pair'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_check_in_invite_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in_invite')),
        sa.UniqueConstraint('pair_id', 'user_id', 'checkpoint',
                            name=op.f('uq_check_in_invite_pair_id_user_id_checkpoint')),
    )
    with op.batch_alter_table('check_in_invite') as batch:
        batch.create_index(batch.f('ix_check_in_invite_pair_id'), ['pair_id'], unique=False)

    op.create_table(
        'pair_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pair_id', sa.Integer(), nullable=False),
        sa.Column('week_start', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['pair_id'], ['pair.id'],
                                name=op.f('fk_pair_session_pair_id_pair'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pair_session')),
        sa.UniqueConstraint('pair_id', 'week_start',
                            name=op.f('uq_pair_session_pair_id_week_start')),
    )
    with op.batch_alter_table('pair_session') as batch:
        batch.create_index(batch.f('ix_pair_session_pair_id'), ['pair_id'], unique=False)

    op.create_table(
        'term_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('term_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['term_id'], ['term.id'],
                                name=op.f('fk_term_report_term_id_term'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_term_report')),
        sa.UniqueConstraint('term_id', name=op.f('uq_term_report_term_id')),
    )

    with op.batch_alter_table('term') as batch:
        batch.add_column(sa.Column('check_in_weeks', sa.JSON(), nullable=False,
                                   server_default=sa.text("'[2, 6]'")))


def downgrade():
    with op.batch_alter_table('term') as batch:
        batch.drop_column('check_in_weeks')
    op.drop_table('term_report')
    with op.batch_alter_table('pair_session') as batch:
        batch.drop_index(batch.f('ix_pair_session_pair_id'))
    op.drop_table('pair_session')
    with op.batch_alter_table('check_in_invite') as batch:
        batch.drop_index(batch.f('ix_check_in_invite_pair_id'))
    op.drop_table('check_in_invite')
    with op.batch_alter_table('check_in') as batch:
        batch.drop_index(batch.f('ix_check_in_user_id'))
        batch.drop_index(batch.f('ix_check_in_pair_id'))
    op.drop_table('check_in')
