"""statuses and kinds checked by the database; unique constraints named after all their columns

Revision ID: c7dbbb266a20
Revises: 5a1c0e7d9b21
Create Date: 2026-11-26 10:00:00

Each enum column gets a CHECK named ck_<table>_<column> listing the values the models
accept (the lowercase strings already stored). Multi-column unique constraints were named
after their first column only (uq_match_round_term_id for (term_id, number)); they are
renamed after all their columns. Batch mode rebuilds the tables on SQLite; the downgrade
drops the CHECKs and restores the old names.
"""
from alembic import op


revision = 'c7dbbb266a20'
down_revision = '5a1c0e7d9b21'
branch_labels = None
depends_on = None

# The values as they are at this revision: later changes to the enums need a migration.
CHECKS = {
    'user': {'role': ('coordinator', 'student', 'volunteer')},
    'term': {'status': ('draft', 'open', 'matching', 'published', 'closed')},
    'enrollment': {'status': ('applied', 'approved', 'withdrawn')},
    'match_round': {'kind': ('full', 'rematch'), 'status': ('draft', 'published')},
    'round_pair': {
        'origin': ('solved', 'locked', 'continue_partner', 'kept', 'manual', 'swapped'),
    },
    'pair_constraint': {'kind': ('lock', 'forbid')},
    'pair': {'status': ('active', 'ended')},
    'notification': {'kind': ('partner_ready',)},
}

# table -> (old name, new name, columns)
UNIQUES = {
    'enrollment': ('uq_enrollment_term_id', 'uq_enrollment_term_id_user_id',
                   ['term_id', 'user_id']),
    'match_round': ('uq_match_round_term_id', 'uq_match_round_term_id_number',
                    ['term_id', 'number']),
    'round_pair': ('uq_round_pair_round_id', 'uq_round_pair_round_id_student_id',
                   ['round_id', 'student_id']),
    'pair_constraint': ('uq_pair_constraint_term_id',
                        'uq_pair_constraint_term_id_student_id_volunteer_id',
                        ['term_id', 'student_id', 'volunteer_id']),
    'notification': ('uq_notification_term_id', 'uq_notification_term_id_user_id_kind',
                     ['term_id', 'user_id', 'kind']),
}

TABLES = sorted(CHECKS.keys() | UNIQUES.keys())


def _condition(column, values):
    return '{} IN ({})'.format(column, ', '.join(f"'{value}'" for value in values))


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            if table in UNIQUES:
                old, new, columns = UNIQUES[table]
                batch.drop_constraint(op.f(old), type_='unique')
                batch.create_unique_constraint(op.f(new), columns)
            for column, values in CHECKS.get(table, {}).items():
                batch.create_check_constraint(op.f(f'ck_{table}_{column}'),
                                             _condition(column, values))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            for column in CHECKS.get(table, {}):
                batch.drop_constraint(op.f(f'ck_{table}_{column}'), type_='check')
            if table in UNIQUES:
                old, new, columns = UNIQUES[table]
                batch.drop_constraint(op.f(new), type_='unique')
                batch.create_unique_constraint(op.f(old), columns)
