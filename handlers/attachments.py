"""The files outbox messages carry, made as each message goes out (the dispatcher's
`attach` hook, wired by `loa run`): a report reminder's draft báo cáo, and a web
broadcast's photo or document from Loa's file store.

A stored file goes as its bytes to channels whose traits say `uploads` (Telegram), and
as its address under LOA_PUBLIC_URL to channels that take files by URL only (Zalo);
without LOA_PUBLIC_URL such a channel gets the text alone, which already says a file
could not come (handlers/broadcast_send.py). The bytes of the last few files are
cached, so a broadcast to hundreds of chats holds one copy in memory, not one per chat.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

from bot.reports.bao_cao import report_bytes, report_file_name
from bot.reports.report_data import gather
from bot.storage.db import Database
from bot.storage.files import FileStore
from bot.storage.plan_cache import stored_plan
from content.broadcast_files import EXTENSIONS, FILE_PATTERN, file_url, how_sent
from content.clock import Clock
from content.payloads import StoredFile
from scheduler.delivery import FileLink, FileUpload

log = logging.getLogger(__name__)

CACHED_FILES = 2


class Attachments:
    """The dispatcher's `attach`: (payload key, its description, channel) -> the file."""

    def __init__(
        self, database: Database, clock: Clock, store: FileStore, public_url: str | None
    ) -> None:
        self.database = database
        self.clock = clock
        self.store = store
        self.public_url = public_url
        self._read = lru_cache(maxsize=CACHED_FILES)(store.read)

    async def __call__(
        self, key: str, described: dict[str, Any], channel: str
    ) -> FileUpload | FileLink | None:
        if key == "report":
            return await self.report_draft(described)
        if key == "file":
            return await self.stored_file(described, channel)
        return None

    async def report_draft(self, described: dict[str, Any]) -> FileUpload | None:
        """The draft báo cáo a report reminder carries."""
        async with self.database.session() as session:
            plan = await stored_plan(session, str(described.get("plan_id")))
            if plan is None:
                return None
            data = await gather(
                session,
                plan.id,
                as_of=self.clock.now().astimezone(plan.tz).date(),
                unit_id=described.get("unit_id"),
                store=self.store,
            )
        if data is None:
            return None
        document = await asyncio.to_thread(report_bytes, data)
        return FileUpload(report_file_name(data), document)

    async def stored_file(
        self, described: dict[str, Any], channel: str
    ) -> FileUpload | FileLink | None:
        """A broadcast's stored file as `channel` can take it; None when it cannot (no
        public address for a URL-only channel) or the file is gone (erased)."""
        stored: StoredFile = {
            "sha256": str(described.get("sha256", "")),
            "extension": str(described.get("extension", "")),
            "name": str(described.get("name", "")),
            "kind": "photo" if described.get("kind") == "photo" else "document",
        }
        well_formed = FILE_PATTERN.fullmatch(f"{stored['sha256']}.{stored['extension']}")
        if not well_formed or stored["extension"] not in EXTENSIONS:
            log.warning("an outbox row names a malformed stored file; sent as text")
            return None
        if not self.store.has(stored["sha256"], stored["extension"]):
            log.warning("a broadcast's stored file is gone; sent as text")
            return None
        way = how_sent(channel, self.public_url)
        if way == "upload":
            data = await asyncio.to_thread(self._read, stored["sha256"], stored["extension"])
            key = f"{stored['sha256']}.{stored['extension']}"
            return FileUpload(stored["name"], data, stored["kind"], key=key)
        if way == "link" and self.public_url:
            return FileLink(stored["name"], file_url(self.public_url, stored), stored["kind"])
        return None
