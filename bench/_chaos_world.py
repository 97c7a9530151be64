"""The world bench/chaos.py attacks: a plan, the fake platforms, and what people do.

One plan: Telegram groups and Zalo groups, one unit each, every unit with two tasks due
today (one on each side with forty more, so its digest goes out in three or more
parts), admins on both platforms. What happens in a round, besides the 07:30 digests:
in every group a member asks /nhiemvu and, once the digest is there, answers "xong 1";
people ask /huongdan in private chats; the Telegram admin runs the whole /guitin
dialogue and sends a long text to every unit (two parts on Zalo).

`Expectation`s say what each chat must have received exactly once at the end; they are
written from what people did, not from Loa's outbox.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes import FakeTelegram, FakeZalo
from tests.fakes._common import FakeTimeout, wait_until

TELEGRAM_GROUPS = [-100_500 - n for n in range(10)]
ZALO_GROUPS = [f"2a{n:018d}" for n in range(4)]
TELEGRAM_PEOPLE = [700_100 + n for n in range(5)]
ZALO_PEOPLE = [f"3b{n:018d}" for n in range(2)]
ADMIN = 9001
ZALO_ADMIN = "4c000000000000000001"
MEMBER = 700_001
ZALO_MEMBER = "5d000000000000000001"
LONG_TASKS = 40  # extra tasks of the first unit on each platform: a digest in parts
LAST_LONG_TASK = f"Việc dài số {LONG_TASKS:02d}"
STEP_WAIT = 150.0  # seconds a person waits for an answer before calling it lost

Record = Any  # a fake's delivered-message record (SentMessage or ZaloSent)


def plan_yaml() -> str:
    chats = [f"telegram:{chat}" for chat in TELEGRAM_GROUPS] + [
        f"zalo:{chat}" for chat in ZALO_GROUPS
    ]
    units = "".join(
        f"  - id: dv-{n:02d}\n    name: Đơn vị {n:02d}\n    channels: [{chat}]\n"
        for n, chat in enumerate(chats)
    )
    long_owners = f"[dv-00, dv-{len(TELEGRAM_GROUPS):02d}]"
    tasks = "".join(
        f"  - id: viec-{n}\n    title: Việc chung số {n} của mọi đơn vị\n"
        "    owners: [all]\n    due: 2026-03-02\n"
        for n in (1, 2)
    ) + "".join(
        f"  - id: viec-dai-{n:02d}\n"
        f"    title: Việc dài số {n:02d} - đăng tin, bài tuyên truyền về chủ đề {n:02d} trên "
        "trang thông tin điện tử và các nhóm mạng xã hội của đơn vị, kèm minh chứng\n"
        f"    owners: {long_owners}\n    due: 2026-03-02\n"
        for n in range(1, LONG_TASKS + 1)
    )
    return (
        "plan:\n  id: chaos\n  title: Kế hoạch thử lỗi năm 2026\n  issuer: Sở Thử nghiệm\n"
        f"  year: 2026\nadmins: [telegram:{ADMIN}, zalo:{ZALO_ADMIN}]\n"
        f"anniversaries:\n  include: []\nunits:\n{units}tasks:\n{tasks}"
    )


def broadcast_text(round_no: int) -> str:
    """About 2,600 characters: one Telegram message, two Zalo parts."""
    body = " ".join(["Nội dung tuyên truyền hưởng ứng ngày Quốc tế Phụ nữ 8/3."] * 42)
    return f"BC-{round_no}-START {body}\n\n{body[:200]} BC-{round_no}-END"


@dataclass(frozen=True)
class Expectation:
    platform: str  # telegram | zalo
    chat: Any
    what: str
    matches: Callable[[Record], bool]
    # The Zalo update that asks for it: Zalo's getUpdates has no acknowledgement, so an
    # update handed to a process killed before it stored it is never handed out again.
    asked_by: str | None = None
    # For an answer about an earlier message (a "xong 1" about the digest): that message.
    about: str | None = None


def _starts(prefix: str) -> Callable[[Record], bool]:
    return lambda record: record.content.startswith(prefix)


def _holds(text: str) -> Callable[[Record], bool]:
    return lambda record: text in record.content


def _key(update: dict[str, Any]) -> str:
    return str(update["message"]["message_id"])


@dataclass
class People:
    """What people do in one round, and what that makes them expect."""

    telegram: FakeTelegram
    zalo: FakeZalo
    rng: random.Random
    round_no: int
    expected: list[Expectation] = field(default_factory=list)
    lost_steps: list[str] = field(default_factory=list)  # answers a person waited for in vain

    def digests(self) -> None:
        for platform, groups in (("telegram", TELEGRAM_GROUPS), ("zalo", ZALO_GROUPS)):
            for index, chat in enumerate(groups):
                self.expected.append(Expectation(platform, chat, "digest", _starts("🔔")))
                if index == 0:
                    self.expected.append(
                        Expectation(platform, chat, "digest, last part", _holds(LAST_LONG_TASK))
                    )

    async def act(self, within: float) -> None:
        """Everything people do, spread over the first `within` seconds."""
        self.digests()
        await asyncio.gather(
            self._broadcast(),
            *(self._group(chat, within) for chat in TELEGRAM_GROUPS),
            *(self._zalo_group(chat, within) for chat in ZALO_GROUPS),
            *(self._help(chat, within) for chat in TELEGRAM_PEOPLE),
            *(self._zalo_help(chat, within) for chat in ZALO_PEOPLE),
        )

    async def _later(self, within: float) -> None:
        await asyncio.sleep(self.rng.uniform(0.5, within))

    async def _group(self, chat: int, within: float) -> None:
        await self._later(within)
        self.telegram.message(chat, "/nhiemvu", user_id=MEMBER)
        # The answer is a message of its own (it goes through the outbox, numbered, so a
        # reply to it confirms by number), not a reply to the command.
        self.expected.append(Expectation("telegram", chat, "answer to /nhiemvu", _starts("📋")))
        digest = await self._first(self.telegram, chat, "🔔")
        if digest is None:
            return  # the digest itself is counted lost
        await self._later(within / 3)
        said = self.telegram.message(chat, "xong 1", user_id=MEMBER, reply_to_message=digest)
        done = said["message"]["message_id"]
        self.expected.append(
            Expectation(
                "telegram",
                chat,
                "answer to «xong 1»",
                lambda record: record.reply_to_message_id == done,
                about="🔔",
            )
        )

    async def _zalo_group(self, chat: str, within: float) -> None:
        await self._later(within)
        asked = self.zalo.text_message(chat, "/nhiemvu", user_id=ZALO_MEMBER, chat_type="GROUP")
        self.expected.append(
            Expectation("zalo", chat, "answer to /nhiemvu", _starts("📋"), _key(asked))
        )
        if await self._first(self.zalo, chat, "🔔") is None:
            return
        await self._later(within / 3)
        said = self.zalo.text_message(chat, "xong 1", user_id=ZALO_MEMBER, chat_type="GROUP")
        self.expected.append(
            Expectation(
                "zalo",
                chat,
                "answer to «xong 1»",
                _starts("✅ Đã ghi nhận việc 1"),
                _key(said),
                about="🔔",
            )
        )

    async def _help(self, chat: int, within: float) -> None:
        await self._later(within)
        self.telegram.message(chat, "/huongdan", user_id=chat, chat_type="private")
        self.expected.append(Expectation("telegram", chat, "answer to /huongdan", _starts("📖")))

    async def _zalo_help(self, chat: str, within: float) -> None:
        await self._later(within)
        asked = self.zalo.text_message(chat, "/huongdan", user_id=chat)
        self.expected.append(
            Expectation("zalo", chat, "answer to /huongdan", _starts("📖"), _key(asked))
        )

    async def _first(self, fake: FakeTelegram | FakeZalo, chat: Any, prefix: str) -> Record:
        try:
            found = await wait_until(
                lambda: [m for m in fake.sent_to(chat) if m.content.startswith(prefix)],
                within=STEP_WAIT,
                describe=lambda: prefix,
            )
        except FakeTimeout:
            return None
        return found[0]

    async def _broadcast(self) -> None:
        """The admin's /guitin dialogue, each step once its own answer came (not just any
        message: an alert to the admin may come in between)."""
        text = broadcast_text(self.round_no)

        def saying(words: str) -> Callable[[Record], bool]:
            return lambda message: words in message.content

        def offering(data: str) -> Callable[[Record], bool]:
            return lambda message: any(
                button.get("callback_data", "").startswith(data) for button in message.buttons
            )

        steps = [
            ("/guitin", saying("Bước 1/3")),
            (text, saying("Bước 2/3")),
            ("tất cả", saying("Bước 3/3")),
            ("không", offering("bc:send:")),
        ]
        for said, answers_it in steps:
            seen = len(self.telegram.sent_to(ADMIN))
            self.telegram.message(ADMIN, said, user_id=ADMIN, chat_type="private")
            try:
                answers = await wait_until(
                    lambda seen=seen, answers_it=answers_it: [
                        m for m in self.telegram.sent_to(ADMIN)[seen:] if answers_it(m)
                    ],
                    within=STEP_WAIT,
                    describe=lambda: "answer",
                )
            except FakeTimeout:
                self.lost_steps.append(f"answer to the admin's «{said[:20]}»")
                return
        preview = answers[-1]
        send = next(b for b in preview.buttons if b["callback_data"].startswith("bc:send:"))
        self.telegram.callback_query(ADMIN, preview, send["callback_data"], user_id=ADMIN)
        start, end = f"BC-{self.round_no}-START", f"BC-{self.round_no}-END"
        for platform, groups in (("telegram", TELEGRAM_GROUPS), ("zalo", ZALO_GROUPS)):
            for chat in groups:
                self.expected.append(Expectation(platform, chat, "broadcast", _holds(start)))
                self.expected.append(
                    Expectation(platform, chat, "broadcast, last part", _holds(end))
                )
        self.expected.append(
            Expectation("telegram", ADMIN, "delivery report", _starts("📬 Kết quả gửi tin"))
        )

    def missing(self) -> list[Expectation]:
        return [e for e in self.expected if not any(e.matches(m) for m in self._sent(e))]

    def _sent(self, expectation: Expectation) -> list[Record]:
        fake = self.telegram if expectation.platform == "telegram" else self.zalo
        return fake.sent_to(expectation.chat)
