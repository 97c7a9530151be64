"""A unit's contacts (cán bộ đầu mối) in what Loa says: the line a digest names them
on, where their names stand in it (the Telegram adapter turns those spans into mentions
that notify them), and the private message of an item's first overdue day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypedDict

from content.channels import ChannelTraits
from content.dates import format_day_month
from content.i18n import translator

# The contacts line starts with this mark, whatever the locale, so an adapter can find
# the names in a message without knowing its language.
CONTACTS_MARK = "👤 "
_SEPARATOR = ", "


class ContactEntry(TypedDict):
    address: str  # the person: telegram:123456789
    name: str


class Mention(TypedDict):
    address: str
    offset: int  # in characters of the text (code points)
    length: int


def contacts_line(contacts: Sequence[ContactEntry], locale: str = "vi") -> str:
    """ "👤 Đầu mối: Nguyễn Thị Lan, Trần Văn Minh"."""
    _ = translator(locale)
    names = _SEPARATOR.join(contact["name"] for contact in contacts)
    return CONTACTS_MARK + _("Đầu mối: %(names)s") % {"names": names}


def with_contacts(text: str, contacts: Sequence[ContactEntry], locale: str = "vi") -> str:
    """A digest's text with the contacts line after its header and date (the first two
    lines), where it stands whatever the channel's footer says."""
    if not contacts:
        return text
    lines = text.split("\n")
    lines.insert(2, contacts_line(contacts, locale))
    return "\n".join(lines)


def mentions(text: str, contacts: Sequence[ContactEntry]) -> list[Mention]:
    """Where each contact's name stands in the contacts line of `text` (none when the
    text has no such line). The names are the line's tail, found by their length
    rather than by the label, which is translated."""
    if not contacts:
        return []
    if text.startswith(CONTACTS_MARK):
        start = 0
    else:
        at = text.find("\n" + CONTACTS_MARK)
        if at < 0:
            return []
        start = at + 1
    end = text.find("\n", start)
    line_end = len(text) if end < 0 else end
    tail = _SEPARATOR.join(contact["name"] for contact in contacts)
    position = line_end - len(tail)
    if position < start or text[position:line_end] != tail:
        return []
    found: list[Mention] = []
    for contact in contacts:
        length = len(contact["name"])
        found.append({"address": contact["address"], "offset": position, "length": length})
        position += length + len(_SEPARATOR)
    return found


def confirm_hint(channel: ChannelTraits, locale: str = "vi") -> str:
    """How the unit confirms in its chat, said to a contact in private."""
    _ = translator(locale)
    if channel.buttons:
        return _("bấm ✅ dưới tin nhắc việc trong nhóm của đơn vị (hoặc trả lời tin đó: «xong 1»).")
    if channel.reply_reference == "quote":
        return _("trả lời (trích dẫn) tin nhắc việc trong nhóm của đơn vị: «xong 1».")
    return _("trả lời tin nhắc việc trong nhóm của đơn vị: «xong 1».")


def render_contact_overdue(
    unit_name: str, title: str, due: date, channel: ChannelTraits, locale: str = "vi"
) -> str:
    """The private message a contact gets the first day one of the unit's items is
    overdue, with how the unit confirms in its chat on the contact's channel."""
    _ = translator(locale)
    values = {"unit": unit_name, "title": title, "day": format_day_month(due, locale)}
    lines = [
        _("⏰ Việc của %(unit)s đã quá hạn (hạn %(day)s):") % values,
        title,
        "",
        _("Anh/chị là cán bộ đầu mối của đơn vị: nhờ anh/chị đôn đốc; khi đã xong,")
        + " "
        + confirm_hint(channel, locale),
    ]
    return "\n".join(lines)
