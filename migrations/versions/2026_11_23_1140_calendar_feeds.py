"""calendar feeds: secret feed URLs of calendar subscriptions

Revision ID: 5e0c4a2d9b17
Revises: 69d81fedc05b
Create Date: 2026-11-23 11:40:00

Written by hand: one table, calendar_feeds.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import domain.db


revision: str = '5e0c4a2d9b17'
down_revision: Union[str, None] = '69d81fedc05b'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'calendar_feeds',
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.Enum('cycle', 'trainer', 'officer', name='kind', native_enum=False, create_constraint=True,
                                  length=40), nullable=False),
        sa.Column('target_id', sa.Uuid(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('revoked_at', domain.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', domain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', domain.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')),
    )
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_feeds_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_feeds_user_id'))
    op.drop_table('calendar_feeds')
