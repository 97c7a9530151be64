"""The console channel: `loa chat`, a conversation in the terminal as a member of one
unit's chat.

It is a channel like Telegram and Zalo (its traits are content.channels.CONSOLE): the
dispatcher delivers the chat's outbox rows through `deliver`, and every line typed is
an Event for the handlers. The console has nothing to point at a message with, so each
line answers the latest numbered message (a digest, a task list, a broadcast that asks
to confirm), as a quoted reply would. The handlers' answers are printed at once: with
no platform in between, there is nothing for the outbox to retry.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TextIO

from content.channels import CONSOLE
from content.clock import Clock
from content.dates import format_datetime
from handlers.context import EventHandler
from handlers.events import Event, FileUpload, Reply
from scheduler.delivery import Outgoing, PartHook, Rejected, WebRoutes

NAME = CONSOLE.name
OutputFormat = Literal["text", "jsonl"]
_COMMAND = re.compile(r"/(?P<name>[A-Za-z0-9_]+)(?:@\S+)?(?P<rest>.*)", re.DOTALL)


class ConsoleChannel:
    name = NAME

    def __init__(
        self,
        chat_id: str,
        chat_title: str,
        user_id: str,
        user_name: str,
        on_event: EventHandler,
        clock: Clock,
        out: TextIO,
        output: OutputFormat = "text",
        files_dir: Path | None = None,
    ) -> None:
        self.chat_id = chat_id
        self.chat_title = chat_title
        self.user_id = user_id
        self.user_name = user_name
        self.on_event = on_event
        self.clock = clock
        self.out = out
        self.output = output
        self.files_dir = files_dir or Path(tempfile.gettempdir()) / "loa-chat"
        self.latest_numbered: str | None = None  # the message a typed line answers
        self._sequence = 0

    # --- the Channel protocol ----------------------------------------------------------

    @property
    def username(self) -> str | None:
        return None

    def health(self) -> dict[str, Any]:
        return {"running": True, "mode": "console"}

    async def start(self, web: WebRoutes | None = None) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def deliver(self, message: Outgoing, on_part: PartHook | None = None) -> list[str]:
        message_id = self._next_id()
        saved = self._save(message.upload) if message.upload else None
        self._show(
            "message",
            message.text,
            message_id=message_id,
            kind=str(message.payload.get("kind", "")) or None,
            photo=message.photo,
            document=message.document or saved,
        )
        if message.payload.get("entries"):
            self.latest_numbered = message_id
        return [message_id]

    async def fetch_file(self, file_ref: str, max_bytes: int) -> bytes:
        raise Rejected("the console sends no files")  # its traits say no media

    # --- the person at the keyboard ----------------------------------------------------

    async def say(self, line: str) -> None:
        """One line typed in the chat: a command when it starts with "/", else a message
        answering the latest numbered message."""
        text = line.strip()
        if not text:
            return
        command = _COMMAND.fullmatch(text)
        event = Event(
            channel=NAME,
            chat_id=self.chat_id,
            chat_type="group",
            user_id=self.user_id,
            user_name=self.user_name,
            kind="command" if command else "message",
            received_at=self.clock.now(),
            text=text,
            command=command.group("name").lower() if command else None,
            args=tuple(command.group("rest").split()) if command else (),
            message_id=self._next_id(),
            reply_to_message_id=self.latest_numbered,
            quotes_bot=self.latest_numbered is not None,
            chat_title=self.chat_title,
        )
        self.show_replies(await self.on_event(event))

    def show_replies(self, replies: Sequence[Reply]) -> None:
        for reply in replies:
            if reply.chat_id not in (None, self.chat_id):
                continue  # meant for another chat of the channel: not this terminal's
            if reply.notice and not reply.text:
                self._show("notice", reply.notice)
            elif reply.text or reply.photo or reply.document or reply.file:
                saved = self._save(reply.file) if reply.file else None
                self._show(
                    "reply",
                    reply.text,
                    message_id=self._next_id(),
                    photo=reply.photo,
                    document=reply.document or saved,
                )

    def show_latest(self, text: str, sent_at: datetime | None, message_id: str | None) -> None:
        """A message the chat already received (shown again, not sent again)."""
        self._show("earlier", text, message_id=message_id, sent_at=sent_at)
        if message_id is not None:
            self.latest_numbered = message_id

    def note(self, text: str) -> None:
        """A line from `loa chat` itself, not from the bot."""
        self._show("note", text)

    # --- output ------------------------------------------------------------------------

    def _save(self, upload: FileUpload) -> str:
        """A file the bot sent: written to the files folder; its path is what is shown."""
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / Path(upload.name).name  # never outside the folder
        path.write_bytes(upload.data)
        return str(path)

    def _next_id(self) -> str:
        # Unique across runs, so a typed reply never points at an older session's message.
        self._sequence += 1
        return f"{self.clock.now().strftime('%Y%m%d%H%M%S%f')}-{self._sequence}"

    def _show(
        self,
        what: str,
        text: str,
        *,
        message_id: str | None = None,
        kind: str | None = None,
        photo: str | None = None,
        document: str | None = None,
        sent_at: datetime | None = None,
    ) -> None:
        if self.output == "jsonl":
            record = {"what": what, "kind": kind, "text": text, "message_id": message_id}
            record.update(
                {
                    key: value
                    for key, value in (
                        ("photo", photo),
                        ("document", document),
                        ("sent_at", sent_at.isoformat() if sent_at else None),
                    )
                    if value
                }
            )
            self.out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            self.out.write(self._as_text(what, text, photo, document, sent_at))
        self.out.flush()

    def _as_text(
        self,
        what: str,
        text: str,
        photo: str | None,
        document: str | None,
        sent_at: datetime | None,
    ) -> str:
        if what == "note":
            return f"· {text}\n"
        if what == "notice":
            return f"🔔 {text}\n"
        when = format_datetime(sent_at or self.clock.now())
        head = f"── Loa · {when} ──"
        lines = [head]
        if photo:
            lines.append(f"[ảnh: {photo}]")
        if document:
            lines.append(f"[tệp: {document}]")
        if text:
            lines.append(text)
        return "\n".join(lines) + "\n\n"
