"""/guitin: the admin's dialogue, the outbox rows it queues, and the delivery report."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.storage import outbox
from bot.storage.models import Broadcast, Conversation
from handlers.broadcast_report import finished_broadcast_reports
from handlers.events import Attachment, Reply
from tests.handlers.support import (
    ADMIN_TG,
    ADMIN_ZALO,
    KE_HOACH,
    LAO_DONG_ZALO,
    NGUOI_CO_CONG_TG,
    NGUOI_CO_CONG_ZALO,
    PLAN_ID,
    Loa,
    texts,
)

ADMIN = {"chat_id": ADMIN_TG, "chat_type": "private", "user_id": ADMIN_TG, "user_name": "Chánh VP"}
ZALO_ADMIN = {
    "channel": "zalo",
    "chat_id": ADMIN_ZALO,
    "chat_type": "private",
    "user_id": ADMIN_ZALO,
    "user_name": "Chánh VP",
}
CONTENT = "Đề nghị các phòng đăng lại bài «Tháng Thanh niên 2026» trên trang của đơn vị."
PHONG_CHATS = {
    ("telegram", KE_HOACH): "phong-ke-hoach-tai-chinh",
    ("zalo", LAO_DONG_ZALO): "phong-lao-dong-viec-lam",
    ("telegram", NGUOI_CO_CONG_TG): "phong-nguoi-co-cong",
    ("zalo", NGUOI_CO_CONG_ZALO): "phong-nguoi-co-cong",
}


async def _to_preview(
    loa: Loa, who: dict[str, Any], *, answer: str = "có, hạn 10/02", **content: Any
) -> list[Reply]:
    assert "Bước 1/3" in texts(await loa.send("/guitin", **who))
    assert "Bước 2/3" in texts(await loa.send(content.pop("text", CONTENT), **who, **content))
    assert "Bước 3/3" in texts(await loa.send("tag:phong", **who))
    return await loa.send(answer, **who)


def _send_data(preview: list[Reply]) -> str:
    [data] = [b.data for reply in preview for row in reply.buttons for b in row if "send" in b.data]
    return data


async def test_non_admin_is_refused(loa: Loa) -> None:
    replies = await loa.send("/guitin", chat_id="42", chat_type="private", user_id="42")

    assert "Chỉ quản trị viên" in texts(replies)
    assert "Bước 2/3" not in texts(
        await loa.send(CONTENT, chat_id="42", chat_type="private", user_id="42")
    )
    async with loa.database.session() as session:
        assert list((await session.exec(select(Conversation))).scalars()) == []


async def test_full_dialogue_queues_one_row_per_chat_and_reports(loa: Loa) -> None:
    preview = await _to_preview(loa, ADMIN)

    content, summary = preview
    assert content.text == (
        "👁 Xem trước:\n\n📢 Tin từ Chánh VP (quản trị viên):\n" + CONTENT + "\n\n👉 Đề nghị "
        "đơn vị thực hiện và xác nhận trước 10/02/2026: bấm ✅ dưới tin này hoặc trả lời tin "
        "này «xong»."
    )
    assert summary.text.startswith("Gửi tới 3 đơn vị, 4 nhóm chat:")
    assert "• Phòng Người có công (2 nhóm)" in summary.text
    assert (
        "⚠️ Chưa liên kết nhóm chat nên sẽ không nhận được: Phòng Bảo trợ xã hội - Trẻ em - "
        "Bình đẳng giới, Phòng Phòng, chống tệ nạn xã hội, Thanh tra Sở"
    ) in summary.text
    assert await loa.outbox_rows("broadcast") == []  # nothing before the admin says so

    replies = await loa.press(_send_data(preview), "preview-1", **ADMIN)

    assert texts(replies).endswith("📤 Đang gửi tới 4 nhóm… Loa sẽ báo kết quả khi gửi xong.")
    # Only the buttons come off: re-sending a long preview would repeat its messages.
    assert replies[0].edit_message_id == "preview-1" and replies[0].buttons == ()
    assert replies[0].text == ""
    assert loa.wakes
    rows = await loa.outbox_rows("broadcast")
    assert {(row.channel, row.chat_id): row.payload["unit_id"] for row in rows} == PHONG_CHATS
    [broadcast_id] = {row.payload["broadcast_id"] for row in rows}
    assert {row.key for row in rows} == {
        f"broadcast/{broadcast_id}/{unit}/{channel}:{chat}"
        for (channel, chat), unit in PHONG_CHATS.items()
    }
    by_chat = {row.chat_id: row for row in rows}
    assert by_chat[KE_HOACH].payload["buttons"] == [[["✅ Đã thực hiện", "ok:1"]]]
    assert "buttons" not in by_chat[LAO_DONG_ZALO].payload
    assert by_chat[LAO_DONG_ZALO].text.endswith("trả lời (trích dẫn) tin này «xong».")
    async with loa.database.session() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
    assert broadcast is not None
    assert (broadcast.status, broadcast.due, broadcast.origin) == (
        "sent",
        "2026-02-10",
        f"telegram:{ADMIN_TG}",
    )

    # Pressing "Gửi" again sends nothing more.
    again = await loa.press(_send_data(preview), "preview-1", **ADMIN)
    assert [reply.notice for reply in again] == ["Tin này đã được gửi."]
    assert len(await loa.outbox_rows("broadcast")) == 4

    # No report while rows are still waiting.
    assert await finished_broadcast_reports(loa.ctx) == 0
    for row in rows:
        async with loa.database.session() as session:
            if row.chat_id == NGUOI_CO_CONG_ZALO:
                await outbox.mark_failed(session, row.id, "w", "Zalo: quota exceeded (429)")
            else:
                await outbox.mark_sent(session, row, [f"b-{row.chat_id}"], loa.clock.now())

    assert await finished_broadcast_reports(loa.ctx) == 1
    assert await finished_broadcast_reports(loa.ctx) == 0
    [report] = [row for row in await loa.outbox_rows("notice")]
    assert (report.channel, report.chat_id, report.key) == (
        "telegram",
        ADMIN_TG,
        f"broadcast-report/{broadcast_id}",
    )
    assert "Đã gửi tới 3 nhóm." in report.text
    assert "Không gửi được tới 1 nhóm:" in report.text
    assert "• Phòng Người có công (zalo:7b9d1f3a5c7e9b1d3f5a): Zalo: quota exceeded" in report.text
    assert "Chưa liên kết nhóm chat, không nhận được: Phòng Bảo trợ xã hội" in report.text


async def test_units_confirm_a_broadcast_with_its_button(loa: Loa) -> None:
    await loa.press(_send_data(await _to_preview(loa, ADMIN)), "preview-1", **ADMIN)
    [row] = [row for row in await loa.outbox_rows("broadcast") if row.chat_id == KE_HOACH]
    await loa.mark_sent(row.key, "b-1")

    replies = await loa.press("ok:1", "b-1", chat_id=KE_HOACH)

    [key] = list(await loa.active())
    assert (
        key
        == f"{PLAN_ID}/broadcast-{row.payload['broadcast_id']}/2026-02-10/phong-ke-hoach-tai-chinh"
    )
    # The acknowledgement names the broadcast, not "việc 1".
    edit_or_text, notice = replies
    assert edit_or_text.text.startswith(
        "✅ Đã ghi nhận Phòng Kế hoạch - Tài chính đã thực hiện tin «Đề nghị các phòng đăng "
        "lại bài «Tháng Thanh niên 2026»…» — Nguyễn Văn A, 08:12"
    )
    assert "việc 1" not in texts(replies)
    assert notice.notice is not None and notice.notice.startswith("Đã ghi nhận: tin «Đề nghị")

    again = await loa.send("xong 1", chat_id=KE_HOACH, reply_to_message_id="b-1")
    assert texts(again).startswith("Tin «Đề nghị các phòng")
    assert texts(again).endswith("đã được xác nhận trước đó.")


async def test_photo_goes_as_photo_only_where_it_came_from(loa: Loa) -> None:
    preview = await _to_preview(
        loa,
        ADMIN,
        answer="không",
        text="Ảnh hưởng ứng",
        evidence=("telegram-photo:AgADbc",),
        attachments=(Attachment("photo", "AgADbc"),),
    )
    assert preview[0].photo == "AgADbc"
    assert "Không yêu cầu xác nhận." in preview[1].text

    await loa.press(_send_data(preview), "preview-2", **ADMIN)

    rows = {row.chat_id: row for row in await loa.outbox_rows("broadcast")}
    assert rows[KE_HOACH].payload["photo"] == "AgADbc"
    assert rows[KE_HOACH].text == "📢 Tin từ Chánh VP (quản trị viên):\nẢnh hưởng ứng"
    assert "photo" not in rows[LAO_DONG_ZALO].payload
    assert rows[LAO_DONG_ZALO].text == (
        "📢 Tin từ Chánh VP (quản trị viên):\nẢnh hưởng ứng\n\n"
        "📎 Tin gốc có kèm ảnh, chỉ gửi được qua Telegram."
    )
    assert "entries" not in rows[KE_HOACH].payload


async def test_zalo_admin_types_gui(loa: Loa) -> None:
    preview = await _to_preview(loa, ZALO_ADMIN, answer="khong")
    assert "Trả lời «gửi» để gửi" in texts(preview)
    assert all(not reply.buttons for reply in preview)

    replies = await loa.send("Gửi", **ZALO_ADMIN)

    assert "Đang gửi tới 4 nhóm" in texts(replies)
    assert len(await loa.outbox_rows("broadcast")) == 4


async def test_wrong_answers_are_asked_again(loa: Loa) -> None:
    await loa.send("/guitin", **ADMIN)
    too_long = await loa.send("x" * 4001, **ADMIN)
    assert texts(too_long) == "Nội dung dài 4001 ký tự, tối đa 4000. Hãy rút gọn rồi gửi lại."
    video = await loa.send(
        "Phóng sự",
        evidence=("telegram-video:BAADvid",),
        attachments=(Attachment("video", "BAADvid"),),
        **ADMIN,
    )
    assert texts(video) == "Loa chỉ gửi được chữ, ảnh hoặc tệp. Hãy gửi lại nội dung."
    assert "Bước 2/3" in texts(await loa.send(CONTENT, **ADMIN))

    unknown = await loa.send("tag:xa thanh-tar", **ADMIN)
    assert texts(unknown).startswith(
        "Không có nhãn «xa», đơn vị «thanh-tar» (có phải «thanh-tra»?) trong kế hoạch."
    )
    assert "Bước 3/3" in texts(await loa.send("thanh-tra van-phong", **ADMIN))

    assert "Hãy trả lời «không»" in texts(await loa.send("để mai tính", **ADMIN))
    assert "không hợp lệ" in texts(await loa.send("có, hạn 31/02", **ADMIN))
    assert "từ hôm nay trở đi" in texts(await loa.send("có, hạn 01/01", **ADMIN))
    preview = await loa.send("có", **ADMIN)
    assert "Yêu cầu xác nhận trước 09/02/2026." in texts(preview)
    assert "Gửi tới 1 đơn vị, 1 nhóm chat:\n• Văn phòng Sở" in texts(preview)
    assert await loa.outbox_rows("broadcast") == []


async def test_cancel_by_command_and_button(loa: Loa) -> None:
    preview = await _to_preview(loa, ADMIN)
    cancel = _send_data(preview).replace("send", "cancel")

    replies = await loa.press(cancel, "preview-1", **ADMIN)
    assert "Đã huỷ, không gửi tin nào." in texts(replies)
    assert [r.notice for r in await loa.press(_send_data(preview), "preview-1", **ADMIN)] == [
        "Nút này không còn hiệu lực."
    ]

    await loa.send("/guitin", **ADMIN)
    assert texts(await loa.send("/huy", **ADMIN)) == "Đã huỷ thao tác đang làm."
    assert "Bước 2/3" not in texts(await loa.send(CONTENT, **ADMIN))
    assert await loa.outbox_rows("broadcast") == []


async def test_forged_preview_button(loa: Loa) -> None:
    await _to_preview(loa, ADMIN)

    for data in ("bc:send:deadbeef", "bc:send", "bc:drop:1"):
        replies = await loa.press(data, "preview-1", **ADMIN)
        assert [reply.notice for reply in replies] == ["Nút này không còn hiệu lực."]
    assert await loa.outbox_rows("broadcast") == []


async def test_dialogue_survives_a_restart_but_expires(loa: Loa) -> None:
    await loa.send("/guitin", **ADMIN)
    loa.ctx = replace(loa.ctx)  # a new process: only the database remembers

    assert "Bước 2/3" in texts(await loa.send(CONTENT, **ADMIN))

    loa.clock.advance(timedelta(minutes=31))
    replies = await loa.send("tag:phong", **ADMIN)
    assert "Bước 3/3" not in texts(replies)
    assert "Loa chưa hiểu tin này" in texts(replies)
