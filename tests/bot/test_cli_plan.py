"""`loa plan rollover | list | close`, run as real processes across a year end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLE_PLAN


def loa(*args: str, cwd: Path, now: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("LOA_")}
    env["LOA_NOW"] = now
    env["LOA_DATABASE_URL"] = f"sqlite:///{cwd / 'loa.db'}"
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        cwd=cwd,
        env=env,
    )


def test_the_yearly_routine_rollover_load_list_close(tmp_path: Path) -> None:
    december = "2026-12-20T09:00:00+07:00"
    made = loa(
        "plan",
        "rollover",
        str(SAMPLE_PLAN),
        "--year",
        "2027",
        "-o",
        "2027.yaml",
        cwd=tmp_path,
        now=december,
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Kế hoạch năm 2027 đã ghi vào 2027.yaml.\nĐã đổi:\n")
    assert "Kiểm tra rồi nạp: loa check 2027.yaml && loa load 2027.yaml" in made.stdout
    assert loa("check", "2027.yaml", cwd=tmp_path, now=december).returncode == 0
    loaded = loa("load", str(SAMPLE_PLAN), "2027.yaml", cwd=tmp_path, now=december)
    assert loaded.returncode == 0, loaded.stderr

    listed = loa("plan", "list", "--format", "json", cwd=tmp_path, now=december)
    states = {row["id"]: row["state"] for row in json.loads(listed.stdout)}
    assert states == {"sldtbxh-laocai-2026": "active", "sldtbxh-laocai-2027": "active"}

    january = "2027-01-04T09:00:00+07:00"
    table = loa("plan", "list", cwd=tmp_path, now=january).stdout.splitlines()
    assert table[0].split() == ["Mã", "Năm", "Thời", "gian", "Trạng", "thái", "Tên"]
    assert "đã hết thời gian" in table[1] and "đang chạy" in table[2]

    closed = loa("plan", "close", "sldtbxh-laocai-2027", cwd=tmp_path, now=january)
    assert closed.returncode == 0, closed.stderr
    assert closed.stdout.startswith("Đã đóng kế hoạch sldtbxh-laocai-2027 lúc 09:00")
    again = loa("plan", "close", "sldtbxh-laocai-2027", cwd=tmp_path, now=january)
    assert again.stdout.startswith("Kế hoạch sldtbxh-laocai-2027 đã đóng từ 09:00")
    rows = json.loads(loa("plan", "list", "--format", "json", cwd=tmp_path, now=january).stdout)
    closed_row = next(row for row in rows if row["id"] == "sldtbxh-laocai-2027")
    assert closed_row["state"] == "closed"
    assert closed_row["closed_at"].startswith("2027-01-04T09:00:00")
    assert closed_row["active_until"] == "2027-01-03"


def test_rollover_without_an_output_prints_the_plan_and_reports_on_stderr(tmp_path: Path) -> None:
    result = loa(
        "plan",
        "rollover",
        str(SAMPLE_PLAN),
        "--year",
        "2027",
        "--format",
        "json",
        cwd=tmp_path,
        now="2026-12-20T09:00:00+07:00",
    )
    assert result.returncode == 0, result.stderr
    assert "  year: 2027\n" in result.stdout
    report = json.loads(result.stderr)
    assert report["year"] == 2027 and report["problems"] == []
    assert {
        "kind": "changed",
        "message": "plan.id: sldtbxh-laocai-2026 → sldtbxh-laocai-2027 "
        "(mã mới: kế hoạch cũ vẫn giữ)",
    } in report["notes"]


def test_bad_input_exits_2_with_one_line(tmp_path: Path) -> None:
    now = "2026-12-20T09:00:00+07:00"
    missing = loa("plan", "rollover", "khong-co.yaml", "--year", "2027", cwd=tmp_path, now=now)
    assert missing.returncode == 2 and missing.stderr.startswith(
        "loa plan rollover: khong-co.yaml:1: không tìm thấy tệp kế hoạch"
    )
    same = loa("plan", "rollover", str(SAMPLE_PLAN), "--year", "2026", cwd=tmp_path, now=now)
    assert (same.returncode, same.stdout) == (2, "")
    assert "năm mới phải khác năm 2026" in same.stderr
    unknown = loa("plan", "close", "khong-co", cwd=tmp_path, now=now)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == "Không có kế hoạch 'khong-co'. Các kế hoạch đã nạp: (chưa có)"
