"""Evidence files: photos and documents sent as evidence, the jobs that download them
into Loa's store and where each copy is (bot/storage/evidence.py). A new table only.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 08:48:20.726674
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(), nullable=False),
        sa.Column("item_key", sa.String(), nullable=False),
        sa.Column("unit_id", sa.String(), nullable=False),
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("file_ref", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=False),
        sa.Column("sent_by", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sha256", sa.String(), nullable=True),
        sa.Column("extension", sa.String(), nullable=True),
        sa.Column("media_type", sa.String(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("refusal", sa.String(), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_key", "ref", name="uq_evidence_files_item_key_ref"),
    )
    with op.batch_alter_table("evidence_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_files_item_key"), ["item_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_files_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            "ix_evidence_files_ready", ["status", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("evidence_files", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_files_ready")
        batch_op.drop_index(batch_op.f("ix_evidence_files_plan_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_files_item_key"))

    op.drop_table("evidence_files")
