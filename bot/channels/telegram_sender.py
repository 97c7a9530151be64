"""Telegram, the sending side: an Outgoing row or a file Loa made becomes API calls
(telegram_content.py), each one through the rate limiter with its errors mapped for the
outbox (telegram_errors.py); and the download of a file someone sent as evidence."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, TypeVar

from telegram import InputFile, ReplyParameters
from telegram.error import InvalidToken, TelegramError
from telegram.ext import ExtBot

from bot.channels.ratelimit import RateLimiter
from bot.channels.telegram_content import ApiCall, contact_mentions, plan_parts
from bot.channels.telegram_errors import map_error
from content.banner import CHAT_SIZE, BannerError, BannerSpec, render_banner
from handlers.events import Reply
from scheduler.delivery import FileTooLarge, Outgoing, PartHook, Rejected, RetryLater

log = logging.getLogger(__name__)

DIRECT_RETRIES = 2  # in-place retries of an edit or a file (messages: the outbox retries)
MAX_IN_PLACE_WAIT = 60.0  # an edit or a file that must wait longer is given up
REMEMBERED_FILE_IDS = 64  # uploads whose Telegram file id is kept for sending again

T = TypeVar("T")


def is_group_chat(chat_id: str) -> bool:
    """Telegram gives groups, supergroups and channels negative ids (or an @username)."""
    return chat_id.startswith(("-", "@"))


def chat_ref(chat_id: str) -> int | str:
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


class _RefusedFileId(Exception):
    """Telegram refused a file id remembered from an earlier upload."""

    def __init__(self, parts: tuple[str, ...]) -> None:
        super().__init__("file id refused")
        self.parts = parts  # ids of the parts delivered before it


class TelegramSender:
    """Sends for the channel through its bot and rate limiter."""

    def __init__(self, bot: ExtBot[Any], limiter: RateLimiter) -> None:
        self.bot = bot
        self.limiter = limiter
        # Upload key -> the file id Telegram gave for it: a broadcast's photo goes up
        # once, then to every other group by its id (20 MB × 1,000 groups is 20 GB).
        self._file_ids: OrderedDict[str, str] = OrderedDict()
        self._uploading: dict[str, asyncio.Lock] = {}

    async def deliver(self, message: Outgoing, on_part: PartHook | None = None) -> list[str]:
        key = message.upload.key if message.upload is not None else None
        if key is None:
            return await self._deliver(message, on_part, None)
        if key not in self._file_ids:
            # One upload at a time per file: the chats sent to meanwhile wait for its id.
            async with self._uploading.setdefault(key, asyncio.Lock()):
                if key not in self._file_ids:
                    try:
                        return await self._deliver(message, on_part, None)
                    finally:
                        if key in self._file_ids:
                            self._uploading.pop(key, None)
        reused = self._file_ids.get(key)
        try:
            return await self._deliver(message, on_part, reused)
        except _RefusedFileId as refused:
            # Forget the id and upload the bytes, after the parts already delivered.
            self._file_ids.pop(key, None)
            log.info("Telegram: a remembered file id was refused; uploading the file again")
            return await self._deliver(replace(message, parts_sent=refused.parts), on_part, None)

    def _remember(self, key: str, file_id: str) -> None:
        self._file_ids[key] = file_id
        self._file_ids.move_to_end(key)
        while len(self._file_ids) > REMEMBERED_FILE_IDS:
            self._file_ids.popitem(last=False)

    async def _deliver(
        self, message: Outgoing, on_part: PartHook | None, reused: str | None
    ) -> list[str]:
        photo: str | InputFile | None = message.photo
        document: str | InputFile | None = message.document
        remember: str | None = None
        if message.upload is not None:
            upload: str | InputFile = reused or InputFile(
                message.upload.data, filename=message.upload.name
            )
            remember = message.upload.key if reused is None else None
            if message.upload.kind == "photo":
                photo = upload
            else:
                document = upload
        if photo is None and message.payload.get("banner"):
            photo = await self._banner(message.payload["banner"])
        reply_to = message.reply_to
        parts = plan_parts(
            message.text,
            message.buttons,
            photo,
            document,
            int(reply_to) if reply_to and reply_to.isdigit() else None,
            found=contact_mentions(message.text, message.payload),
        )
        if not parts:
            raise Rejected("nothing to send: the message is empty")
        # Parts an earlier attempt delivered (and recorded) are skipped.
        done = len(message.parts_sent) if len(message.parts_sent) < len(parts) else 0
        ids = list(message.parts_sent[:done])
        for index in range(done, len(parts)):
            part = parts[index]
            learn = remember if isinstance(part.media, InputFile) else None
            send = self.sender(message.chat_id, part, learn)
            try:
                ids.append(await self.request(message.chat_id, send))
            except Rejected:
                if reused is not None and part.media == reused:
                    raise _RefusedFileId(tuple(ids)) from None
                raise
            if on_part is not None and index < len(parts) - 1:
                await on_part(ids)
        return ids

    async def fetch_file(self, file_ref: str, max_bytes: int) -> bytes:
        """A file someone sent, by file id: getFile, then the download from the file URL
        (both through LOA_TELEGRAM_API_URL). Bots may download files up to 20 MB."""
        try:
            remote = await self.bot.get_file(file_ref)
        except TelegramError as error:
            failure = map_error(error)
            if isinstance(failure, Rejected) and "too big" in str(failure).lower():
                raise FileTooLarge(str(failure)) from None
            raise failure from None
        if remote.file_size is not None and remote.file_size > max_bytes:
            raise FileTooLarge(f"{remote.file_size} bytes", remote.file_size)
        try:
            data = bytes(await remote.download_as_bytearray())
        except InvalidToken:
            # PTB reads a 404 as a bad token; here it is the file link (valid for an hour)
            # gone stale: the next attempt asks getFile for a fresh one.
            raise RetryLater("Telegram file link expired", None, per_chat=True) from None
        except TelegramError as error:
            raise map_error(error) from None
        if len(data) > max_bytes:
            raise FileTooLarge(f"{len(data)} bytes", len(data))
        return data

    async def send_file(self, chat_id: str, reply: Reply, reply_to: str | None) -> None:
        """A file Loa made on request (a personal-data export), with its text: direct,
        as docs/architecture.md explains."""
        assert reply.file is not None
        upload = InputFile(reply.file.data, filename=reply.file.name)
        photo, document = (upload, None) if reply.file.kind == "photo" else (None, upload)
        quoted = int(reply_to) if reply_to and reply_to.isdigit() else None
        for part in plan_parts(reply.text, reply.buttons, photo, document, quoted):
            await self.request(chat_id, self.sender(chat_id, part), retries=DIRECT_RETRIES)

    @staticmethod
    async def _banner(description: dict[str, Any]) -> InputFile | None:
        """The suggested post's banner (planner payload "banner"), drawn now: the outbox
        stores what it says, not the image. Drawing takes ~0.2 s, off the event loop. A
        banner that cannot be drawn leaves the post as text."""
        try:
            spec = BannerSpec.from_payload(description)
            image = await asyncio.to_thread(render_banner, spec, CHAT_SIZE)
        except (BannerError, OSError) as error:
            log.warning("Telegram: post sent without its banner: %s", error)
            return None
        return InputFile(image, filename="pa-no.png")

    def sender(
        self, chat_id: str, part: ApiCall, remember: str | None = None
    ) -> Callable[[], Awaitable[str]]:
        """The call that sends `part`; with `remember`, the file id Telegram gives the
        uploaded file is kept under that key."""
        target = chat_ref(chat_id)
        reply_parameters = (
            ReplyParameters(part.reply_to, allow_sending_without_reply=True)
            if part.reply_to
            else None
        )
        common: dict[str, Any] = {"reply_markup": part.markup, "reply_parameters": reply_parameters}

        async def send() -> str:
            entities = part.entities or None
            if part.method == "photo":
                sent = await self.bot.send_photo(
                    target,
                    part.media or "",
                    caption=part.text or None,
                    caption_entities=entities,
                    **common,
                )
            elif part.method == "document":
                sent = await self.bot.send_document(
                    target,
                    part.media or "",
                    caption=part.text or None,
                    caption_entities=entities,
                    **common,
                )
            else:
                sent = await self.bot.send_message(target, part.text, entities=entities, **common)
            if remember is not None:
                given = sent.photo[-1].file_id if sent.photo else None
                given = given or (sent.document.file_id if sent.document else None)
                if given:
                    self._remember(remember, given)
            return str(sent.message_id)

        return send

    async def request(
        self, chat_id: str, call: Callable[[], Awaitable[T]], *, retries: int = 0
    ) -> T:
        """One API call for a chat, through the limiter, with errors mapped for the outbox.

        A passing failure is retried here up to `retries` times when the wait is short;
        the chat's own penalty in the limiter does the waiting, so other chats go on."""
        attempt = 0
        while True:
            async with self.limiter.slot(chat_id, is_group_chat(chat_id)):
                try:
                    return await call()
                except TelegramError as error:
                    failure = map_error(error)
                    if isinstance(failure, RetryLater) and failure.retry_after is not None:
                        self.limiter.penalise(chat_id, failure.retry_after)
            if not isinstance(failure, RetryLater) or attempt >= retries:
                raise failure
            wait = failure.retry_after if failure.retry_after is not None else 2.0**attempt
            if wait > MAX_IN_PLACE_WAIT:
                raise failure
            if failure.retry_after is None:
                self.limiter.penalise(chat_id, wait)
            attempt += 1
            log.info("Telegram chat %s: %s; retrying in %.0f s", chat_id, failure, wait)
