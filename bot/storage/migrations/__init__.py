"""Alembic migrations of Loa's database, run from code by `bot.storage.schema` (there is
no alembic.ini). `versions/` holds one file per schema change; docs/architecture.md
("How to change the schema") says how to add one."""
