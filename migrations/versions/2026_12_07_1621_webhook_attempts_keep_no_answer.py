"""webhook attempts keep no part of the answer: the response excerpt goes (a subscriber could read
through it what its URL reaches), and the error becomes a short fixed classification instead of
an exception's text (domain/models/webhooks.py AttemptError); existing rows are classified.

Revision ID: 7c1a5e0d2b93
Revises: 7e1b0c5a9d19
Create Date: 2026-12-07 13:47:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '7c1a5e0d2b93'
down_revision: Union[str, None] = '7e1b0c5a9d19'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

CLASSIFY = """
UPDATE webhook_attempts SET error = CASE
    WHEN error LIKE 'redirects%' THEN 'redirect-not-followed'
    WHEN error LIKE 'not sent%' THEN 'event-gone'
    WHEN error LIKE 'InvalidInput%' THEN 'target-refused'
    WHEN error LIKE '%Timeout%' THEN 'timeout'
    WHEN error LIKE '%SSL%' OR error LIKE '%CERTIFICATE%' THEN 'tls-failed'
    WHEN error LIKE 'ConnectError%' THEN 'connect-failed'
    WHEN error LIKE 'RemoteProtocolError%' OR error LIKE 'ReadError%' OR error LIKE 'WriteError%'
        OR error LIKE 'LocalProtocolError%' THEN 'invalid-response'
    ELSE 'failed'
END
WHERE error IS NOT NULL
"""


def upgrade() -> None:
    op.execute(CLASSIFY)
    with op.batch_alter_table("webhook_attempts") as batch:
        batch.drop_column("response_excerpt")


def downgrade() -> None:
    with op.batch_alter_table("webhook_attempts") as batch:
        batch.add_column(sa.Column("response_excerpt", sa.Text(), nullable=True))
