"""Loa's own file store: evidence photos and documents, named by their content.

    <root>/ab/ab12…ef.jpg      (the SHA-256 of the bytes, then the sniffed extension)

A file is written to a temporary name and renamed into place, so a process killed in
the middle leaves no half file under a real name; the same bytes sent twice are kept
once. The root is LOA_EVIDENCE_DIR, by default `evidence/` beside an SQLite database
(bot/config.py). Files are read back by reports and exports; `sweep` deletes the ones
no database row names any more (after an erasure).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

_TEMP_PREFIX = ".incoming-"


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def relative(self, sha256: str, extension: str) -> Path:
        return Path(sha256[:2]) / f"{sha256}.{extension}"

    def path(self, sha256: str, extension: str) -> Path:
        return self.root / self.relative(sha256, extension)

    def has(self, sha256: str, extension: str) -> bool:
        return self.path(sha256, extension).is_file()

    def read(self, sha256: str, extension: str) -> bytes:
        return self.path(sha256, extension).read_bytes()

    def put(self, data: bytes, sha256: str, extension: str) -> Path:
        """Keep `data` (whose hash the caller computed) and return where it is. Bytes
        already stored are not written again."""
        target = self.path(sha256, extension)
        if target.is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        return target

    def sweep(self, keep: Iterable[str], older_than: float) -> int:
        """Delete stored files whose hash is not in `keep`, and leftovers of writes cut
        short, if last written before `older_than` (epoch seconds: a file whose row is
        being committed right now is spared); how many files went."""
        wanted = set(keep)
        removed = 0
        if not self.root.is_dir():
            return 0
        for folder in self.root.iterdir():
            if not folder.is_dir() or len(folder.name) != 2:
                continue
            for path in folder.iterdir():
                leftover = path.name.startswith(_TEMP_PREFIX)
                unnamed = path.is_file() and path.name.split(".")[0] not in wanted
                if (leftover or unnamed) and path.stat().st_mtime < older_than:
                    with contextlib.suppress(OSError):
                        path.unlink()
                        removed += 1
        return removed
