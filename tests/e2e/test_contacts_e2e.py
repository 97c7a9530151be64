"""Contacts (cán bộ đầu mối) end to end: the real `loa run` against the fake Telegram
and Zalo servers.

On each platform a unit has one contact in the plan, who has written to the bot
privately, and a second member registers in the group with /daumoi before the 07:30
digest. The digest names both (on Telegram as text mentions of their user ids); the
item that became overdue yesterday reaches the plan's contact in a private message,
and no one who never wrote to the bot is written to.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.harness import LoaProcess, free_port, loa_env, run_loa_async
from tests.fakes import FakeZalo
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

NOW = "2026-03-03T07:29:45+07:00"  # Thứ Ba 03/03/2026, fifteen seconds before the digest
LOADED = "2026-02-02T07:00:00+07:00"  # the plan was loaded a month before: 02/03 is chased
UNIT = "Phòng Tuyên truyền A"
OVERDUE = "Gửi báo cáo tuyên truyền tháng 2"
TOKEN = "123456:E2E-contacts-token-not-real"
TG_GROUP, TG_LAN, TG_MINH = -1001, 7001, 7002
ZALO_GROUP = "f18c2e6a9b0d47c3e5a1"
ZALO_LAN, ZALO_MINH = "a3f1c07be25d49e8b6c2", "c5d7e9f1a3b5c7d9e1f3"
WAIT = 60.0


def plan(group: str, contact: str) -> str:
    return f"""\
plan:
  id: e2e-contacts
  title: Kế hoạch tuyên truyền thử nghiệm năm 2026
  year: 2026
units:
  - id: phong-a
    name: {UNIT}
    channels: [{group}]
    contacts:
      - {{address: "{contact}", name: Nguyễn Thị Lan}}
tasks:
  - id: bao-cao-thang
    title: {OVERDUE}
    owners: [phong-a]
    due: 2026-03-02
  - id: dang-tin
    title: Đăng tin hưởng ứng Ngày Quốc tế Phụ nữ
    owners: [phong-a]
    due: 2026-03-03
"""


async def start_env(tmp_path: Path, plan_text: str, **variables: str) -> dict[str, str]:
    env = loa_env(
        LOA_DATABASE_URL=f"sqlite:///{tmp_path / 'loa.db'}",
        LOA_NOW=NOW,
        LOA_TICK_SECONDS="0.5",
        LOA_LISTEN=f"127.0.0.1:{free_port()}",
        **variables,
    )
    path = tmp_path / "plan.yaml"
    path.write_text(plan_text, encoding="utf-8")
    loaded = await run_loa_async("load", str(path), env={**env, "LOA_NOW": LOADED}, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    return env


def check_private_reminder(text: str) -> None:
    assert text.startswith(f"⏰ Việc của {UNIT} đã quá hạn (hạn 02/03):\n{OVERDUE}\n")
    assert "cán bộ đầu mối" in text


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(seed=5) as fake:
        yield fake


async def test_telegram_digest_mentions_the_contacts_and_the_contact_hears_of_the_overdue_item(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    telegram.add_chat(TG_GROUP, "supergroup", title=UNIT)
    telegram.add_user(TG_LAN, "Lan")
    telegram.add_user(TG_MINH, "Minh", last_name="Trần")
    env = await start_env(
        tmp_path,
        plan(f"telegram:{TG_GROUP}", f"telegram:{TG_LAN}"),
        LOA_TELEGRAM_TOKEN=TOKEN,
        LOA_TELEGRAM_API_URL=telegram.url,
    )
    async with LoaProcess(env, cwd=tmp_path) as loa:
        await loa.wait_healthy()
        telegram.message(TG_LAN, "chào Loa", user_id=TG_LAN, chat_type="private")
        telegram.message(TG_GROUP, "/daumoi", user_id=TG_MINH)
        [registered] = await telegram.wait_for_messages(1, chat_id=TG_GROUP, timeout=WAIT)
        assert registered.text.startswith("✅ Đã ghi Minh Trần là cán bộ đầu mối.")
        assert f"👤 Đầu mối của {UNIT}: Nguyễn Thị Lan, Minh Trần" in registered.text

        sent = await telegram.wait_for_messages(2, chat_id=TG_GROUP, timeout=WAIT)
        digest = sent[1]
        assert digest.text.splitlines()[2] == "👤 Đầu mối: Nguyễn Thị Lan, Minh Trần"
        mentioned = [
            (entity["type"], entity["user"]["id"])
            for entity in digest.message.get("entities") or []
        ]
        assert mentioned == [("text_mention", TG_LAN), ("text_mention", TG_MINH)]

        private = await telegram.wait_for_messages(2, chat_id=TG_LAN, timeout=WAIT)
        check_private_reminder(private[1].text)
        assert "bấm ✅ dưới tin nhắc việc" in private[1].text
        assert telegram.sent_to(TG_MINH) == []  # never wrote privately: not written to
    assert telegram.duplicates() == []


async def test_zalo_digest_names_the_contacts_and_the_contact_hears_of_the_overdue_item(
    tmp_path: Path, zalo: FakeZalo
) -> None:
    env = await start_env(
        tmp_path,
        plan(f"zalo:{ZALO_GROUP}", f"zalo:{ZALO_LAN}"),
        LOA_ZALO_TOKEN=zalo.token,
        LOA_ZALO_API_URL=zalo.url,
    )
    async with LoaProcess(env, cwd=tmp_path) as loa:
        await loa.wait_healthy()
        zalo.text_message(ZALO_LAN, "chào Loa", display_name="Nguyễn Thị Lan")
        # In a Zalo group a command reaches the bot only with a mention.
        zalo.text_message(
            ZALO_GROUP,
            "@Loa /daumoi",
            user_id=ZALO_MINH,
            chat_type="GROUP",
            display_name="Trần Văn Minh",
        )
        [registered] = await zalo.wait_for_messages(1, ZALO_GROUP, timeout=WAIT)
        assert (registered.text or "").startswith("✅ Đã ghi Trần Văn Minh là cán bộ đầu mối.")

        sent = await zalo.wait_for_messages(2, ZALO_GROUP, timeout=WAIT)
        digest = sent[1].text or ""
        assert digest.splitlines()[2] == "👤 Đầu mối: Nguyễn Thị Lan, Trần Văn Minh"

        private = await zalo.wait_for_messages(2, ZALO_LAN, timeout=WAIT)
        check_private_reminder(private[1].text or "")
        assert "trả lời (trích dẫn) tin nhắc việc" in (private[1].text or "")
        assert zalo.sent_to(ZALO_MINH) == []
    assert zalo.duplicates() == []
