"""/ngonngu (/language): the language Loa writes to this chat in.

`/ngonngu` says which it is and how to change it; `/ngonngu en` (or `english`,
`tiếng anh`, `vi`, `tiếng việt` ...) changes it for every later message to this chat:
replies, digests, posts, notices. The choice is the chat's (anyone in it may make it)
and beats the plan's settings.language. Language names come from Babel's locale data.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale

from bot.storage.chat_settings import set_chat_language
from content.i18n import N_, available_locales, translator
from handlers.commands import Command, HelpLine
from handlers.context import Turn
from handlers.events import Reply
from handlers.text import fold


def language_name(code: str) -> str:
    """The language as its speakers write it: "Tiếng Việt", "English"."""
    return Locale.parse(code).get_display_name(code) or code


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    """Folded codes and names ("en", "english", "tieng anh", "vietnamese" ...) -> code."""
    names: dict[str, str] = {}
    for code in available_locales():
        names[code] = code
        for reader in available_locales():
            names[fold(Locale.parse(code).get_display_name(reader) or code)] = code
    return names


def _choices(turn: Turn) -> str:
    _ = turn._
    return ", ".join(
        _("/ngonngu %(code)s (%(name)s)") % {"code": code, "name": language_name(code)}
        for code in available_locales()
    )


async def on_language(turn: Turn) -> list[Reply]:
    _ = turn._
    asked = " ".join(turn.event.args).strip()
    if not asked:
        text = _(
            "Loa đang viết cho cuộc trò chuyện này bằng %(language)s. Đổi ngôn ngữ: %(choices)s."
        ) % {"language": language_name(turn.locale), "choices": _choices(turn)}
        return [Reply(text=text)]
    code = _codes_by_name().get(fold(asked))
    if code is None:
        text = _("Loa chưa có ngôn ngữ «%(asked)s». Chọn một trong: %(choices)s.") % {
            "asked": asked,
            "choices": _choices(turn),
        }
        return [Reply(text=text)]
    event = turn.event
    await set_chat_language(turn.session, event.channel, event.chat_id, code, turn.now)
    turn.locale = code  # this answer, too, in the language just chosen
    _ = translator(code)
    text = _(
        "Từ nay Loa viết cho cuộc trò chuyện này bằng %(language)s: tin trả lời, tin nhắc việc "
        "và bài gợi ý."
    ) % {"language": language_name(code)}
    return [Reply(text=text)]


COMMANDS = (
    Command(
        "ngonngu",
        "language",
        on_language,
        menu=N_("Ngôn ngữ của Loa trong cuộc trò chuyện này: /ngonngu en"),
        staff_help=HelpLine("vi|en", N_("ngôn ngữ Loa viết trong cuộc trò chuyện này")),
    ),
)
