"""/guitin: an admin sends text, a photo or a document to all, tagged or named units.

The dialogue (kept in the Conversation table, so a restart loses nothing):
1. content  — the admin sends the text, or a photo/document with a caption;
2. targets  — "tất cả", tags ("tag:phong tag:xa") or unit ids;
3. confirm  — whether units must confirm they acted on it, with a due date;
4. preview  — the exact text, the units and chats it will reach, the units it cannot
   reach; "Gửi" / "Huỷ" buttons (Telegram) or typing "gửi" / "huỷ" (Zalo).
On "Gửi" the broadcast is stored and one outbox row is queued per chat, so delivery
survives restarts like every other message; when every row has reached a final
state, `finished_broadcast_reports` (broadcast_report.py) sends the admin one delivery
report. What goes out, and storing it, is broadcast_send.py.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import cast

from bot.storage.conversations import end_conversation, get_conversation, save_conversation
from bot.storage.links import active_chat_addresses
from bot.storage.models import Conversation
from bot.storage.plan_cache import stored_plan
from content.buttons import Button, pack, unpack
from content.channels import traits
from content.payloads import BroadcastDialogue, MediaKind
from content.plan import Plan
from handlers.broadcast_send import outgoing_text, queue_broadcast
from handlers.broadcast_texts import preview_summary, resolve_targets, tags_hint, targets_question
from handlers.commands import N_, Command, HelpLine
from handlers.context import Turn
from handlers.events import Reply
from handlers.text import has_day_month, is_word, parse_yes_no

DIALOGUE = "broadcast"
TEXT_LIMIT = 4000
# Telegram captions hold 1,024 characters; the lines Loa adds (who sends it, how to
# confirm) must still fit.
CAPTION_LIMIT = 800
DEFAULT_DUE_DAYS = 7
ACTIVE_STEPS = ("content", "targets", "confirm", "preview")
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
    return [Reply(text=targets_question(turn, plan))]


# --- step 2: targets --------------------------------------------------------------------


async def _on_targets(turn: Turn, state: BroadcastDialogue, plan: Plan) -> list[Reply]:
    _ = turn._
    resolved = resolve_targets(plan, turn.event.text, _)
    if isinstance(resolved, str):
        return [Reply(text=resolved + tags_hint(turn, plan))]
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
    summary, chat_count = preview_summary(turn, state, plan, chats)
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
