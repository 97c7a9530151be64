"""`loa demo`: the sample plan, stored locally, and what every unit would receive."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PARTY_DAY = "Kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2026)"


def demo(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith("LOA_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", "demo", *args],
        cwd=cwd,
        env={**clean, **env, "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_the_demo_shows_what_each_unit_receives_without_any_setup(tmp_path: Path) -> None:
    result = demo(tmp_path, "--from", "2026-01-28", "--days", "10")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Kế hoạch: Kế hoạch triển khai thực hiện công tác tuyên truyền năm 2026" in out
    assert "Xem trước: Thứ Tư, ngày 28/01/2026 → Thứ Sáu, ngày 06/02/2026" in out
    assert "  • Văn phòng Sở — telegram:-1001234567890" in out
    assert "  • Thanh tra Sở — (chưa liên kết)" in out
    day = out.index("══════ Thứ Hai, ngày 02/02/2026 ══════")
    digest = out.index("▶ Văn phòng Sở · telegram:-1001234567890 · 07:30 · tin nhắc việc", day)
    post = out.index("▶ Văn phòng Sở · telegram:-1001234567890 · 07:30 · bài gợi ý đăng", digest)
    assert out.index(PARTY_DAY, post) > post  # the suggested post, in full
    assert "Mừng Đảng quang vinh, mừng Xuân Bính Ngọ!" in out
    assert "quá hạn" in out
    assert "⚠️ VIỆC QUÁ HẠN CHƯA XÁC NHẬN" in out
    assert "Tổng cộng " in out and "Số tin theo nơi nhận:" in out
    assert (tmp_path / "loa-demo.db").is_file()


def test_the_demo_starts_at_loa_now_and_can_run_again(tmp_path: Path) -> None:
    now = "2026-04-20T08:00:00+07:00"
    first = demo(tmp_path, "--days", "7", LOA_NOW=now)
    again = demo(tmp_path, "--days", "7", LOA_NOW=now)

    for result in (first, again):
        assert result.returncode == 0, result.stderr
    assert first.stdout == again.stdout
    assert "Xem trước: Thứ Hai, ngày 20/04/2026 → Chủ Nhật, ngày 26/04/2026" in first.stdout
    assert "Giỗ Tổ Hùng Vương (10/3 âm lịch năm Bính Ngọ)" in first.stdout
    assert "“Dù ai đi ngược về xuôi" in first.stdout


def test_the_demo_uses_loa_database_url_when_set(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.db"

    result = demo(
        tmp_path, "--from", "2026-02-01", "--days", "2", LOA_DATABASE_URL=f"sqlite:///{target}"
    )

    assert result.returncode == 0, result.stderr
    assert target.is_file()
    assert not (tmp_path / "loa-demo.db").exists()


def test_bad_options_are_refused(tmp_path: Path) -> None:
    days = demo(tmp_path, "--days", "0")
    assert days.returncode == 2
    assert "--days phải từ 1 đến" in days.stderr
    start = demo(tmp_path, "--from", "31/02/2026")
    assert start.returncode == 2
    assert "loa demo: --from:" in start.stderr


def test_the_demo_follows_the_current_year_and_opens_with_what_is_coming(tmp_path: Path) -> None:
    result = demo(tmp_path, "--days", "14", LOA_NOW="2027-03-08T09:00:00+07:00")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Kế hoạch: Kế hoạch triển khai thực hiện công tác tuyên truyền năm 2027" in out
    first_day = out.index("══════ Thứ Hai, ngày 08/03/2027 ══════")
    second_day = out.index("\n══════ ", first_day)
    opening = out[first_day:second_day]
    assert "tin nhắc việc" in opening and "🗓 Sắp tới" in opening
    assert "⏰ Quá hạn" not in opening  # a plan starts when it is loaded: no backlog
    assert "📋 KẾ HOẠCH BẮT ĐẦU NHẮC VIỆC" in opening  # the admins hear of it once
    assert "Thứ Bảy, ngày 13/03/2027 ══" not in out  # nothing on days off


def test_across_a_year_end_the_demo_loads_both_years_into_one_digest(tmp_path: Path) -> None:
    result = demo(tmp_path, "--from", "2026-12-21", "--days", "21")

    assert result.returncode == 0, result.stderr
    assert "Kế hoạch: Kế hoạch triển khai thực hiện công tác tuyên truyền năm 2027" in result.stdout
    assert "══════ Thứ Năm, ngày 01/01/2027" not in result.stdout  # Tết Dương lịch
