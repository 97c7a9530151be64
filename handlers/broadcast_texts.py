"""What /guitin writes: the text each chat receives (who sends it, how to confirm, a note
when its photo or file cannot go on that channel), the preview's summary, and the
admin's list of targets read into units."""

from __future__ import annotations

import difflib
import re

from content.channels import traits
from content.dates import format_date_short
from content.i18n import Translator
from content.payloads import BroadcastDialogue
from content.plan import Address, Plan, Unit
from handlers.broadcast_state import due_of
from handlers.context import Turn
from handlers.text import fold

ALL_WORDS = ("tất cả", "tat ca", "all", "toàn bộ", "tat ca don vi", "tất cả đơn vị")


def resolve_targets(plan: Plan, text: str, _: Translator) -> tuple[list[str], list[str]] | str:
    """(unit ids in plan order, the tokens as understood) or the problem to tell."""
    folded = fold(text)
    if folded.strip(" .!") in {fold(word) for word in ALL_WORDS}:
        return [unit.id for unit in plan.units], ["all"]
    tokens = [token for token in re.split(r"[\s,;]+", folded) if token]
    if not tokens:
        return _("Hãy ghi «tất cả», nhãn hoặc mã đơn vị.")
    chosen: set[str] = set()
    unknown: list[str] = []
    tags = {tag for unit in plan.units for tag in unit.tags}
    ids = [unit.id for unit in plan.units]
    for token in tokens:
        if token.startswith("tag:") or token.startswith("#"):
            tag = token.split(":", 1)[1] if token.startswith("tag:") else token[1:]
            if tag not in tags:
                unknown.append(_("nhãn «%(tag)s»") % {"tag": tag})
                continue
            chosen.update(unit.id for unit in plan.units_with_tag(tag))
        elif token in ids:
            chosen.add(token)
        elif token in tags:
            chosen.update(unit.id for unit in plan.units_with_tag(token))
        else:
            close = difflib.get_close_matches(token, ids, n=1)
            hint = _(" (có phải «%(id)s»?)") % {"id": close[0]} if close else ""
            unknown.append(_("đơn vị «%(unit)s»") % {"unit": token} + hint)
    if unknown:
        return _("Không có %(what)s trong kế hoạch. Hãy gửi lại danh sách.") % {
            "what": ", ".join(unknown)
        }
    return [unit_id for unit_id in ids if unit_id in chosen], tokens


def _media_note(turn: Turn, state: BroadcastDialogue) -> str:
    _ = turn._
    what = _("ảnh") if state.get("media_kind") == "photo" else _("tệp")
    channel = traits(state.get("media_channel")).display_name or state.get("media_channel", "")
    return _("📎 Tin gốc có kèm %(what)s, chỉ gửi được qua %(channel)s.") % {
        "what": what,
        "channel": channel,
    }


def outgoing_text(
    turn: Turn, state: BroadcastDialogue, channel: str, units: list[Unit] | None = None
) -> str:
    """The text a chat of `channel` receives (for `units`, when confirmation is asked)."""
    _ = turn._
    lines = (
        [_("📢 Tin từ %(sender)s:") % {"sender": state["sender"]}] if state.get("sender") else []
    )
    if state["text"]:
        lines.append(state["text"])
    parts = ["\n".join(lines)] if lines else []
    if state.get("media") and channel != state.get("media_channel"):
        parts.append(_media_note(turn, state))
    if due_day := due_of(state):
        due = format_date_short(due_day, turn.locale)
        if units is not None and len(units) > 1:
            how = "; ".join(
                _("«xong %(n)d» cho %(unit)s") % {"n": n, "unit": unit.name}
                for n, unit in enumerate(units, 1)
            )
            parts.append(
                _("👉 Đề nghị thực hiện và xác nhận trước %(due)s: trả lời tin này %(how)s.")
                % {"due": due, "how": how}
            )
        elif traits(channel).buttons:
            parts.append(
                _(
                    "👉 Đề nghị đơn vị thực hiện và xác nhận trước %(due)s: bấm ✅ dưới tin này "
                    "hoặc trả lời tin này «xong»."
                )
                % {"due": due}
            )
        else:
            parts.append(
                _(
                    "👉 Đề nghị đơn vị thực hiện và xác nhận trước %(due)s: trả lời (trích dẫn) "
                    "tin này «xong»."
                )
                % {"due": due}
            )
    return "\n\n".join(parts)


def preview_summary(
    turn: Turn, state: BroadcastDialogue, plan: Plan, chats: dict[str, list[Address]]
) -> tuple[str, int]:
    _ = turn._
    reachable = [unit_id for unit_id, addresses in chats.items() if addresses]
    unreachable = [unit_id for unit_id, addresses in chats.items() if not addresses]
    chat_count = len({address for addresses in chats.values() for address in addresses})
    lines = [
        _("Gửi tới %(units)d đơn vị, %(chats)d nhóm chat:")
        % {"units": len(reachable), "chats": chat_count}
    ]
    for unit_id in reachable:
        count = len(chats[unit_id])
        lines.append(
            f"• {plan.unit(unit_id).name}"
            + (_(" (%(n)d nhóm)") % {"n": count} if count > 1 else "")
        )
    if unreachable:
        names = ", ".join(plan.unit(unit_id).name for unit_id in unreachable)
        lines.append(
            _("⚠️ Chưa liên kết nhóm chat nên sẽ không nhận được: %(units)s") % {"units": names}
        )
    if due_day := due_of(state):
        lines.append(
            _("Yêu cầu xác nhận trước %(due)s.") % {"due": format_date_short(due_day, turn.locale)}
        )
    else:
        lines.append(_("Không yêu cầu xác nhận."))
    return "\n".join(lines), chat_count
