"""The digest's phrases, per locale and channel and cached (a year of a large plan is tens
of thousands of digests): section titles and headers, who leads a shared item, the line
counting further overdue items, and the footer saying how to confirm."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from content.channels import command_text, traits
from content.i18n import translator
from content.payloads import DigestPart


@lru_cache(maxsize=16)
def digest_words(locale: str) -> dict[str, str]:
    """The fixed phrases of a digest in one locale (looked up once, used many times)."""
    _ = translator(locale)
    return {
        "overdue": _("⏰ Quá hạn"),
        "today": _("📌 Hôm nay"),
        "upcoming": _("🗓 Sắp tới"),
        "cooperating": _("👥 Phối hợp (để biết)"),
        "header": _("🔔 NHẮC VIỆC — %(unit)s"),
        "header_plain": _("🔔 NHẮC VIỆC"),
        "all_done": _("✅ Đơn vị đã xong tất cả việc trong tin này. Cảm ơn!"),
        "for_information": _("Tin này để biết, không cần xác nhận."),
        "not_applicable": _("🚫 %(n)d: không phát sinh"),
    }


@lru_cache(maxsize=4096)
def owners_note(names: tuple[str, ...], total: int, locale: str) -> str:
    _ = translator(locale)
    shown = ", ".join(names)
    others = total - len(names)
    if others > 0:
        shown = _.ngettext(
            "%(names)s và %(n)d đơn vị khác", "%(names)s và %(n)d đơn vị khác", others
        ) % {"names": shown, "n": others}
    return " " + _("(chủ trì: %(units)s)") % {"units": shown}


@lru_cache(maxsize=1024)
def more_overdue_line(count: int, first: int, locale: str, channel: str | None) -> str:
    """ "… và 3 việc quá hạn khác (số 8 đến 10)": counted items have numbers too, after
    every written one, so a reply "xong 9" confirms one of them."""
    _ = translator(locale)
    if count == 1:
        numbers = str(first)
    elif count == 2:
        numbers = _("%(items)s và %(last)s") % {"items": first, "last": first + 1}
    else:
        numbers = _("%(first)d đến %(last)d") % {"first": first, "last": first + count - 1}
    return _.ngettext(
        "… và %(n)d việc quá hạn khác (số %(numbers)s): xem bằng lệnh %(command)s",
        "… và %(n)d việc quá hạn khác (số %(numbers)s): xem bằng lệnh %(command)s",
        count,
    ) % {"n": count, "numbers": numbers, "command": command_text(traits(channel), "/nhiemvu")}


@lru_cache(maxsize=1024)
def how_to_confirm(channel: str | None, first: int, second: int | None, locale: str) -> str:
    """How to confirm, for the channel: with buttons, a tap; where the bot only sees
    messages that quote it, a quote; elsewhere a reply or the command."""
    _ = translator(locale)
    values = {"n": first, "m": second if second is not None else first}
    how = traits(channel)
    if how.buttons:
        return (
            _(
                "Bấm ✅ dưới việc đã xong, hoặc trả lời tin này: "
                "xong %(n)d (kèm link/ảnh minh chứng)"
            )
            % values
        )
    if how.reply_reference == "quote":
        if second is None:
            return _("Trả lời (trích dẫn) tin này: xong %(n)d") % values
        return _("Trả lời (trích dẫn) tin này: xong %(n)d — nhiều việc: xong %(n)d %(m)d") % values
    if how.group_commands == "mention":
        return _("Trả lời tin này: xong %(n)d (kèm link/ảnh minh chứng)") % values
    return _("Trả lời tin này: xong %(n)d (kèm link/ảnh minh chứng), hoặc gõ /xong %(n)d") % values


@lru_cache(maxsize=1024)
def optional_hint(channel: str | None, n: int, locale: str) -> str:
    _ = translator(locale)
    if traits(channel).buttons:
        return _(
            "Việc «nếu có» mà không phát sinh: bấm 🚫 %(n)d, hoặc trả lời «không phát sinh %(n)d»."
        ) % {"n": n}
    return _("Việc «nếu có» mà không phát sinh: trả lời «không phát sinh %(n)d».") % {"n": n}


def part_heading(part: DigestPart, units: int, plans: int) -> str:
    shown = [part["unit_name"]] if units > 1 else []
    if plans > 1:
        shown.append(part["plan_title"])
    return "▌ " + " · ".join(shown)


def digest_header(parts: Sequence[DigestPart], words: Mapping[str, str]) -> tuple[str, int, int]:
    units = len({part["unit_id"] for part in parts})
    plans = len({part["plan_id"] for part in parts})
    if units == 1:
        return words["header"] % {"unit": parts[0]["unit_name"]}, units, plans
    return words["header_plain"], units, plans
