"""scim and imports: machine clients bound to an agency; officers' active flag and unique
account name; provisioning links (SCIM sources); bulk imports and their planned rows

Revision ID: c1d2e3f4a5b6
Revises: d2e3f4a5b6c7
Create Date: 2026-12-01 14:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import domain.db


revision: str = 'c1d2e3f4a5b6'
down_revision: Union[str, None] = 'd2e3f4a5b6c7'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('provisioning_links',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('officer_id', sa.Uuid(), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('display_name', sa.String(length=300), nullable=True),
    sa.Column('given_name', sa.String(length=300), nullable=True),
    sa.Column('family_name', sa.String(length=300), nullable=True),
    sa.Column('formatted_name', sa.String(length=300), nullable=True),
    sa.Column('display_name_key', sa.String(length=300), nullable=True),
    sa.Column('given_name_key', sa.String(length=300), nullable=True),
    sa.Column('family_name_key', sa.String(length=300), nullable=True),
    sa.Column('formatted_name_key', sa.String(length=300), nullable=True),
    sa.Column('agency_ref', sa.String(length=300), nullable=True),
    sa.Column('sent_active', sa.Boolean(), nullable=False),
    sa.Column('employee_number', sa.String(length=300), nullable=True),
    sa.Column('department', sa.String(length=300), nullable=True),
    sa.Column('organization', sa.String(length=300), nullable=True),
    sa.Column('emails', sa.JSON(), nullable=True),
    sa.Column('email_keys', sa.String(length=4000), nullable=True),
    sa.Column('phones', sa.JSON(), nullable=True),
    sa.Column('created_at', domain.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_provisioning_links_officer_id_officers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provisioning_links')),
    sa.UniqueConstraint('source', 'external_id', name=op.f('uq_provisioning_links_source_external_id')),
    sa.UniqueConstraint('source', 'officer_id', name=op.f('uq_provisioning_links_source_officer_id'))
    )
    with op.batch_alter_table('provisioning_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provisioning_links_officer_id'), ['officer_id'], unique=False)

    op.create_table('imports',
    sa.Column('kind', sa.Enum('officers', 'nominations', name='import_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('status', sa.Enum('planned', 'applied', 'undone', name='import_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('module_id', sa.Uuid(), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_by_name', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=True),
    sa.Column('file_format', sa.String(length=10), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('plan_hash', sa.String(length=64), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('applied_at', domain.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('applied_by_name', sa.String(length=200), nullable=True),
    sa.Column('undone_at', domain.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', domain.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', domain.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_imports_module_id_modules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imports'))
    )
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imports_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_imports_module_id'), ['module_id'], unique=False)

    op.create_table('import_rows',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('import_id', sa.Uuid(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('action', sa.Enum('create', 'update', 'unchanged', 'deactivate', 'error', 'possible_duplicate', name='row_action', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('target_id', sa.Uuid(), nullable=True),
    sa.Column('planned_version', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=300), nullable=True),
    sa.Column('values', sa.JSON(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=True),
    sa.Column('candidates', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['imports.id'], name=op.f('fk_import_rows_import_id_imports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_rows')),
    sa.UniqueConstraint('import_id', 'line', name=op.f('uq_import_rows_import_id_line'))
    )
    with op.batch_alter_table('import_rows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_rows_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_rows_target_id'), ['target_id'], unique=False)

    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agency_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_api_clients_agency_id'), ['agency_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_api_clients_agency_id_agencies'), 'agencies', ['agency_id'], ['id'])

    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', domain.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('user_name', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('user_name_key', sa.String(length=300), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_officers_user_name_key'), ['user_name_key'])



def downgrade() -> None:
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_officers_user_name_key'), type_='unique')
        batch_op.drop_column('user_name_key')
        batch_op.drop_column('user_name')
        batch_op.drop_column('deactivated_at')

    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_api_clients_agency_id_agencies'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_api_clients_agency_id'))
        batch_op.drop_column('agency_id')

    with op.batch_alter_table('import_rows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_rows_target_id'))
        batch_op.drop_index(batch_op.f('ix_import_rows_import_id'))

    op.drop_table('import_rows')
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imports_module_id'))
        batch_op.drop_index(batch_op.f('ix_imports_created_by_id'))

    op.drop_table('imports')
    with op.batch_alter_table('provisioning_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provisioning_links_officer_id'))

    op.drop_table('provisioning_links')
