"""Databases Loa made before it had migrations, recognised so they can be stamped.

Until migrations, `create_all` made the tables on every start and recorded no version.
Such a database has no `alembic_version` table; if its tables and columns are exactly
those of the first schema (revision 0001, the models of commit b10de42) it is that
revision, or 0002 when it already has the index that revision adds (databases made
from commit 456afe2 on, which is every one the README's instructions made).

Frozen: this describes databases that already exist. A new migration never changes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.engine import Inspector

FIRST_SCHEMA: Mapping[str, frozenset[str]] = {
    table: frozenset(columns.split())
    for table, columns in {
        "plans": "id title year source_name source_text digest loaded_at",
        "chat_links": "id plan_id unit_id channel chat_id chat_type title origin active "
        "linked_at linked_by deactivated_at deactivated_reason",
        "invites": "code plan_id unit_id created_at expires_at created_by used_at used_by",
        "confirmations": "item_key plan_id unit_id task_id confirmed_at confirmed_by "
        "confirmed_by_name channel chat_id evidence undone_at undone_by",
        "outbox": "id key plan_id channel chat_id kind text payload not_before expires_at "
        "status attempts next_attempt_at claimed_by claimed_at message_ids sent_at "
        "last_error created_at",
        "sent_messages": "channel chat_id message_id outbox_id",
        "inbound_events": "id channel event_key received_at payload processed_at",
        "broadcasts": "id plan_id created_by created_at content_kind text media "
        "media_channel targets unit_ids require_confirmation due status origin confirmed_at",
        "conversations": "channel chat_id user_id name state updated_at",
        "send_counters": "channel month count warned",
        "settings": "key value",
    }.items()
}

# (table, index, revision): the revisions before migrations existed that differ from
# the first schema only by an index create_all made.
_LATER_INDEXES = (("outbox", "ix_outbox_expiry", "0002"),)


@dataclass(frozen=True)
class LegacyMatch:
    revision: str | None  # the revision the database is, or None
    differences: tuple[str, ...]  # why it is none, for the message to the user


def match_legacy(inspector: Inspector) -> LegacyMatch:
    """Which pre-migration revision the inspected database is, if any."""
    tables = set(inspector.get_table_names())
    differences = [f"thiếu bảng {table}" for table in FIRST_SCHEMA if table not in tables]
    for table, expected in FIRST_SCHEMA.items():
        if table not in tables:
            continue
        found = {column["name"] for column in inspector.get_columns(table)}
        differences += [f"thiếu cột {table}.{name}" for name in sorted(expected - found)]
        differences += [f"cột lạ {table}.{name}" for name in sorted(found - expected)]
    if differences:
        return LegacyMatch(None, tuple(differences))
    revision = "0001"
    for table, index, later in _LATER_INDEXES:
        if index in {found["name"] for found in inspector.get_indexes(table)}:
            revision = later
    return LegacyMatch(revision, ())
