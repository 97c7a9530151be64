"""Databases Loa made before it had migrations, recognised so they can be stamped.

Until migrations, `create_all` made the tables on every start and recorded no version.
Such a database has no `alembic_version` table; if its tables and columns are exactly
those of the first schema (revision 0001, the models of commit b10de42) it is that
revision, or a later one when it already has what that revision adds: the index of
0002 (databases made from commit 456afe2 on, which is every one the README's
instructions made), the erasure table of 0003 (from commit 5ea1aef on), the plan
closures of 0004 (from 0a162e8 on).

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

# What create_all went on to make before migrations existed, in order: (table, index or
# None for the table itself, the revision a database with it and all before it is).
_LATER = (
    ("outbox", "ix_outbox_expiry", "0002"),
    ("erasures", None, "0003"),
    ("plan_closures", None, "0004"),
)
_LATER_COLUMNS = {
    "erasures": frozenset(["id", "subject", "erased_at", "requested_by", "counts"]),
    "plan_closures": frozenset(["plan_id", "closed_at", "closed_by"]),
}


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
    for table, index, later in _LATER:
        if index is None:
            if table not in tables:
                break
            found = {column["name"] for column in inspector.get_columns(table)}
            if found != _LATER_COLUMNS[table]:
                return LegacyMatch(None, (f"bảng {table} khác lược đồ {later}",))
        elif index not in {found["name"] for found in inspector.get_indexes(table)}:
            break
        revision = later
    return LegacyMatch(revision, ())
