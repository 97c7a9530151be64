"""The real `loa run` process against a local fake Telegram Bot API over HTTP.

What a unit sees: the morning digest arrives with a ✅ per item; a button press and a
"xong 2" reply are recorded (who, when, evidence) and shown in place; a broadcast that
meets a 429 storm and a kill -9 in the middle of sending still reaches every chat
exactly once.
"""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import pytest

from tests.e2e.harness import LoaProcess, free_port, loa_env, run_loa_async
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

TOKEN = "123456:E2E-test-token-not-real"
ADMIN = 9001
UNIT_CHATS = {f"don-vi-{n:02d}": -100200 - n for n in range(1, 13)}

DIGEST_PLAN = """\
plan:
  id: e2e-telegram
  title: Kế hoạch tuyên truyền kiểm thử năm 2026
  issuer: Sở Kiểm thử
  year: 2026
admins: [telegram:9001]
units:
  - id: phong-a
    name: Phòng Tuyên truyền A
    channels: [telegram:-1001]
tasks:
  - id: bao-cao-thang
    title: Gửi báo cáo tuyên truyền tháng 2
    owners: [phong-a]
    due: 2026-03-02
  - id: dang-tin
    title: Đăng tin hưởng ứng Ngày Quốc tế Phụ nữ
    owners: [phong-a]
    due: 2026-03-02
"""


def broadcast_plan() -> str:
    units = "\n".join(
        f"  - id: {unit}\n    name: Đơn vị {unit[-2:]}\n    tags: [xa]\n"
        f"    channels: [telegram:{chat}]"
        for unit, chat in UNIT_CHATS.items()
    )
    return f"""\
plan:
  id: e2e-broadcast
  title: Kế hoạch kiểm thử gửi tin
  issuer: Sở Kiểm thử
  year: 2026
admins: [telegram:{ADMIN}]
units:
{units}
tasks:
  - id: bao-cao-cuoi-nam
    title: Báo cáo kết quả năm
    owners: [all]
    due: 2026-11-15
"""


@pytest.fixture
async def fake() -> FakeTelegram:
    server = FakeTelegram(TOKEN)
    await server.start()
    yield server
    await server.stop()


def telegram_env(tmp_path: Path, fake: FakeTelegram, now: str) -> dict[str, str]:
    return loa_env(
        LOA_DATABASE_URL=f"sqlite:///{tmp_path / 'loa.db'}",
        LOA_TELEGRAM_TOKEN=TOKEN,
        LOA_TELEGRAM_API_URL=fake.url,
        LOA_NOW=now,
        LOA_TICK_SECONDS="0.5",
        LOA_LISTEN=f"127.0.0.1:{free_port()}",
    )


async def load(plan_text: str, tmp_path: Path, env: dict[str, str]) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_text, encoding="utf-8")
    result = await run_loa_async("load", str(plan), env=env)
    assert result.returncode == 0, result.stderr


async def progress(env: dict[str, str]) -> list[dict[str, object]]:
    result = await run_loa_async("progress", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


async def test_digest_button_and_xong_reply_are_recorded(tmp_path: Path, fake) -> None:
    fake.add_chat(-1001, "supergroup", title="Phòng Tuyên truyền A")
    env = telegram_env(tmp_path, fake, "2026-03-02T07:29:57+07:00")
    await load(DIGEST_PLAN, tmp_path, env)

    async with LoaProcess(env) as loa:
        await loa.wait_healthy()
        [digest] = await fake.wait_for_messages(1, chat_id=-1001, timeout=30)
        assert "Phòng Tuyên truyền A" in digest.text
        assert "Thứ Hai, ngày 02/03/2026" in digest.text
        assert "1. Gửi báo cáo tuyên truyền tháng 2" in digest.text
        assert "2. Đăng tin hưởng ứng Ngày Quốc tế Phụ nữ" in digest.text
        assert [b["callback_data"] for b in digest.buttons] == ["ok:1", "ok:2"]
        assert {"xong", "tiendo", "guitin", "huongdan"} <= set(fake.command_names())

        # A button press: recorded, acknowledged in place, answered.
        fake.callback_query(-1001, digest, "ok:1", user_id=501)
        await _until(lambda: fake.edits and fake.callback_answers, "the digest edit")
        edited = fake.edits[-1]
        assert edited.message_id == digest.message_id
        assert "✅" in (edited.text or "")
        offered = [
            b["callback_data"] for row in edited.reply_markup["inline_keyboard"] for b in row
        ]
        assert "ok:2" in offered and "ok:1" not in offered

        # A second tap on the old keyboard changes nothing: the first confirmer stays.
        answers = len(fake.callback_answers)
        fake.callback_query(-1001, digest, "ok:1", user_id=503, check_button=False)
        await _until(lambda: len(fake.callback_answers) > answers, "the second answer")

        # Forged button data is answered politely and changes nothing.
        answers = len(fake.callback_answers)
        fake.callback_query(-1001, digest, "ok:99", user_id=777, check_button=False)
        await _until(lambda: len(fake.callback_answers) > answers, "the forged answer")
        assert fake.callback_answers[-1].text

    rows = {row["task"]: row for row in await progress(env)}
    assert rows["bao-cao-thang"]["status"] == "done"
    assert "501" in str(rows["bao-cao-thang"]["confirmed_by"])
    assert rows["dang-tin"]["status"] == "open"
    assert fake.duplicates() == []


async def test_xong_reply_with_evidence_is_recorded(tmp_path: Path, fake) -> None:
    fake.add_chat(-1001, "supergroup", title="Phòng Tuyên truyền A")
    env = telegram_env(tmp_path, fake, "2026-03-02T07:29:57+07:00")
    await load(DIGEST_PLAN, tmp_path, env)

    async with LoaProcess(env) as loa:
        await loa.wait_healthy()
        [digest] = await fake.wait_for_messages(1, chat_id=-1001, timeout=30)
        fake.message(
            -1001,
            "Xong 2 https://sokiemthu.gov.vn/tin-tuc/8-3",
            user_id=502,
            reply_to_message=digest,
        )
        replies = await fake.wait_for_messages(2, chat_id=-1001, timeout=15)
        assert "2" in replies[-1].text
        assert "✅" in replies[-1].text

    rows = {row["task"]: row for row in await progress(env)}
    assert rows["dang-tin"]["status"] == "done"
    assert rows["dang-tin"]["evidence"] == ["https://sokiemthu.gov.vn/tin-tuc/8-3"]
    assert rows["bao-cao-thang"]["status"] != "done"


async def test_replies_in_staff_words_questions_and_a_photo_caption(tmp_path: Path, fake) -> None:
    """A few sentences of the replies corpus (tests/content/replies.tsv), end to end."""
    fake.add_chat(-1001, "supergroup", title="Phòng Tuyên truyền A")
    env = telegram_env(tmp_path, fake, "2026-03-02T07:29:57+07:00")
    await load(DIGEST_PLAN, tmp_path, env)

    async with LoaProcess(env) as loa:
        await loa.wait_healthy()
        [digest] = await fake.wait_for_messages(1, chat_id=-1001, timeout=30)

        # A question between colleagues gets no answer and records nothing; the next
        # answer in the chat is the one to "xong 1.5", which is asked back, not guessed.
        fake.message(-1001, "xong chưa em?", user_id=501, reply_to_message=digest)
        fake.message(-1001, "xong 1.5", user_id=502, reply_to_message=digest)
        question = (await fake.wait_for_messages(2, chat_id=-1001, timeout=15))[1]
        assert question.text.startswith("«1.5» không phải số việc trong tin nhắc.")
        choices = {b["text"]: b["callback_data"] for b in question.buttons}
        assert list(choices) == ["✅ 1", "✅ 2", "✅ Tất cả"]

        # The button on the question confirms item 2 and the question shows the outcome.
        fake.callback_query(-1001, question, choices["✅ 2"], user_id=502)
        await _until(lambda: any(e.message_id == question.message_id for e in fake.edits), "edit")
        [shown] = [e for e in fake.edits if e.message_id == question.message_id]
        assert (shown.text or "").startswith("✅ Đã ghi nhận việc 2 của Phòng Tuyên truyền A")

        # A photo captioned as people do: item 1, with the photo as evidence.
        fake.message(
            -1001,
            user_id=503,
            reply_to_message=digest,
            photo=True,
            caption="Dạ xong 1 - ảnh băng rôn trước trụ sở ạ",
        )
        ack = (await fake.wait_for_messages(3, chat_id=-1001, timeout=15))[2]
        assert ack.text.startswith("✅ Đã ghi nhận việc 1 của Phòng Tuyên truyền A")
        assert ack.text.endswith("(kèm minh chứng)")

    rows = {row["task"]: row for row in await progress(env)}
    assert (rows["dang-tin"]["status"], rows["bao-cao-thang"]["status"]) == ("done", "done")
    assert "502" in str(rows["dang-tin"]["confirmed_by"])
    [photo] = rows["bao-cao-thang"]["evidence"]
    assert photo.startswith("telegram-photo:")
    assert fake.duplicates() == []


async def test_broadcast_survives_a_429_storm_and_kill_9(tmp_path: Path, fake) -> None:
    for chat in UNIT_CHATS.values():
        fake.add_chat(chat, "supergroup")
    fake.add_chat(ADMIN, "private")
    env = telegram_env(tmp_path, fake, "2026-03-02T10:00:00+07:00")
    await load(broadcast_plan(), tmp_path, env)
    content = "Hưởng ứng Ngày Quốc tế Phụ nữ 8/3: đề nghị các đơn vị đăng lại bài viết này."

    first = LoaProcess(env).start()
    try:
        await first.wait_healthy()
        await _admin_says(fake, "/guitin", expect=1)
        await _admin_says(fake, content, expect=2)
        await _admin_says(fake, "tất cả", expect=3)
        await _admin_says(fake, "không", expect=4)
        preview = await _message_with_button(fake, ADMIN, "bc:send:")
        send = next(b for b in preview.buttons if b["callback_data"].startswith("bc:send:"))
        assert "12" in preview.text  # the preview says how many units it goes to

        fake.storm(retry_after=1, count=5)  # the first five sends meet a 429
        fake.callback_query(ADMIN, preview, send["callback_data"], user_id=ADMIN)
        await _until(lambda: _delivered(fake, content) >= 4, "a third of the broadcast")
        fake.hold()  # the next sends reach the fake but are never answered...
        await _until(lambda: fake.stats()["held"] >= 1, "a send in flight")
        # Answers that came before the hold are committed within milliseconds; the one
        # window this test does not cover is a send Telegram accepted whose answer was
        # still on the wire (docs/architecture.md says why no API can close it).
        await asyncio.sleep(0.5)
        await first.kill(signal.SIGKILL)  # ...and the process dies with them in flight
        fake.release()  # requests from the dead process were dropped, never delivered
    finally:
        await first.kill(signal.SIGKILL)  # no-op once dead; never leave it running
    delivered_before_restart = _delivered(fake, content)
    assert delivered_before_restart < len(UNIT_CHATS)

    async with LoaProcess(env) as second:
        await second.wait_healthy()
        await _until(lambda: _delivered(fake, content) >= len(UNIT_CHATS), "every chat", seconds=60)
        await asyncio.sleep(2)  # time for a double to show up, if there were one
    for chat in UNIT_CHATS.values():
        copies = [m for m in fake.sent_to(chat) if content in m.content]
        assert len(copies) == 1, f"chat {chat} got {len(copies)} copies"
    assert fake.stats()["rate_limited"] >= 5
    assert fake.duplicates() == []


def _delivered(fake: FakeTelegram, content: str) -> int:
    return sum(1 for m in fake.sent if content in m.content and m.chat_id != ADMIN)


async def _admin_says(fake: FakeTelegram, text: str, expect: int):  # type: ignore[no-untyped-def]
    fake.message(ADMIN, text, user_id=ADMIN, chat_type="private")
    messages = await fake.wait_for_messages(expect, chat_id=ADMIN, timeout=15)
    return messages[expect - 1]


async def _message_with_button(fake: FakeTelegram, chat: int, prefix: str):  # type: ignore[no-untyped-def]
    def found():  # type: ignore[no-untyped-def]
        return [
            m
            for m in fake.sent_to(chat)
            if any(b.get("callback_data", "").startswith(prefix) for b in m.buttons)
        ]

    await _until(lambda: found(), f"a message with a {prefix} button")
    return found()[-1]


async def _until(condition, what: str, seconds: float = 15) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_run_with_a_plan_loads_it_first_and_sends_its_digest(tmp_path: Path, fake) -> None:
    fake.add_chat(-1001, "supergroup", title="Phòng Tuyên truyền A")
    env = telegram_env(tmp_path, fake, "2026-03-02T07:29:58+07:00")
    plan = tmp_path / "plan.yaml"
    plan.write_text(DIGEST_PLAN, encoding="utf-8")

    async with LoaProcess(env, "--plan", str(plan), cwd=tmp_path) as loa:
        await loa.wait_healthy()
        [digest] = await fake.wait_for_messages(1, chat_id=-1001, timeout=30)
        assert "1. Gửi báo cáo tuyên truyền tháng 2" in digest.text
        assert "Đã nạp mới kế hoạch e2e-telegram" in loa.output()


async def test_run_with_a_broken_plan_says_where_and_does_not_start(tmp_path: Path, fake) -> None:
    env = telegram_env(tmp_path, fake, "2026-03-02T07:29:58+07:00")
    plan = tmp_path / "plan.yaml"
    plan.write_text(DIGEST_PLAN.replace("due: 2026-03-02", "due: 2026-02-30", 1), "utf-8")

    result = await run_loa_async("run", "--plan", str(plan), env=env, cwd=tmp_path, timeout=60)

    assert result.returncode == 2
    assert f"{plan}:" in result.stderr and "2026-02-30" in result.stderr
    assert fake.sent == []
