"""/guitin's delivery report: once every message of a broadcast has been sent, failed
or gone stale, the admin who sent it gets one message saying where it went."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.storage import outbox
from bot.storage.broadcasts import (
    NO_CHAT,
    broadcasts_in_flight,
    delivery_report,
    report_key,
    unreported_broadcasts,
)
from bot.storage.chat_settings import chat_language
from bot.storage.models import Broadcast
from bot.storage.plan_cache import stored_plan
from content.dates import format_date_short
from content.due import DueMessage
from content.i18n import Translator, translator
from content.plan import Plan
from handlers.context import HandlerContext
from handlers.formatting import shorten


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
