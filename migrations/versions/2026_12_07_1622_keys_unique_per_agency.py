"""keys unique per agency: an external id, an account name and a provisioning source's externalId
are unique within the officer's agency, no longer mission-wide (the application checks them within
the caller's reach, so that a holder outside it is as if there were none). officer_external_ids
and provisioning_links carry the officer's agency (backfilled), kept in step by a composite foreign
key to officers (id, agency_id) with ON UPDATE CASCADE.

A downgrade fails while a key is shared by officers of different agencies (the review list of
shared keys names them): the mission-wide constraints cannot hold them.

Revision ID: 7a1c3e5f9b24
Revises: 7c1a5e0d2b93
Create Date: 2026-12-07 14:17:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '7a1c3e5f9b24'
down_revision: Union[str, None] = '7c1a5e0d2b93'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

KEY_TABLES = ('officer_external_ids', 'provisioning_links')


def upgrade() -> None:
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_officers_user_name_key'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_officers_user_name_key_agency_id'), ['user_name_key', 'agency_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_officers_id_agency_id'), ['id', 'agency_id'])

    for table in KEY_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('agency_id', sa.Uuid(), nullable=True))
        op.execute(
            f'UPDATE {table} SET agency_id = (SELECT officers.agency_id FROM officers WHERE officers.id = {table}.officer_id)'
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('agency_id', existing_type=sa.Uuid(), nullable=False)
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_officer_id_officers'), type_='foreignkey')
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_source_external_id'), type_='unique')
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_officer_id_officers'),
                'officers',
                ['officer_id', 'agency_id'],
                ['id', 'agency_id'],
                ondelete='CASCADE',
                onupdate='CASCADE',
            )
            batch_op.create_unique_constraint(
                batch_op.f(f'uq_{table}_source_external_id_agency_id'), ['source', 'external_id', 'agency_id']
            )


def downgrade() -> None:
    for table in KEY_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_source_external_id_agency_id'), type_='unique')
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_officer_id_officers'), type_='foreignkey')
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_source_external_id'), ['source', 'external_id'])
            batch_op.create_foreign_key(
                batch_op.f(f'fk_{table}_officer_id_officers'), 'officers', ['officer_id'], ['id'], ondelete='CASCADE'
            )
            batch_op.drop_column('agency_id')

    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_officers_id_agency_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_officers_user_name_key_agency_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_officers_user_name_key'), ['user_name_key'])
