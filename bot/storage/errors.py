"""Why a database could not be opened, in terms the command line can explain. No
SQLAlchemy here: the command line imports this before it knows it needs a database."""

from __future__ import annotations


class MissingDriver(RuntimeError):
    """The URL needs a database driver that is not installed (psycopg without the
    `[postgres]` extra)."""

    def __init__(self, shown_url: str, backend: str, module: str | None) -> None:
        super().__init__(f"{shown_url} needs the Python module {module}, which is not installed")
        self.shown_url = shown_url
        self.backend = backend
        self.module = module or "?"


class DatabaseMissing(RuntimeError):
    """A command that only reads found no database where the URL points (an SQLite
    file that does not exist): it says so rather than create an empty one."""

    def __init__(self, shown_url: str) -> None:
        super().__init__(f"no database at {shown_url}")
        self.shown_url = shown_url
