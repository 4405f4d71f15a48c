"""reaction alert: a cycle's threshold under which a module's reaction score is flagged on the
coordinator's dashboard.

Revision ID: 5b1c0a7e2d31
Revises: f4e12513ab45
Create Date: 2026-12-07 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1c0a7e2d31"
down_revision: str | None = "f4e12513ab45"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.add_column(sa.Column("reaction_alert_below", sa.Float(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_cycles_reaction_alert_score"),
            "reaction_alert_below IS NULL OR (reaction_alert_below >= 0 AND reaction_alert_below <= 100)",
        )


def downgrade() -> None:
    with op.batch_alter_table("cycles") as batch_op:
        batch_op.drop_constraint(op.f("ck_cycles_reaction_alert_score"), type_="check")
        batch_op.drop_column("reaction_alert_below")
