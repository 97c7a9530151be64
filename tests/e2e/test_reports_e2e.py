"""Reports from confirmations made through the real chat path: the real `loa run` against
the fake Telegram Bot API over HTTP. Units press ✅, reply with a link, send a photo; the
photo's download meets a kill -9 in flight and 502s, and is kept all the same; then an
admin's /baocao brings the draft báo cáo, read back with python-docx (headings, tables,
pictures), and `loa report --unit` and `loa evidence export` give the unit's report and
the evidence folder.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import signal
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from PIL import Image

from tests.e2e.harness import LoaProcess, free_port, loa_env, run_loa_async
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

TOKEN = "123456:E2E-report-token-not-real"
ADMIN = 9001
CHAT_A, CHAT_B = -1001, -1002
LINK = "https://sovanhoa.example.vn/tin-tuc/8-3"

PLAN = """\
plan:
  id: e2e-bao-cao
  title: Kế hoạch tuyên truyền năm 2026
  issuer: Sở Văn hóa tỉnh Lào Cai
  number: 12/KH-SVH
  year: 2026
  province: lao-cai
admins: [telegram:9001]
units:
  - id: phong-a
    name: Phòng Tuyên truyền A
    channels: [telegram:-1001]
  - id: phong-b
    name: Phòng Văn hóa B
    channels: [telegram:-1002]
anniversaries:
  include: [national]
tasks:
  - id: dang-tin
    title: Đăng tin bài kỷ niệm {anniversary}
    owners: [phong-a, phong-b]
    per_anniversary: {keys: [quoc_te_phu_nu]}
    due: {offset_days: 0}
  - id: bao-cao-thang
    title: Gửi báo cáo tuyên truyền tháng 2
    owners: [phong-a]
    cooperating: [phong-b]
    due: 2026-03-05
"""


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
async def fake() -> FakeTelegram:
    server = FakeTelegram(TOKEN)
    await server.start()
    server.add_chat(CHAT_A, "supergroup", title="Phòng Tuyên truyền A")
    server.add_chat(CHAT_B, "supergroup", title="Phòng Văn hóa B")
    server.add_chat(ADMIN, "private")
    yield server
    await server.stop()


async def until(condition: Callable[[], object], what: str, seconds: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def loa(*args: str, env: dict[str, str], cwd: Path) -> str:
    result = await run_loa_async(*args, env=env, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout


async def test_a_report_from_buttons_links_and_a_photo_kept_through_a_kill_and_502s(
    tmp_path: Path, fake: FakeTelegram
) -> None:
    env = loa_env(
        LOA_DATABASE_URL=f"sqlite:///{tmp_path / 'loa.db'}",
        LOA_TELEGRAM_TOKEN=TOKEN,
        LOA_TELEGRAM_API_URL=fake.url,
        LOA_NOW="2026-03-05T07:29:57+07:00",
        LOA_TICK_SECONDS="0.5",
        LOA_LISTEN=f"127.0.0.1:{free_port()}",
    )
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    await loa("load", "plan.yaml", env=env, cwd=tmp_path)
    photo = photo_bytes()

    first = LoaProcess(env, cwd=tmp_path).start()
    try:
        await first.wait_healthy()
        [digest_a] = await fake.wait_for_messages(1, chat_id=CHAT_A, timeout=30)
        [digest_b] = await fake.wait_for_messages(1, chat_id=CHAT_B, timeout=30)
        assert "1. Gửi báo cáo tuyên truyền tháng 2" in digest_a.text
        fake.callback_query(CHAT_A, digest_a, "ok:1", user_id=501)
        fake.message(CHAT_A, f"xong 2 {LINK}", user_id=502, reply_to_message=digest_a)
        # The digest and the answer to "xong 2" (the suggested post for 08/03, a Sunday,
        # comes on Friday, the day to publish it).
        await fake.wait_for_messages(2, chat_id=CHAT_A, timeout=15)

        # The photo's download is in flight (getFile held) when the process dies.
        fake.hold(methods=["getFile"])
        fake.message(CHAT_B, user_id=601, photo=photo, caption="xong 1", reply_to_message=digest_b)
        await until(lambda: fake.stats()["held"] >= 1, "getFile in flight")
        # The answer, whether before or after the anniversary's suggested post (both wait
        # for the chat's one-message-a-second turn).
        await until(lambda: any("✅" in (m.text or "") for m in fake.sent_to(CHAT_B)), "the ✅")
        await first.kill(signal.SIGKILL)
    finally:
        await first.kill(signal.SIGKILL)
    fake.release()
    fake.fail_next(2, status=502, methods=["file"])  # and the next downloads fail twice

    async with LoaProcess(env, cwd=tmp_path) as second:
        await second.wait_healthy()
        await until(lambda: photos_kept(tmp_path), "the photo")
        assert fake.counters["502"] == 2

        fake.message(ADMIN, "/baocao", user_id=ADMIN, chat_type="private")
        await until(
            lambda: any(m.method == "sendDocument" for m in fake.sent_to(ADMIN)), "the report"
        )
    [kept] = photos_kept(tmp_path)
    assert kept.name == f"{hashlib.sha256(photo).hexdigest()}.jpg"

    sent = next(m for m in fake.sent_to(ADMIN) if m.method == "sendDocument")
    assert sent.upload is not None and sent.upload.filename.endswith(".docx")
    check_plan_report(docx.Document(io.BytesIO(sent.upload.data)))

    await loa("report", "--unit", "phong-b", "-o", "phong-b.docx", env=env, cwd=tmp_path)
    unit_report = docx.Document(str(tmp_path / "phong-b.docx"))
    text = "\n".join(p.text for p in unit_report.paragraphs)
    assert "PHÒNG VĂN HÓA B" in all_text(unit_report)
    assert "Kính gửi: Sở Văn hóa tỉnh Lào Cai (qua Văn phòng)" in text
    assert len(unit_report.inline_shapes) == 2  # the chart and the photo

    out = await loa(
        "evidence", "export", "-o", "minh-chung", "--format", "json", env=env, cwd=tmp_path
    )
    assert json.loads(out)["files"] == 1 and json.loads(out)["links"] == 1
    copy = tmp_path / "minh-chung" / "phong-b" / "dang-tin" / "quoc_te_phu_nu-2026-1.jpg"
    assert copy.read_bytes() == photo
    index = (tmp_path / "minh-chung" / "index.html").read_text(encoding="utf-8")
    assert LINK in index and "phong-b/dang-tin/quoc_te_phu_nu-2026-1.jpg" in index
    assert fake.duplicates() == []


def photos_kept(folder: Path) -> list[Path]:
    return list((folder / "evidence").rglob("*.jpg"))


def all_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def check_plan_report(document: docx.document.Document) -> None:
    text = all_text(document)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "SỞ VĂN HÓA TỈNH LÀO CAI" in text and "Số:" in text and "/BC-" in text
    assert "Lào Cai, ngày 05 tháng 3 năm 2026" in text
    assert "Thực hiện Kế hoạch số 12/KH-SVH của Sở Văn hóa tỉnh Lào Cai" in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == [
        "I. NHIỆM VỤ THEO KẾ HOẠCH",
        "II. KẾT QUẢ THỰC HIỆN",
        "1. Kết quả theo đơn vị",
    ]
    assert any("Kỷ niệm 116 năm Ngày Quốc tế Phụ nữ" in h for h in headings)
    assert "III. TỒN TẠI, HẠN CHẾ VÀ VIỆC CÒN LẠI" in headings
    tasks, tally = document.tables[1], document.tables[2]
    assert [c.text for c in tasks.rows[2].cells][1:4] == [
        "Gửi báo cáo tuyên truyền tháng 2",
        "Phòng Tuyên truyền A",
        "Phòng Văn hóa B",
    ]
    rows = {row.cells[1].text: [c.text for c in row.cells[2:]] for row in tally.rows[1:]}
    # Số việc, Đúng hạn, Trễ hạn, Không phát sinh, Chưa thực hiện, Chưa đến hạn, Tỷ lệ
    assert rows["Phòng Tuyên truyền A"] == ["2", "2", "0", "0", "0", "0", "100%"]
    assert rows["Phòng Văn hóa B"] == ["1", "1", "0", "0", "0", "0", "100%"]
    campaign = next(t for t in document.tables if t.rows[0].cells[0].text == "Đơn vị")
    cells = {row.cells[0].text: row.cells for row in campaign.rows[1:]}
    assert LINK in cells["Phòng Tuyên truyền A"][3].text
    assert "Đúng hạn" in cells["Phòng Văn hóa B"][1].text
    assert len(document.inline_shapes) == 2  # the chart and the photo's thumbnail
    assert "Nơi nhận:" in text and "THỦ TRƯỞNG CƠ QUAN" in text
