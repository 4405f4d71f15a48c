"""nomination history cause: a structured cause on a status change that was not decided about the
nomination itself (module_cancelled: a module's cancellation withdrew it), which calendars read
instead of matching the free-text reason. Backfilled from the reason the lifecycle wrote
("module cancelled: ...").

Revision ID: 5d2f8a1c6e37
Revises: 3e8b21a7c4d1
Create Date: 2026-12-07 20:41:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '5d2f8a1c6e37'
down_revision: Union[str, None] = '3e8b21a7c4d1'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('nomination_history', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cause', sa.String(length=40), nullable=True))
    op.execute(
        "UPDATE nomination_history SET cause = 'module_cancelled' "
        "WHERE to_status = 'withdrawn' AND reason LIKE 'module cancelled%'"
    )


def downgrade() -> None:
    with op.batch_alter_table('nomination_history', schema=None) as batch_op:
        batch_op.drop_column('cause')
