"""What /guitin's dialogue says and reads: the question about targets, the targets an
admin typed ("tất cả", tags, unit ids), and the preview's summary of who it reaches."""

from __future__ import annotations

import difflib
import re
from collections import Counter

from content.dates import format_date_short
from content.i18n import Translator
from content.payloads import BroadcastDialogue
from content.plan import Address, Plan
from handlers.broadcast_send import due_of
from handlers.context import Turn
from handlers.text import fold

ALL_WORDS = ("tất cả", "tat ca", "all", "toàn bộ", "tat ca don vi", "tất cả đơn vị")


def tags_hint(turn: Turn, plan: Plan) -> str:
    _ = turn._
    counts = Counter(tag for unit in plan.units for tag in unit.tags)
    if not counts:
        return ""
    listed = ", ".join(f"tag:{tag} ({count})" for tag, count in sorted(counts.items()))
    return "\n" + _("Các nhãn: %(tags)s") % {"tags": listed}


def targets_question(turn: Turn, plan: Plan) -> str:
    _ = turn._
    return _(
        "Bước 2/3: gửi tới đơn vị nào? Gõ «tất cả», hoặc các nhãn (ví dụ: tag:phong), hoặc "
        "mã đơn vị, cách nhau bởi dấu cách. /lienket xem danh sách mã đơn vị."
    ) + tags_hint(turn, plan)


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
