"""provisioning_links.sent_active goes: SCIM reports `active` for every officer now, so whether
the source once sent it no longer matters

Revision ID: 7c0e5a91d4f3
Revises: ea015164fc49
Create Date: 2026-12-07 16:19:00
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "7c0e5a91d4f3"
down_revision: Union[str, None] = "ea015164fc49"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("provisioning_links") as batch:
        batch.drop_column("sent_active")


def downgrade() -> None:
    with op.batch_alter_table("provisioning_links") as batch:
        batch.add_column(sa.Column("sent_active", sa.Boolean(), server_default=sa.false(), nullable=False))
