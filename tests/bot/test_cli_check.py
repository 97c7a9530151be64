"""`loa check`, run as a real process the way admins run it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.content.test_plan_hostile import ALIAS_BOMB

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "content" / "plans" / "sample-sldtbxh-laocai-2026.yaml"
FIXTURES = REPO / "tests" / "fixtures" / "plans"


def loa_check(
    *paths: str, cwd: Path, now: str = "2026-01-05T08:00:00+07:00"
) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("LOA_")}
    env["LOA_NOW"] = now
    return subprocess.run(
        [sys.executable, "-m", "bot", "check", *paths],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
        cwd=cwd,
        env=env,
    )


def test_the_sample_plan_is_valid_and_summarised(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "ke-hoach.yaml")
    result = loa_check("ke-hoach.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert out.startswith("ke-hoach.yaml: kế hoạch hợp lệ\n")
    assert "  Mã kế hoạch: sldtbxh-laocai-2026 (năm 2026)\n" in out
    assert "  Cơ quan ban hành: Sở Lao động - Thương binh và Xã hội tỉnh Lào Cai\n" in out
    assert (
        "  Đơn vị: 10; 5 đã có kênh chat (3 Telegram, 3 Zalo), 5 chưa có "
        "(gắn sau bằng: loa invite ĐƠN-VỊ)\n"
    ) in out
    assert "  Quản trị viên: 2 (1 Telegram, 1 Zalo)\n" in out
    assert "  Nhiệm vụ: 9 (3 một lần, 3 định kỳ, 3 theo ngày kỷ niệm)\n" in out
    assert re.search(r"  Việc cần làm: (\d+) \(chủ trì: (\d+), phối hợp: (\d+)\)\n", out)
    assert "  Sắp đến hạn (từ Thứ Hai, ngày 05/01/2026):\n" in out
    upcoming = out.split("Sắp đến hạn", 1)[1].splitlines()[1:]
    assert upcoming[0] == (
        "    - Thứ Ba, ngày 20/01/2026: Gửi tin, bài lồng ghép tuyên truyền công tác chuyên môn "
        "cho Trang thông tin điện tử, Bản tin của Sở (9 đơn vị chủ trì)"
    )
    assert upcoming[2] == (
        "    - Thứ Hai, ngày 02/02/2026: Đăng tin, bài tuyên truyền kỷ niệm 96 năm Ngày thành lập "
        "Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2026) trên Trang thông tin điện tử, Bản tin "
        "của Sở (1 đơn vị chủ trì)"
    )
    assert len(upcoming) == 5


def test_a_province_by_name_or_former_name_is_shown_with_a_note(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    assert "  province: lao-cai " in text
    (tmp_path / "ten.yaml").write_text(text.replace("province: lao-cai", "province: Lào Cai"))
    (tmp_path / "cu.yaml").write_text(text.replace("province: lao-cai", "province: tỉnh Yên Bái"))
    by_name = loa_check("ten.yaml", cwd=tmp_path)
    assert by_name.returncode == 0, by_name.stderr
    assert "  Tỉnh, thành phố: Lào Cai (lao-cai)\n" in by_name.stdout
    assert "Lưu ý" not in by_name.stdout
    former = loa_check("cu.yaml", cwd=tmp_path)
    assert former.returncode == 0, former.stderr
    line = 1 + text[: text.index("  province: lao-cai")].count("\n")
    assert (
        f"  Lưu ý (dòng {line}): plan.province: 'Yên Bái' là tỉnh cũ, từ 01/7/2025 thuộc Lào Cai "
        "(lao-cai): dùng các ngày kỷ niệm của Lào Cai, gồm cả các ngày của Yên Bái cũ; "
        "nên ghi province: lao-cai\n"
    ) in former.stdout


def test_after_the_plan_year_nothing_is_upcoming(tmp_path: Path) -> None:
    result = loa_check(str(SAMPLE), cwd=tmp_path, now="2027-03-01T08:00:00+07:00")
    assert result.returncode == 0, result.stderr
    assert "  Không còn việc nào đến hạn từ Thứ Hai, ngày 01/03/2027.\n" in result.stdout


def test_problems_go_to_stderr_as_file_line_message(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "many-problems.yaml", tmp_path / "loi.yaml")
    result = loa_check("loi.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    problems, last = lines[:-1], lines[-1]
    assert len(problems) == 21
    assert all(re.fullmatch(r"loi\.yaml:\d+: .+", line) for line in problems), problems
    assert (
        "loi.yaml:33: nhiệm vụ 'bao-cao': khóa 'owner' không hợp lệ (có phải ý bạn là 'owners'?)"
        in problems
    )
    assert (
        "loi.yaml:34: nhiệm vụ 'bao-cao', due: ngày '2026-02-30' không tồn tại: tháng 2 năm 2026 "
        "chỉ có 28 ngày"
    ) in problems
    assert last == "21 lỗi trong 1 tệp kế hoạch."


def test_several_files_are_all_checked(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "tot.yaml")
    shutil.copy(FIXTURES / "syntax-error.yaml", tmp_path / "hong.yaml")
    result = loa_check("tot.yaml", "hong.yaml", "khong-co.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.startswith("tot.yaml: kế hoạch hợp lệ\n")
    assert result.stderr.splitlines() == [
        "hong.yaml:3: lỗi cú pháp YAML: có dấu ':' không đúng chỗ (giá trị chứa ': ' thì đặt "
        "trong ngoặc kép) (mapping values are not allowed here)",
        "khong-co.yaml:1: không tìm thấy tệp kế hoạch",
        "2 lỗi trong 2 tệp kế hoạch.",
    ]


def test_the_same_plan_id_twice(tmp_path: Path) -> None:
    shutil.copy(SAMPLE, tmp_path / "a.yaml")
    shutil.copy(SAMPLE, tmp_path / "b.yaml")
    result = loa_check("a.yaml", "b.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "b.yaml:1: mã kế hoạch 'sldtbxh-laocai-2026' trùng với tệp a.yaml" in result.stderr


def test_hostile_files_get_file_line_problems_and_exit_2(tmp_path: Path) -> None:
    sample = SAMPLE.read_text(encoding="utf-8")
    (tmp_path / "nul.yaml").write_text(sample.replace("plan:", "plan:\x00", 1), encoding="utf-8")
    merged = sample.replace("  title:", "  <<: {id: x}\n  title:", 1)
    (tmp_path / "gop.yaml").write_text(merged, encoding="utf-8")
    (tmp_path / "sau.yaml").write_text("plan: " + "[" * 2000 + "]" * 2000, encoding="utf-8")
    (tmp_path / "bom.yaml").write_text(ALIAS_BOMB, encoding="utf-8")
    (tmp_path / "to.yaml").write_bytes(b"#" * (2 * 1024 * 1024))
    (tmp_path / "latin.yaml").write_bytes(sample.encode("utf-8").replace(b"\xe1\xbb\x9f", b"\xf5"))
    names = ("nul.yaml", "gop.yaml", "sau.yaml", "bom.yaml", "to.yaml", "latin.yaml")
    result = loa_check(*names, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    *problems, last = result.stderr.splitlines()
    assert all(re.fullmatch(r"[a-z]+\.yaml:\d+: .+", line) for line in problems), problems
    assert {line.split(":")[0] for line in problems} == set(names)
    assert last == f"{len(problems)} lỗi trong 6 tệp kế hoạch."
