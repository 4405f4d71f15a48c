"""sign-in failures per user name and address; machine-client secret rotation

Revision ID: ea015164fc49
Revises: e1f2a3b4c5d6
Create Date: 2026-12-07 09:17:00

Written by hand. sign_in_attempts (one row per failure, counted per user name: anyone could lock
any account) gives way to sign_in_failures (one row per user name and address, with the time of
the last two failures); the failures counted so far are dropped, which only forgets them early.
api_clients gain the previous secret kept through a rotation's overlap, and a credentials version.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import domain.db


revision: str = 'ea015164fc49'
down_revision: Union[str, None] = 'e1f2a3b4c5d6'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'sign_in_failures',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('username', sa.String(length=320), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_at', domain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('previous_at', domain.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_failures')),
        sa.UniqueConstraint('username', 'address', name=op.f('uq_sign_in_failures_username_address')),
    )
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_failures_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_failures_last_at'), ['last_at'], unique=False)
    _drop_sign_in_attempts()
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_secret_hash', sa.String(length=300), nullable=True))
        batch_op.add_column(
            sa.Column('previous_secret_until', domain.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column('credentials_version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.drop_column('credentials_version')
        batch_op.drop_column('previous_secret_until')
        batch_op.drop_column('previous_secret_hash')
    op.create_table(
        'sign_in_attempts',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('at', domain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('username', sa.String(length=120), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_attempts')),
    )
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_attempts_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_attempts_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_attempts_username'), ['username'], unique=False)
    with op.batch_alter_table('sign_in_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_failures_last_at'))
        batch_op.drop_index(batch_op.f('ix_sign_in_failures_address'))
    op.drop_table('sign_in_failures')


def _drop_sign_in_attempts() -> None:
    with op.batch_alter_table('sign_in_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_attempts_username'))
        batch_op.drop_index(batch_op.f('ix_sign_in_attempts_at'))
        batch_op.drop_index(batch_op.f('ix_sign_in_attempts_address'))
    op.drop_table('sign_in_attempts')
