"""roster upload: the files a coordinator previewed, until confirmed or an hour passes

Revision ID: 702e1626652d
Revises: 7d14f12794d2
Create Date: 2026-11-25 12:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '702e1626652d'
down_revision = '7d14f12794d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'roster_upload',
        sa.Column('id', sa.String(length=43), nullable=False),
        sa.Column('coordinator_id', sa.Integer(), nullable=False),
        sa.Column('term_id', sa.Integer(), nullable=False),
        sa.Column('files', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['coordinator_id'], ['user.id'],
                                name=op.f('fk_roster_upload_coordinator_id_user'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['term_id'], ['term.id'],
                                name=op.f('fk_roster_upload_term_id_term'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_upload')),
    )
    with op.batch_alter_table('roster_upload') as batch:
        batch.create_index(batch.f('ix_roster_upload_coordinator_id'), ['coordinator_id'],
                           unique=False)
        batch.create_index(batch.f('ix_roster_upload_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('roster_upload') as batch:
        batch.drop_index(batch.f('ix_roster_upload_expires_at'))
        batch.drop_index(batch.f('ix_roster_upload_coordinator_id'))
    op.drop_table('roster_upload')
