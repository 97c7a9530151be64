"""The real `loa run` process against a fake Zalo Bot API over HTTP.

A small plan links one unit to a Zalo group and gives it two tasks due today; the
process starts a few seconds before the 07:30 digest (LOA_NOW). Then, as the unit's
staff would: the numbered digest arrives with the Zalo way to confirm, a quoted
"xong N" from the group is recorded and acknowledged, Zalo's repeated delivery of an
update counts once, and a forged webhook call is refused and changes nothing.
"""

from __future__ import annotations

import json
import re
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import LoaProcess, free_port, loa_env, run_loa, run_loa_async
from tests.fakes import FakeZalo
from tests.fakes._common import wait_until

pytestmark = pytest.mark.e2e

NOW = "2026-03-10T07:29:56+07:00"  # Thứ Ba 10/03/2026, four seconds before the digest
GROUP = "f18c2e6a9b0d47c3e5a1"
MEMBER = "a3f1c07be25d49e8b6c2"
MEMBER_NAME = "Trần Văn Minh"
STRANGER = "0badc0ffee0badc0ffee"
SECRET = "e2e-zalo-webhook-secret-4f1c9a"
UNIT = "Phòng Văn hóa - Thông tin"
TASKS = {
    "treo-bang-ron": "Treo băng rôn, khẩu hiệu tại trụ sở",
    "dang-tin": "Đăng tin bài trên trang thông tin điện tử",
}
PLAN = f"""\
plan:
  id: e2e-zalo
  title: Kế hoạch tuyên truyền thử nghiệm năm 2026
  issuer: Sở Thử nghiệm
  year: 2026
units:
  - id: phong-van-hoa
    name: {UNIT}
    channels: [zalo:{GROUP}]
tasks:
""" + "".join(
    f"  - id: {task}\n    title: {title}\n    owners: [phong-van-hoa]\n    due: 2026-03-10\n"
    for task, title in TASKS.items()
)
DIGEST_WAIT = 60.0  # start-up plus the seconds to 07:30
ANSWER_WAIT = 15.0


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(seed=3) as fake:
        yield fake


@pytest.fixture
def base_env(tmp_path: Path, zalo: FakeZalo) -> dict[str, str]:
    """The plan loaded into a fresh SQLite file; the environment `loa` runs with."""
    port = free_port()
    env = loa_env(
        LOA_DATABASE_URL=f"sqlite:///{tmp_path / 'loa.db'}",
        LOA_ZALO_TOKEN=zalo.token,
        LOA_ZALO_API_URL=zalo.url,
        LOA_NOW=NOW,
        LOA_TICK_SECONDS="0.5",
        LOA_LISTEN=f"127.0.0.1:{port}",
    )
    plan = tmp_path / "ke-hoach.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    loaded = run_loa("load", str(plan), env=env, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    return env


async def progress(env: dict[str, str], cwd: Path) -> dict[str, dict[str, Any]]:
    """`loa progress --format json`, by task id."""
    result = await run_loa_async("progress", "--format", "json", env=env, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return {row["task"]: row for row in json.loads(result.stdout)}


def tasks_by_number(digest: str) -> dict[int, str]:
    """Item number in the digest ("2. Đăng tin bài ...") -> task id."""
    found = {}
    for task, title in TASKS.items():
        match = re.search(rf"^(\d+)\. {re.escape(title)}", digest, re.MULTILINE)
        assert match, f"{title!r} is not a numbered item of the digest:\n{digest}"
        found[int(match.group(1))] = task
    return found


async def receive_digest(zalo: FakeZalo) -> dict[int, str]:
    """Wait for the morning digest in the group; its item numbers -> task ids."""
    [digest] = await zalo.wait_for_messages(1, GROUP, timeout=DIGEST_WAIT)
    text = digest.text or ""
    assert text.startswith(f"🔔 NHẮC VIỆC — {UNIT}\nThứ Ba, ngày 10/03/2026")
    numbered = tasks_by_number(text)
    assert sorted(numbered) == [1, 2]
    # Zalo has no buttons: the digest says how to confirm by quoting it.
    assert text.rstrip().endswith("Trả lời (trích dẫn) tin này: xong 1 — nhiều việc: xong 1 2")
    return numbered


async def answers(zalo: FakeZalo, count: int) -> list[str]:
    """The bot's messages in the group after the digest, once there are `count`."""
    sent = await zalo.wait_for_messages(count + 1, GROUP, timeout=ANSWER_WAIT)
    return [record.text or "" for record in sent[1:]]


def acknowledgement(number: int) -> str:
    return f"✅ Đã ghi nhận việc {number} của {UNIT} — {MEMBER_NAME}"


async def test_webhook_digest_quoted_confirmation_redelivery_and_forgery(
    zalo: FakeZalo, base_env: dict[str, str], tmp_path: Path
) -> None:
    env = base_env | {
        "LOA_WEBHOOK_BASE_URL": f"http://{base_env['LOA_LISTEN']}",
        "LOA_WEBHOOK_SECRET": SECRET,
    }
    async with LoaProcess(env, cwd=tmp_path) as loa:
        health = await loa.wait_healthy()
        assert health["channels"]["zalo"]["mode"] == "webhook"
        assert zalo.webhook_url == f"{loa.url}/webhook/zalo"
        assert zalo.webhook_secret == SECRET
        numbered = await receive_digest(zalo)

        # A member quotes the digest with "xong 2": recorded, acknowledged in the group.
        zalo.text_message(
            GROUP, "xong 2", user_id=MEMBER, chat_type="GROUP", display_name=MEMBER_NAME
        )
        [ack] = await answers(zalo, 1)
        assert ack.startswith(acknowledgement(2))
        rows = await progress(env, tmp_path)
        done = rows[numbered[2]]
        assert (done["status"], done["confirmed_by"]) == ("done", f"zalo:{MEMBER}")
        assert done["confirmed_at"].startswith("2026-03-10T07:3")
        assert rows[numbered[1]]["status"] == "open"

        # Zalo posts the next update twice: both answered 200, handled once.
        zalo.redeliver = True
        link = "https://vanhoa.laocai.gov.vn/tin-tuc/bang-ron-2026"
        update = zalo.text_message(
            GROUP,
            f"xong 1 {link}",
            user_id=MEMBER,
            chat_type="GROUP",
            display_name=MEMBER_NAME,
        )
        message_id = update["message"]["message_id"]
        await wait_until(
            lambda: [d.status for d in zalo.deliveries if d.message_id == message_id] == [200, 200],
            within=ANSWER_WAIT,
            describe=lambda: f"webhook deliveries: {zalo.deliveries}",
        )
        later = await answers(zalo, 2)
        assert later[1].startswith(acknowledgement(1))
        assert later[1].endswith("(kèm minh chứng)")
        rows = await progress(env, tmp_path)
        assert rows[numbered[1]]["status"] == "done"
        assert rows[numbered[1]]["evidence"] == [link]
        zalo.redeliver = False

        # Forged calls (wrong secret, no secret) try to undo a confirmation: refused.
        forged = zalo.updates.text(GROUP, "/hoantac 1", user_id=MEMBER, chat_type="GROUP")
        assert await zalo.post_forged(forged, secret="not-the-secret-123") == 403
        assert await zalo.post_forged(forged, secret=None) == 403
        stranger = zalo.updates.text(STRANGER, "/tiendo")
        assert await zalo.post_forged(stranger, secret=SECRET[:-1]) == 403

        # A real message afterwards is answered, and it is the only new answer: the
        # redelivered update and the forged ones produced nothing.
        zalo.text_message(GROUP, "/nhiemvu", user_id=MEMBER, chat_type="GROUP")
        final = await answers(zalo, 3)
        assert not any("trước đó" in text or "↩️" in text for text in final)
        assert len(zalo.sent_to(GROUP)) == 4
        assert await progress(env, tmp_path) == rows
        assert zalo.sent_to(STRANGER) == []
        assert await loa.kill(signal.SIGTERM) == 0
    assert zalo.token not in loa.output()
    assert zalo.duplicates() == []


async def test_polling_digest_and_a_repeated_update_counted_once(
    zalo: FakeZalo, base_env: dict[str, str], tmp_path: Path
) -> None:
    zalo.redeliver = True  # getUpdates hands every update out twice
    async with LoaProcess(base_env, cwd=tmp_path) as loa:
        health = await loa.wait_healthy()
        assert health["channels"]["zalo"]["mode"] == "polling"
        numbered = await receive_digest(zalo)
        zalo.text_message(
            GROUP, "xong 2", user_id=MEMBER, chat_type="GROUP", display_name=MEMBER_NAME
        )
        [ack] = await answers(zalo, 1)
        assert ack.startswith(acknowledgement(2))
        repeated = await wait_until(
            lambda: [
                call
                for call in zalo.requests
                if call.method == "getUpdates" and call.outcome == "ok"
            ][1:],
            within=ANSWER_WAIT,
            describe=zalo.describe_requests,
        )
        assert repeated[0].params == {"timeout": "30"}  # the same update, handed out again
        zalo.text_message(GROUP, "/nhiemvu", user_id=MEMBER, chat_type="GROUP")
        later = await answers(zalo, 2)
        assert "trước đó" not in later[1]  # the repeat was not handled: /nhiemvu came next
        rows = await progress(base_env, tmp_path)
        assert (rows[numbered[2]]["status"], rows[numbered[1]]["status"]) == ("done", "open")
        assert len(zalo.sent_to(GROUP)) == 3
        assert await loa.kill(signal.SIGTERM) == 0
    assert zalo.token not in loa.output()
    assert not any(call.method == "setWebhook" for call in zalo.requests)
    assert zalo.duplicates() == []


async def test_replies_in_staff_words_a_numbered_question_and_a_photo_caption(
    zalo: FakeZalo, base_env: dict[str, str], tmp_path: Path
) -> None:
    """A few sentences of the replies corpus (tests/content/replies.tsv), end to end:
    Zalo has no buttons, so Loa's question lists numbered choices."""
    member = {"user_id": MEMBER, "chat_type": "GROUP", "display_name": MEMBER_NAME}
    async with LoaProcess(base_env, cwd=tmp_path) as loa:
        await loa.wait_healthy()
        numbered = await receive_digest(zalo)

        zalo.text_message(GROUP, "mai em xong 1 nhé", **member)
        [later] = await answers(zalo, 1)
        assert later == "Loa chưa ghi nhận việc 1. Khi xong, trả lời «xong 1»."

        zalo.text_message(GROUP, "Dạ em xong rồi ạ", **member)
        question = (await answers(zalo, 2))[1]
        assert question.startswith("Tin nhắc còn 2 việc chưa xác nhận: 1 và 2. Việc nào đã xong?")
        assert question.endswith("«tất cả» nếu xong hết.")

        zalo.text_message(GROUP, "2 ạ", **member)
        assert (await answers(zalo, 3))[2].startswith(acknowledgement(2))

        photo = "https://photo.zalo.example/bang-ron-tru-so.jpg"
        zalo.image_message(GROUP, photo, "Xong 1 - ảnh băng rôn trước trụ sở", **member)
        ack = (await answers(zalo, 4))[3]
        assert ack.startswith(acknowledgement(1)) and ack.endswith("(kèm minh chứng)")
        assert await loa.kill(signal.SIGTERM) == 0

    rows = await progress(base_env, tmp_path)
    assert (rows[numbered[1]]["status"], rows[numbered[2]]["status"]) == ("done", "done")
    assert rows[numbered[1]]["evidence"] == [photo]
    assert zalo.duplicates() == []
