"""`loa chat`: the real program as a console member of a unit's chat, with what it
records checked through `loa progress`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLE_PLAN
from tests.e2e.harness import loa_env, run_loa

pytestmark = pytest.mark.e2e

# Monday 02/03/2026, after the 07:30 digest of a plan loaded at the start of the year:
# Văn phòng Sở's weekly digest lists five overdue items.
LOADED = "2026-01-02T07:00:00+07:00"
MORNING = "2026-03-02T09:00:00+07:00"
UNIT = "van-phong"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = loa_env(LOA_DATABASE_URL=f"sqlite:///{tmp_path / 'loa.db'}", LOA_NOW=MORNING)
    loading = {**environment, "LOA_NOW": LOADED}
    assert run_loa("load", str(SAMPLE_PLAN), env=loading, cwd=tmp_path).returncode == 0
    return environment


def chat(env: dict[str, str], cwd: Path, stdin: str, *args: str) -> list[dict[str, Any]]:
    done = run_loa(
        "chat", "--unit", UNIT, "--format", "jsonl", *args, env=env, cwd=cwd, stdin=stdin
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def progress(env: dict[str, str], cwd: Path) -> dict[str, dict[str, Any]]:
    done = run_loa("progress", "--format", "json", "--unit", UNIT, env=env, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return {row["task"] + "/" + row["due"]: row for row in json.loads(done.stdout)}


def test_the_chat_gets_todays_digest_and_a_reply_confirms_under_the_name_given(
    env: dict[str, str], tmp_path: Path
) -> None:
    lines = chat(env, tmp_path, "xong 2 https://so.example.vn/bai-dang\n", "--name", "Lò Thị Mai")

    digest, answer = lines
    assert digest["what"] == "message"
    assert "NHẮC VIỆC — Văn phòng Sở" in digest["text"]
    assert "2. Đăng tin, bài tuyên truyền kỷ niệm 96 năm" in digest["text"]
    # The console has no buttons and nothing to quote with: the footer says to type.
    assert "Bấm ✅" not in digest["text"]
    assert "xong 1" in digest["text"]
    assert answer["what"] == "reply"
    assert "việc 2" in answer["text"] and "Lò Thị Mai" in answer["text"]

    rows = progress(env, tmp_path)
    confirmed = [row for row in rows.values() if row["status"] == "done"]
    assert len(confirmed) == 1
    assert confirmed[0]["confirmed_by_name"] == "Lò Thị Mai"
    assert confirmed[0]["evidence"] == ["https://so.example.vn/bai-dang"]
    assert "kỷ niệm 96 năm" in confirmed[0]["task_title"]


def test_a_second_session_shows_the_digest_again_without_sending_it_twice(
    env: dict[str, str], tmp_path: Path
) -> None:
    first = chat(env, tmp_path, "")
    second = chat(env, tmp_path, "xong 1\n")

    assert [line["what"] for line in first] == ["message"]
    assert second[0]["what"] == "earlier"
    assert second[0]["text"] == first[0]["text"]
    assert second[0]["message_id"] == first[0]["message_id"]
    # The reply answers that earlier digest: item 1 is its first overdue item.
    assert "việc 1" in second[1]["text"]
    done = [row for row in progress(env, tmp_path).values() if row["status"] == "done"]
    assert [row["task"] for row in done] == ["cap-nhat-ban-tin"]


def test_commands_answer_in_the_chat_and_an_undo_takes_a_confirmation_back(
    env: dict[str, str], tmp_path: Path
) -> None:
    lines = chat(env, tmp_path, "/xong 3\n/nhiemvu\n/hoantac 3\n/huongdan\n")

    texts = [line["text"] for line in lines[1:]]
    assert "việc 3" in texts[0]
    assert "📋 Việc của Văn phòng Sở" in texts[1]
    assert "3. Đăng tin" not in texts[1]  # confirmed: no longer open
    assert texts[2].startswith("↩️ Đã hoàn tác xác nhận việc 3 của Văn phòng Sở")
    # Help adapted to the console: no buttons to press, no quoting, no @mention.
    assert "• Báo xong: gõ «xong 2»" in texts[3]
    assert "bấm ✅" not in texts[3].lower() and "@Loa" not in texts[3]
    assert all(row["status"] != "done" for row in progress(env, tmp_path).values())


def test_an_unknown_unit_is_refused_with_a_suggestion_and_nothing_is_linked(
    env: dict[str, str], tmp_path: Path
) -> None:
    done = run_loa("chat", "--unit", "van-phon", env=env, cwd=tmp_path, stdin="xong 1\n")

    assert done.returncode == 2
    assert done.stdout == ""
    assert "Không có đơn vị 'van-phon'" in done.stderr
    assert "van-phong (Văn phòng Sở)" in done.stderr
    assert all(row["status"] != "done" for row in progress(env, tmp_path).values())


def test_the_text_format_reads_like_a_chat(env: dict[str, str], tmp_path: Path) -> None:
    done = run_loa(
        "chat", "--unit", "Văn phòng Sở", "--name", "An", env=env, cwd=tmp_path, stdin="xong 1\n"
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("· Bạn là An trong nhóm của Văn phòng Sở.")
    assert "── Loa · 09:00 Thứ Hai, ngày 02/03/2026 ──" in done.stdout
    assert "✅ Đã ghi nhận việc 1 của Văn phòng Sở — An, 09:00" in done.stdout


def test_replies_in_staff_words_are_read_as_the_corpus_says(
    env: dict[str, str], tmp_path: Path
) -> None:
    """A sample of tests/content/replies.tsv typed into the unit's chat: what is done is
    recorded, questions and plans record nothing, a loose number is asked back."""
    said = [
        "xong chưa em?",  # between colleagues: no answer
        "Dạ em xong 2 rồi ạ",
        "việc 1 xong chưa?",
        "xong 1.5",
        "1",  # the answer to Loa's question
        "mai em xong 3 nhé",
    ]
    lines = chat(env, tmp_path, "\n".join(said) + "\n", "--name", "Lò Thị Mai")

    answers = [line["text"] for line in lines[1:]]
    assert answers[0] == "✅ Đã ghi nhận việc 2 của Văn phòng Sở — Lò Thị Mai, 09:00"
    assert answers[1] == "Việc 1 chưa được xác nhận."
    assert answers[2].startswith("«1.5» không phải số việc trong tin nhắc. Việc nào đã xong?")
    assert answers[2].endswith(
        "Trả lời bằng số việc đã xong, ví dụ «1» hoặc «1 3»; «tất cả» nếu xong hết."
    )
    assert answers[3] == "✅ Đã ghi nhận việc 1 của Văn phòng Sở — Lò Thị Mai, 09:00"
    assert answers[4] == "Loa chưa ghi nhận việc 3. Khi xong, trả lời «xong 3»."
    assert len(answers) == 5
    done = sorted(
        row["task"] for row in progress(env, tmp_path).values() if row["status"] == "done"
    )
    assert done == ["cap-nhat-ban-tin", "tin-bai-ngay-le"]
