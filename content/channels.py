"""The channels Loa speaks through, described rather than compared.

Everything outside the channel adapters asks a channel's traits ("can it show
buttons?", "how does a reply point at our message?") instead of testing its name, so
a new channel is one adapter in bot/channels/ and one row here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from content.i18n import N_

# How a person's message points at the bot message it answers:
#   "reply": the platform's reply-to (Telegram);
#   "quote": quoting the message (Zalo), the only way a group message reaches the bot;
#   "latest": nothing to point with: every message answers the latest digest (console).
ReplyReference = Literal["reply", "quote", "latest"]
# How a command reaches the bot in a group: typed as is ("/xong 2"), or only when the
# message mentions or quotes the bot (Zalo drops other group messages).
GroupCommands = Literal["direct", "mention"]


@dataclass(frozen=True)
class RateLimits:
    """A channel's send limits (bot/channels/ratelimit.py keeps to them); also the value
    of LOA_TELEGRAM_LIMITS, which is why it lives below the settings."""

    global_per_second: float = 30.0
    group_per_minute: int = 20
    chat_per_second: float = 1.0

    def __post_init__(self) -> None:
        if self.global_per_second <= 0 or self.group_per_minute < 1 or self.chat_per_second <= 0:
            raise ValueError(f"rate limits must be positive: {self}")

    @property
    def chat_interval(self) -> float:
        return 1.0 / self.chat_per_second

    @classmethod
    def parse(cls, text: str) -> RateLimits:
        """Read "GLOBAL_PER_S,GROUP_PER_MIN,CHAT_PER_S", e.g. "30,20,1"."""
        try:
            global_rate, group_budget, chat_rate = (part.strip() for part in text.split(","))
            return cls(float(global_rate), int(group_budget), float(chat_rate))
        except ValueError:
            raise ValueError(
                f"rate limits must be 'GLOBAL_PER_S,GROUP_PER_MIN,CHAT_PER_S' with positive "
                f"numbers, e.g. '30,20,1'; got {text!r}"
            ) from None


@dataclass(frozen=True)
class ChannelTraits:
    name: str  # the prefix of addresses: "telegram:-100123"
    display_name: str
    buttons: bool  # inline buttons under a message, pressed with one tap
    edits_in_place: bool  # an earlier bot message can be rewritten (the digest's ✅)
    text_limit: int  # characters in one message; longer text is split in parts
    media: bool  # photos and documents can be sent (by file id or URL)
    uploads: bool  # a file's bytes can be sent (a generated report or banner)
    reply_reference: ReplyReference
    group_commands: GroupCommands
    chat_id_pattern: re.Pattern[str]
    chat_id_hint: str  # how a chat id looks, for plan-file errors (Vietnamese)
    in_plans: bool  # a plan file may name chats of this channel (`channels:`)
    # A link that adds the bot to a group with an invite code ({username}, {code}).
    group_invite_link: str | None = None


TELEGRAM = ChannelTraits(
    name="telegram",
    display_name="Telegram",
    buttons=True,
    edits_in_place=True,
    text_limit=4096,
    media=True,
    uploads=True,
    reply_reference="reply",
    group_commands="direct",
    # Chat ids are integers; groups and channels are negative.
    chat_id_pattern=re.compile(r"-?[0-9]{1,20}"),
    chat_id_hint=N_("số nguyên, ví dụ telegram:-1001234567890"),
    in_plans=True,
    group_invite_link="https://t.me/{username}?startgroup={code}",
)

ZALO = ChannelTraits(
    name="zalo",
    display_name="Zalo",
    buttons=False,
    edits_in_place=False,
    text_limit=2000,
    media=True,
    uploads=False,  # sendPhoto takes a URL only
    reply_reference="quote",
    group_commands="mention",
    chat_id_pattern=re.compile(r"[A-Za-z0-9_-]{1,64}"),
    chat_id_hint=N_("chuỗi chữ và số, ví dụ zalo:6ede9afa66b88fe6d6a9"),
    in_plans=True,
)

# `loa chat`: a conversation in the terminal, as a member of a unit's chat.
CONSOLE = ChannelTraits(
    name="console",
    display_name="Console",
    buttons=False,
    edits_in_place=False,
    text_limit=100_000,
    media=False,
    uploads=True,  # saved to a folder, its path shown
    reply_reference="latest",
    group_commands="direct",
    chat_id_pattern=re.compile(r"[a-z0-9-]{1,64}"),
    chat_id_hint=N_("mã đơn vị"),
    in_plans=False,
)

CHANNELS: dict[str, ChannelTraits] = {row.name: row for row in (TELEGRAM, ZALO, CONSOLE)}
PLAN_CHANNELS: tuple[str, ...] = tuple(name for name, row in CHANNELS.items() if row.in_plans)

# No channel (a simulation) or an unknown name (a channel since removed): no buttons,
# no edits, short messages, and the plain "reply to this message" wording.
_UNKNOWN = ChannelTraits(
    name="",
    display_name="",
    buttons=False,
    edits_in_place=False,
    text_limit=2000,
    media=False,
    uploads=False,
    reply_reference="reply",
    group_commands="mention",
    chat_id_pattern=re.compile(r".+"),
    chat_id_hint="",
    in_plans=False,
)


def command_text(
    channel: ChannelTraits, command: str, *, group: bool = True, bot_name: str = "Loa"
) -> str:
    """How to type `command` ("/nhiemvu") so it reaches the bot: as is, or in a group of
    a channel that only hears messages mentioning the bot, "@Loa /nhiemvu"."""
    if group and channel.group_commands == "mention":
        return f"@{bot_name.lstrip('@')} {command}"
    return command


def traits(channel: str | None) -> ChannelTraits:
    """The traits of a channel by name; cautious defaults for None or an unknown name."""
    if channel is None:
        return _UNKNOWN
    return CHANNELS.get(channel, _UNKNOWN)
