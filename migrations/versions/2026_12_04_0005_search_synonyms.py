"""search synonyms: the `search_synonym` table (seeds/vocabulary/synonyms.yaml, one row per
term), which search reads at query time to expand a term into its group.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 02:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _binary(length: int | None = None) -> sa.types.TypeEngine[str]:
    """Text compared byte by byte on every engine (as 0001's, frozen here)."""
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "search_synonym",
        sa.Column("term_key", _binary(), nullable=False),
        sa.Column("term", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term_key", name=op.f("pk_search_synonym")),
    )
    with op.batch_alter_table("search_synonym", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_synonym_group_id"), ["group_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("search_synonym", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_synonym_group_id"))
    op.drop_table("search_synonym")
