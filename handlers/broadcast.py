"""/guitin: an admin sends text, a photo or a document to all, tagged or named units.

The dialogue (kept in the Conversation table, so a restart loses nothing):
1. content  — the admin sends the text, or a photo/document with a caption;
2. targets  — "tất cả", tags ("tag:phong tag:xa") or unit ids;
3. confirm  — whether units must confirm they acted on it, with a due date;
4. preview  — the exact text, the units and chats it will reach, the units it cannot
   reach; "Gửi" / "Huỷ" buttons (Telegram) or typing "gửi" / "huỷ" (Zalo).
On "Gửi" the broadcast is stored and one outbox row is queued per chat, so delivery
survives restarts like every other message; when every row has reached a final
state, `finished_broadcast_reports` sends the admin one delivery report.
"""

from __future__ import annotations

import difflib
import re
import secrets
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import outbox
from bot.storage.broadcasts import (
    NO_CHAT,
    TITLE_PREFIX,
    broadcast_title,
    broadcasts_in_flight,
    create_broadcast,
    delivery_report,
    items_of_broadcast,
    mark_broadcast_sent,
    report_key,
    unreported_broadcasts,
)
from bot.storage.chat_settings import chat_language
from bot.storage.conversations import end_conversation, get_conversation, save_conversation
from bot.storage.links import active_chat_addresses
from bot.storage.models import Broadcast, Conversation
from bot.storage.plan_cache import stored_plan
from content.buttons import Button, pack, unpack
from content.channels import traits
from content.dates import format_date_short
from content.due import DueMessage
from content.i18n import Translator, translator
from content.items import Item
from content.payloads import BroadcastDialogue, BroadcastPayload, DigestEntry, MediaKind
from content.plan import Address, Plan, Unit
from handlers.commands import N_, Command, HelpLine
from handlers.context import HandlerContext, Turn
from handlers.events import Reply
from handlers.formatting import shorten
from handlers.text import fold, has_day_month, is_word, parse_yes_no

DIALOGUE = "broadcast"
TEXT_LIMIT = 4000
# Telegram captions hold 1,024 characters; the lines Loa adds (who sends it, how to
# confirm) must still fit.
CAPTION_LIMIT = 800
SUBJECT_LIMIT = 60  # how a broadcast is named when a unit confirms it
DEFAULT_DUE_DAYS = 7
ACTIVE_STEPS = ("content", "targets", "confirm", "preview")
ALL_WORDS = ("tất cả", "tat ca", "all", "toàn bộ", "tat ca don vi", "tất cả đơn vị")
SEND_WORDS = ("gửi", "gui", "send", "gửi đi", "gui di", "ok")
CANCEL_WORDS = ("huỷ", "hủy", "huy", "cancel", "thôi", "thoi", "không gửi", "khong gui")


# --- dialogue state ---------------------------------------------------------------------


async def _conversation(turn: Turn) -> Conversation | None:
    event = turn.event
    row = await get_conversation(
        turn.session, event.channel, event.chat_id, event.user_id, turn.now
    )
    return row if row is not None and row.name == DIALOGUE else None


async def active_dialogue(turn: Turn) -> Conversation | None:
    """The broadcast dialogue waiting for this person's next message, if any."""
    row = await _conversation(turn)
    if row is None or row.state.get("step") not in ACTIVE_STEPS:
        return None
    return row


def _due(state: BroadcastDialogue) -> date | None:
    due = state.get("due")
    return date.fromisoformat(due) if due else None


def _state_of(conversation: Conversation) -> BroadcastDialogue:
    return cast(BroadcastDialogue, dict(conversation.state))


async def _save(turn: Turn, state: BroadcastDialogue) -> None:
    event = turn.event
    await save_conversation(
        turn.session, event.channel, event.chat_id, event.user_id, DIALOGUE, state, turn.now
    )


async def _plan(turn: Turn, state: BroadcastDialogue) -> Plan | None:
    plan = await stored_plan(turn.session, state["plan_id"])
    if plan is None or plan.id not in {p.id for p in await turn.admin_plans()}:
        return None
    return plan


# --- step 0: /guitin --------------------------------------------------------------------


async def on_command(turn: Turn) -> list[Reply]:
    """/guitin [PLAN_ID]."""
    _ = turn._
    if not await turn.is_admin():
        return [Reply(text=_("Chỉ quản trị viên của kế hoạch mới gửi tin tới các đơn vị được."))]
    if not turn.private:
        return [Reply(text=_("Hãy nhắn riêng với Loa để gửi tin tới các đơn vị."))]
    plans = await turn.admin_plans()
    if not plans:
        return [Reply(text=_("Chưa có kế hoạch nào được nạp vào Loa."))]
    if turn.event.args:
        plans = [plan for plan in plans if plan.id == turn.event.args[0]]
        if not plans:
            return [
                Reply(
                    text=_("Không có kế hoạch %(plan)s trong các kế hoạch bạn quản trị.")
                    % {"plan": turn.event.args[0]}
                )
            ]
    if len(plans) > 1:
        listing = "\n".join(f"• {plan.id} — {plan.title}" for plan in plans)
        return [
            Reply(
                text=_("Bạn quản trị nhiều kế hoạch. Gửi /guitin MÃ_KẾ_HOẠCH, với mã là một trong:")
                + "\n"
                + listing
            )
        ]
    sender = await _sender(turn, plans[0])
    await _save(turn, {"step": "content", "plan_id": plans[0].id, "sender": sender})
    return [
        Reply(
            text=_(
                "📣 Gửi tin tới các đơn vị (%(plan)s).\nBước 1/3: gửi nội dung — chữ, hoặc "
                "ảnh/tệp kèm chú thích. Gõ /huy để huỷ."
            )
            % {"plan": plans[0].title}
        )
    ]


async def _sender(turn: Turn, plan: Plan) -> str:
    """Who a broadcast is from, as units know them: the admin's unit when their chat is
    linked to one, else the admin by name."""
    _ = turn._
    units = [cu.unit.name for cu in await turn.chat_units() if cu.plan.id == plan.id]
    if units:
        return units[0]
    return _("%(name)s (quản trị viên)") % {"name": turn.event.user_name}


# --- step 1: content --------------------------------------------------------------------


def _media_of(turn: Turn) -> tuple[MediaKind, str, str] | None:
    """(kind, reference, channel) of a photo or document sent with the message."""
    event = turn.event
    for attachment in event.attachments:
        if attachment.kind == "photo" or attachment.kind == "document":
            return attachment.kind, attachment.ref, event.channel
    return None


def _tags_hint(turn: Turn, plan: Plan) -> str:
    _ = turn._
    counts = Counter(tag for unit in plan.units for tag in unit.tags)
    if not counts:
        return ""
    listed = ", ".join(f"tag:{tag} ({count})" for tag, count in sorted(counts.items()))
    return "\n" + _("Các nhãn: %(tags)s") % {"tags": listed}


def _targets_question(turn: Turn, plan: Plan) -> str:
    _ = turn._
    return _(
        "Bước 2/3: gửi tới đơn vị nào? Gõ «tất cả», hoặc các nhãn (ví dụ: tag:phong), hoặc "
        "mã đơn vị, cách nhau bởi dấu cách. /lienket xem danh sách mã đơn vị."
    ) + _tags_hint(turn, plan)


async def _on_content(turn: Turn, state: BroadcastDialogue, plan: Plan) -> list[Reply]:
    _ = turn._
    text = turn.event.text.strip()
    media = _media_of(turn)
    if media is None and turn.event.attachments:
        return [Reply(text=_("Loa chỉ gửi được chữ, ảnh hoặc tệp. Hãy gửi lại nội dung."))]
    if not text and media is None:
        return [Reply(text=_("Hãy gửi nội dung cần gửi: chữ, hoặc ảnh/tệp kèm chú thích."))]
    limit = CAPTION_LIMIT if media else TEXT_LIMIT
    if len(text) > limit:
        message = (
            _("Chú thích kèm ảnh/tệp dài %(n)d ký tự, tối đa %(limit)d. Hãy rút gọn rồi gửi lại.")
            if media
            else _("Nội dung dài %(n)d ký tự, tối đa %(limit)d. Hãy rút gọn rồi gửi lại.")
        )
        return [Reply(text=message % {"n": len(text), "limit": limit})]
    state = {**state, "step": "targets", "text": text}
    if media is not None:
        state["media_kind"], state["media"], state["media_channel"] = media
    await _save(turn, state)
    return [Reply(text=_targets_question(turn, plan))]


# --- step 2: targets --------------------------------------------------------------------


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


async def _on_targets(turn: Turn, state: BroadcastDialogue, plan: Plan) -> list[Reply]:
    _ = turn._
    resolved = resolve_targets(plan, turn.event.text, _)
    if isinstance(resolved, str):
        return [Reply(text=resolved + _tags_hint(turn, plan))]
    unit_ids, tokens = resolved
    await _save(turn, {**state, "step": "confirm", "unit_ids": unit_ids, "targets": tokens})
    return [
        Reply(
            text=_(
                "Bước 3/3: có yêu cầu các đơn vị xác nhận đã thực hiện không? Trả lời "
                "«không», hoặc «có, hạn %(example)s»."
            )
            % {"example": (turn.now.date() + timedelta(days=DEFAULT_DUE_DAYS)).strftime("%d/%m")}
        )
    ]


# --- step 3: confirmation, then the preview ---------------------------------------------


def _media_note(_: Translator, state: BroadcastDialogue) -> str:
    what = _("ảnh") if state.get("media_kind") == "photo" else _("tệp")
    channel = traits(state.get("media_channel")).display_name or state.get("media_channel", "")
    return _("📎 Tin gốc có kèm %(what)s, chỉ gửi được qua %(channel)s.") % {
        "what": what,
        "channel": channel,
    }


def outgoing_text(
    _: Translator, state: BroadcastDialogue, channel: str, units: list[Unit] | None = None
) -> str:
    """The text a chat of `channel` receives (for `units`, when confirmation is asked)."""
    lines = (
        [_("📢 Tin từ %(sender)s:") % {"sender": state["sender"]}] if state.get("sender") else []
    )
    if state["text"]:
        lines.append(state["text"])
    parts = ["\n".join(lines)] if lines else []
    if state.get("media") and channel != state.get("media_channel"):
        parts.append(_media_note(_, state))
    if due_day := _due(state):
        due = format_date_short(due_day, _.locale)
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


def _preview_summary(
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
    if due_day := _due(state):
        lines.append(
            _("Yêu cầu xác nhận trước %(due)s.") % {"due": format_date_short(due_day, turn.locale)}
        )
    else:
        lines.append(_("Không yêu cầu xác nhận."))
    return "\n".join(lines), chat_count


async def _on_confirm_question(turn: Turn, state: BroadcastDialogue, plan: Plan) -> list[Reply]:
    _ = turn._
    today = turn.now.date()
    answer = parse_yes_no(turn.event.text, today.year)
    if answer is None:
        return [Reply(text=_("Hãy trả lời «không», hoặc «có, hạn dd/mm»."))]
    due: date | None = None
    if answer.yes:
        if answer.due is None and has_day_month(turn.event.text):
            return [Reply(text=_("Ngày hạn không hợp lệ. Ví dụ: «có, hạn 20/05»."))]
        due = answer.due or today + timedelta(days=DEFAULT_DUE_DAYS)
        if due < today:
            return [Reply(text=_("Hạn xác nhận phải từ hôm nay trở đi. Hãy trả lời lại."))]
    state = {**state, "due": due.isoformat() if due else None}
    return await _preview(turn, state, plan)


async def _preview(turn: Turn, state: BroadcastDialogue, plan: Plan) -> list[Reply]:
    _ = turn._
    links = await active_chat_addresses(turn.session, plan.id)
    chats = {unit_id: list(links.get(unit_id, [])) for unit_id in state["unit_ids"]}
    summary, chat_count = _preview_summary(turn, state, plan, chats)
    if chat_count == 0:
        await _save(turn, {**state, "step": "targets"})
        return [
            Reply(
                text=summary
                + "\n"
                + _(
                    "Không đơn vị nào được chọn có nhóm chat đã liên kết, nên chưa gửi được. "
                    "Hãy chọn lại đơn vị, hoặc /huy."
                )
            )
        ]
    nonce = secrets.token_hex(4)
    channel = turn.event.channel
    content = Reply(
        text=_("👁 Xem trước:") + "\n\n" + outgoing_text(turn._, state, channel),
        photo=state.get("media") if state.get("media_kind") == "photo" else None,
        document=state.get("media") if state.get("media_kind") == "document" else None,
    )
    if traits(channel).buttons:
        closing = Reply(
            text=summary,
            buttons=(
                (
                    Button(_("📤 Gửi"), pack("bc:send", nonce)),
                    Button(_("✖️ Huỷ"), pack("bc:cancel", nonce)),
                ),
            ),
        )
    else:
        closing = Reply(text=summary + "\n" + _("Trả lời «gửi» để gửi, «huỷ» để huỷ."))
    await _save(turn, {**state, "step": "preview", "nonce": nonce, "preview": summary})
    return [content, closing]


# --- step 4: send or cancel -------------------------------------------------------------


def _entries(
    items: dict[str, Item], units: list[Unit], due: date, today: date, title: str
) -> list[DigestEntry]:
    return [
        {
            "n": n,
            "key": items[unit.id].key,
            "task_id": items[unit.id].task_id,
            "unit_id": unit.id,
            "title": title if len(units) == 1 else f"{title} — {unit.name}",
            "due": due.isoformat(),
            "section": "today",
            "days": (due - today).days,
        }
        for n, unit in enumerate(units, 1)
    ]


async def queue_broadcast(
    session: AsyncSession,
    plan: Plan,
    state: BroadcastDialogue,
    *,
    by: str,
    origin: str,
    now: datetime,
    _: Translator,
) -> tuple[Broadcast, int]:
    """Store the broadcast `state` describes and queue one outbox row per chat of its
    units (the chat /guitin and the web page both send through here); (the broadcast,
    how many messages). `origin` is the chat its delivery report goes to."""
    due = _due(state)
    broadcast = await create_broadcast(
        session,
        plan_id=plan.id,
        created_by=by,
        content_kind=state.get("media_kind") or "text",
        text=state["text"],
        media=state.get("media"),
        media_channel=state.get("media_channel"),
        unit_ids=state["unit_ids"],
        targets=state.get("targets", []),
        require_confirmation=due is not None,
        due=due,
        origin=origin,
        now=now,
    )
    assert broadcast.id is not None
    await mark_broadcast_sent(session, broadcast.id, now)
    items = {item.unit_id: item for item in items_of_broadcast(broadcast)}
    links = await active_chat_addresses(session, plan.id)
    # One message per chat, even when a chat serves several of the target units.
    units_of_chat: dict[Address, list[Unit]] = {}
    for unit_id in state["unit_ids"]:
        for address in links.get(unit_id, []):
            units_of_chat.setdefault(address, []).append(plan.unit(unit_id))
    today = now.date()
    subject = shorten(broadcast_title(broadcast).removeprefix(TITLE_PREFIX), SUBJECT_LIMIT)
    messages = []
    for address, units in units_of_chat.items():
        payload: BroadcastPayload = {
            "broadcast_id": broadcast.id,
            "plan_id": plan.id,
            "unit_id": units[0].id,
            "unit_ids": [unit.id for unit in units],
            "subject": subject,
        }
        media = state.get("media")
        if media and address.channel == state.get("media_channel"):
            if state.get("media_kind") == "photo":
                payload["photo"] = media
            else:
                payload["document"] = media
        if due is not None:
            title = items[units[0].id].title
            payload["entries"] = _entries(items, units, due, today, title)
            if traits(address.channel).buttons:
                label = _("✅ Đã thực hiện")
                payload["buttons"] = [
                    [[label if len(units) == 1 else f"✅ {n}", pack("ok", n)]]
                    for n in range(1, len(units) + 1)
                ]
        messages.append(
            DueMessage(
                key=f"broadcast/{broadcast.id}/{units[0].id}/{address}",
                channel=address.channel,
                chat_id=address.id,
                kind="broadcast",
                text=outgoing_text(_, state, address.channel, units if due else None),
                not_before=now,
                plan_id=plan.id,
                payload=payload,
            )
        )
    await outbox.enqueue(session, messages, now)
    return broadcast, len(messages)


async def _send(turn: Turn, state: BroadcastDialogue, plan: Plan) -> list[Reply]:
    _ = turn._
    event = turn.event
    broadcast, queued = await queue_broadcast(
        turn.session,
        plan,
        state,
        by=event.user_address,
        origin=event.chat_address,
        now=turn.now,
        _=_,
    )
    turn.request_wake()
    assert broadcast.id is not None  # stored by queue_broadcast
    await _save(
        turn,
        {
            "step": "sent",
            "nonce": state.get("nonce", ""),
            "broadcast_id": broadcast.id,
            "plan_id": plan.id,
        },
    )
    return [
        Reply(
            text=_("📤 Đang gửi tới %(n)d nhóm… Loa sẽ báo kết quả khi gửi xong.") % {"n": queued}
        )
    ]


async def _cancel(turn: Turn) -> list[Reply]:
    _ = turn._
    event = turn.event
    await end_conversation(turn.session, event.channel, event.chat_id, event.user_id)
    return [Reply(text=_("Đã huỷ, không gửi tin nào."))]


def _close_preview(turn: Turn) -> Reply | None:
    """Take the buttons off the preview so they cannot be pressed again. Only the
    buttons: a long preview spans several messages, and re-sending its text would
    repeat them."""
    if turn.event.kind != "button" or turn.event.message_id is None:
        return None
    return Reply(edit_message_id=turn.event.message_id)


async def _on_preview_answer(turn: Turn, state: BroadcastDialogue, plan: Plan) -> list[Reply]:
    _ = turn._
    text = turn.event.text
    if is_word(text, *SEND_WORDS):
        return await _send(turn, state, plan)
    if is_word(text, *CANCEL_WORDS):
        return await _cancel(turn)
    return [Reply(text=_("Trả lời «gửi» để gửi, «huỷ» để huỷ."))]


async def on_message(turn: Turn, conversation: Conversation) -> list[Reply]:
    """The admin's next message in the dialogue."""
    _ = turn._
    state = _state_of(conversation)
    plan = await _plan(turn, state)
    if plan is None:
        event = turn.event
        await end_conversation(turn.session, event.channel, event.chat_id, event.user_id)
        return [
            Reply(
                text=_(
                    "Kế hoạch của tin này không còn, hoặc bạn không còn là quản trị viên. Đã huỷ."
                )
            )
        ]
    step = state["step"]
    if step == "content":
        return await _on_content(turn, state, plan)
    if step == "targets":
        return await _on_targets(turn, state, plan)
    if step == "confirm":
        return await _on_confirm_question(turn, state, plan)
    return await _on_preview_answer(turn, state, plan)


async def on_button(turn: Turn) -> list[Reply]:
    """ "bc:send:<nonce>" / "bc:cancel:<nonce>" under the preview."""
    _ = turn._
    pressed = unpack(turn.event.button_data)
    stale = [Reply(notice=_("Nút này không còn hiệu lực."))]
    if pressed is None or pressed.nonce is None:
        return stale
    action, nonce = pressed.action, pressed.nonce
    conversation = await _conversation(turn)
    if conversation is None or conversation.state.get("nonce") != nonce:
        return stale
    state = _state_of(conversation)
    if state.get("step") == "sent":
        return [Reply(notice=_("Tin này đã được gửi."))]
    if state.get("step") != "preview":
        return stale
    plan = await _plan(turn, state)
    if plan is None:
        return stale
    if action == "bc:cancel":
        note = _("✖️ Đã huỷ.")
        replies = await _cancel(turn)
    else:
        note = _("📤 Đã xác nhận gửi.")
        replies = await _send(turn, state, plan)
    closed = _close_preview(turn)
    return [*([closed] if closed else []), Reply(notice=note), *replies]


async def on_cancel(turn: Turn) -> list[Reply]:
    """/huy: drop whatever dialogue this person is in."""
    _ = turn._
    event = turn.event
    if await end_conversation(turn.session, event.channel, event.chat_id, event.user_id):
        return [Reply(text=_("Đã huỷ thao tác đang làm."))]
    return [Reply(text=_("Không có thao tác nào đang làm."))]


# --- the delivery report ----------------------------------------------------------------


def _report_text(_: Translator, broadcast: Broadcast, plan: Plan | None, rows: list[Any]) -> str:
    def name(unit_id: str) -> str:
        try:
            return plan.unit(unit_id).name if plan else unit_id
        except KeyError:
            return unit_id

    sent_chats = {row.address for row in rows if row.status == outbox.SENT}
    failed = [row for row in rows if row.status in (outbox.FAILED, outbox.STALE)]
    failed_chats = {row.address for row in failed}
    unreachable = [row.unit_id for row in rows if row.status == NO_CHAT]
    title = shorten(broadcast.text, 60) if broadcast.text else _("(ảnh/tệp)")
    lines = [
        _("📬 Kết quả gửi tin «%(title)s»:") % {"title": title},
        _("Đã gửi tới %(n)d nhóm.") % {"n": len(sent_chats)},
    ]
    if failed_chats:
        lines.append(_("Không gửi được tới %(n)d nhóm:") % {"n": len(failed_chats)})
        for row in failed:
            reason = row.error or (
                _("quá thời hạn gửi") if row.status == outbox.STALE else _("không rõ lý do")
            )
            lines.append(f"• {name(row.unit_id)} ({row.address}): {shorten(reason, 120)}")
    if unreachable:
        lines.append(
            _("Chưa liên kết nhóm chat, không nhận được: %(units)s")
            % {"units": ", ".join(name(unit_id) for unit_id in unreachable)}
        )
    if broadcast.require_confirmation and broadcast.due:
        lines.append(
            _("Các đơn vị được đề nghị xác nhận trước %(due)s; xem /tiendo.")
            % {"due": format_date_short(date.fromisoformat(broadcast.due))}
        )
    return "\n".join(lines)


async def finished_broadcast_reports(ctx: HandlerContext) -> int:
    """Queue one delivery report per broadcast whose messages have all been sent,
    failed or gone stale; a report has a fixed key, so it is never queued twice."""
    now = ctx.clock.now()
    queued = 0
    async with ctx.database.session() as session:
        waiting = await unreported_broadcasts(session)
        if not waiting:
            return 0
        in_flight = await broadcasts_in_flight(session)
        for broadcast in waiting:
            if broadcast.id in in_flight:
                continue
            assert broadcast.id is not None
            channel, _sep, chat_id = broadcast.origin.partition(":")
            if not chat_id:
                continue
            plan = await stored_plan(session, broadcast.plan_id)
            rows = await delivery_report(session, broadcast.id)
            # In the language of the chat the admin broadcast from.
            chosen = await chat_language(session, channel, chat_id)
            locale = chosen or (plan.settings.language if plan else ctx.locale)
            message = DueMessage(
                key=report_key(broadcast.id),
                channel=channel,
                chat_id=chat_id,
                kind="notice",
                text=_report_text(translator(locale), broadcast, plan, rows),
                not_before=now,
                plan_id=broadcast.plan_id,
            )
            queued += await outbox.enqueue(session, [message], now)
    if queued:
        ctx.wake()
    return queued


COMMANDS = (
    Command(
        "guitin",
        "broadcast",
        on_command,
        menu=N_("Gửi tin tới các đơn vị (quản trị viên)"),
        admin_help=HelpLine("", N_("gửi tin, ảnh, tệp tới các đơn vị và nhận báo cáo gửi")),
    ),
    Command(
        "huy",
        "cancel",
        on_cancel,
        menu=N_("Huỷ thao tác đang làm"),
        admin_help=HelpLine("", N_("huỷ thao tác đang làm")),
    ),
)
