"""people who leave, one to one by default

Revision ID: 9d91dae29863
Revises: 4da49b22a20c
Create Date: 2026-11-25 12:30:00

pair.end_reason becomes a checked enum (why the pair ended) and the coordinator's words
move to the new pair.end_note: "Term ended" becomes term_ended, any other text of an ended
pair becomes ended_by_coordinator with that text as its note, an active pair has none.
pair.student_id and pair.volunteer_id may be empty: an ended pair outlives an account that
is deleted (ON DELETE SET NULL) and keeps counting. term.volunteers_take_several (false):
volunteers take one student each unless the term allows more.
"""
from alembic import op
import sqlalchemy as sa


revision = '9d91dae29863'
down_revision = '4da49b22a20c'
branch_labels = None
depends_on = None

REASONS = (
    "end_reason IN ('account_deleted', 'withdrew', 'withdrawn_by_coordinator', "
    "'ended_by_coordinator', 'term_ended')"
)


def _people_fks(batch, ondelete, nullable):
    for side in ('student_id', 'volunteer_id'):
        batch.drop_constraint(op.f(f'fk_pair_{side}_user'), type_='foreignkey')
        batch.alter_column(side, existing_type=sa.Integer(), nullable=nullable)
        batch.create_foreign_key(op.f(f'fk_pair_{side}_user'), 'user', [side], ['id'],
                                 ondelete=ondelete)


def upgrade():
    with op.batch_alter_table('term') as batch:
        batch.add_column(sa.Column('volunteers_take_several', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))

    with op.batch_alter_table('pair') as batch:
        batch.add_column(sa.Column('end_note', sa.Text(), nullable=False, server_default=''))
    op.execute(
        "UPDATE pair SET end_note = end_reason "
        "WHERE status = 'ended' AND end_reason <> 'Term ended'"
    )
    with op.batch_alter_table('pair') as batch:
        batch.alter_column('end_note', server_default=None)
        batch.alter_column('end_reason', existing_type=sa.Text(), type_=sa.String(length=30),
                           nullable=True)
    op.execute(
        "UPDATE pair SET end_reason = CASE "
        "WHEN status <> 'ended' THEN NULL "
        "WHEN end_reason = 'Term ended' THEN 'term_ended' "
        "ELSE 'ended_by_coordinator' END"
    )
    with op.batch_alter_table('pair') as batch:
        batch.create_check_constraint(op.f('ck_pair_end_reason'), REASONS)
        _people_fks(batch, 'SET NULL', True)


def downgrade():
    # Pairs of people who deleted their account cannot go back to needing both people.
    op.execute("DELETE FROM pair WHERE student_id IS NULL OR volunteer_id IS NULL")
    with op.batch_alter_table('pair') as batch:
        _people_fks(batch, 'CASCADE', False)
        batch.drop_constraint(op.f('ck_pair_end_reason'), type_='check')
    op.execute(
        "UPDATE pair SET end_reason = CASE "
        "WHEN end_reason IS NULL THEN '' "
        "WHEN end_reason = 'term_ended' THEN 'Term ended' "
        "WHEN end_note <> '' THEN end_note "
        "ELSE end_reason END"
    )
    with op.batch_alter_table('pair') as batch:
        batch.alter_column('end_reason', existing_type=sa.String(length=30), type_=sa.Text(),
                           nullable=False)
        batch.drop_column('end_note')
    with op.batch_alter_table('term') as batch:
        batch.drop_column('volunteers_take_several')
