"""idempotency keys: the Idempotency-Key store (claims and the answers retries replay)

Revision ID: d2e3f4a5b6c7
Revises: f4a5b6c7d8e9
Create Date: 2026-12-01 14:10:00

Written by hand: one table, idempotency_keys.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import domain.db


revision: str = 'd2e3f4a5b6c7'
down_revision: Union[str, None] = "f4a5b6c7d8e9"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'idempotency_keys',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('principal', sa.String(length=80), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('state', sa.Enum('processing', 'completed', name='state', native_enum=False, create_constraint=True,
                                   length=40), nullable=False),
        sa.Column('attempt', sa.Uuid(), nullable=False),
        sa.Column('locked_until', domain.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_at', domain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', domain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('headers', sa.JSON(), nullable=True),
        sa.Column('body', sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
        sa.UniqueConstraint('principal', 'key', name=op.f('uq_idempotency_keys_principal_key')),
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_expires_at'))
    op.drop_table('idempotency_keys')
