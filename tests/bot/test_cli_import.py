"""`loa import`, run as a real process on documents in each format it reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "tests" / "content" / "import"
PDF = REPO / "tests" / "fixtures" / "documents" / "laocai-sldtbxh-2023.pdf"
SEED = SEEDS / "seed-laocai-sldtbxh-ke-hoach-tuyen-truyen-2023" / "document.txt"


def loa(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("LOA_")}
    env["LOA_NOW"] = "2023-02-15T08:00:00+07:00"
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


def imported(path: Path, tmp_path: Path) -> dict:
    result = loa("import", str(path), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "seed", sorted(SEEDS.glob("seed-*/document.txt")), ids=lambda p: p.parent.name
)
def test_each_seeds_draft_passes_loa_check(seed: Path, tmp_path: Path) -> None:
    made = loa("import", str(seed), "-o", "nhap.yaml", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Đã viết bản nháp nhap.yaml")
    assert "Kiểm tra: loa check nhap.yaml" in made.stdout
    checked = loa("check", "nhap.yaml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "nhap.yaml: kế hoạch hợp lệ" in checked.stdout


def test_json_has_the_fields_tools_rely_on(tmp_path: Path) -> None:
    found = imported(SEED, tmp_path)
    assert list(found)[:8] == [
        "issuer",
        "number",
        "year",
        "units",
        "anniversaries",
        "deadlines",
        "repeats",
        "slogans",
    ]
    assert (found["issuer"], found["number"], found["year"]) == (
        "Sở Lao động - Thương binh và Xã hội tỉnh Lào Cai",
        None,
        2023,
    )
    party = next(a for a in found["anniversaries"] if a["key"] == "thanh_lap_dang")
    assert {
        key: party[key]
        for key in ("name", "day", "month", "calendar", "origin_year", "year", "ordinal", "line")
    } == {
        "name": "Ngày thành lập Đảng Cộng sản Việt Nam",
        "day": 3,
        "month": 2,
        "calendar": "solar",
        "origin_year": 1930,
        "year": 2023,
        "ordinal": 93,
        "line": 60,
    }
    assert party["text"].startswith("1.11. Tuyên truyền kỷ niệm các ngày lễ lớn")
    assert found["deadlines"][0] | {"text": ""} == {
        "date": "2023-11-15",
        "action": "Báo cáo kết quả và tiến độ thực hiện kế hoạch tuyên truyền qua Văn phòng Sở",
        "owners": ["Các phòng chuyên môn, đơn vị sự nghiệp trực thuộc Sở"],
        "line": 108,
        "text": "",
        "start": None,
        "year_given": True,
        "doubts": [],
    }
    assert found["units"]["owners"][:2] == ["Văn phòng Sở", "Phòng Kế hoạch – Tài chính"]


def test_a_pdf_reads_like_its_text(tmp_path: Path) -> None:
    from_pdf, from_text = imported(PDF, tmp_path), imported(SEED, tmp_path)
    for key in ("issuer", "year"):
        assert from_pdf[key] == from_text[key]
    shown = [(a["key"], a["year"], a["ordinal"]) for a in from_pdf["anniversaries"]]
    assert shown == [(a["key"], a["year"], a["ordinal"]) for a in from_text["anniversaries"]]
    assert [d["date"] for d in from_pdf["deadlines"]] == ["2023-11-15"]
    assert from_pdf["units"]["owners"] == from_text["units"]["owners"]


def test_a_docx_with_a_table_gives_tasks_from_its_rows(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Số: 15/KH-SLĐTBXH")
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Tuyên truyền các ngày lễ lớn năm 2026")
    document.add_paragraph(
        "Kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2026)."
    )
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Nội dung", "Đơn vị", "Thời gian"), strict=True):
        cell.text = text
    row = ("Báo cáo kết quả trước ngày 15/11/2026", "Văn phòng Sở", "Quý IV")
    for cell, text in zip(table.rows[1].cells, row, strict=True):
        cell.text = text
    document.add_paragraph("IV. TỔ CHỨC THỰC HIỆN")
    document.add_paragraph("1. Văn phòng Sở")
    document.add_paragraph("- Cập nhật Bản tin hằng tháng, phát hành trước ngày 25 hằng tháng.")
    path = tmp_path / "ke-hoach.docx"
    document.save(str(path))
    found = imported(path, tmp_path)
    assert (found["number"], found["year"]) == ("15/KH-SLĐTBXH", 2026)
    assert [a["key"] for a in found["anniversaries"]] == ["thanh_lap_dang"]
    assert [d["date"] for d in found["deadlines"]] == ["2026-11-15"]
    assert [(r["repeat"], r["day"]) for r in found["repeats"]] == [("monthly", 25)]
    made = loa("import", str(path), "-o", "nhap.yaml", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert loa("check", "nhap.yaml", cwd=tmp_path).returncode == 0


def test_an_html_page_keeps_a_bold_date_in_its_sentence(tmp_path: Path) -> None:
    page = tmp_path / "thong-bao.html"
    page.write_text(
        "<html><head><title>x</title><script>var y = '01/01/2000';</script></head><body>"
        "<nav><a href='/'>Trang chủ</a></nav><h1>Kế hoạch tuyên truyền năm 2024</h1>"
        "<p>Kỷ niệm 79 năm <b>Cách mạng tháng Tám</b> (19/8/1945 - 19/8/2024).</p>"
        "<p>Các phòng báo cáo kết quả trước ngày <strong>15/11/2024</strong>.</p>"
        "<table><tr><td>Khẩu hiệu</td><td>Đảng Cộng sản Việt Nam quang vinh muôn năm!</td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    found = imported(page, tmp_path)
    assert [a["key"] for a in found["anniversaries"]] == ["cach_mang_thang_tam"]
    assert [(d["date"], d["owners"]) for d in found["deadlines"]] == [("2024-11-15", ["Các phòng"])]
    text = loa("import", str(page), "--format", "text", cwd=tmp_path).stdout.splitlines()
    assert text[1] == "2  Kỷ niệm 79 năm Cách mạng tháng Tám (19/8/1945 - 19/8/2024)."
    assert text[-1] == "4  Khẩu hiệu | Đảng Cộng sản Việt Nam quang vinh muôn năm!"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ke-hoach.odt", b"x", "không đọc được loại tệp '.odt'"),
        ("ke-hoach.pdf", b"%PDF-1.4 not really", "tệp ke-hoach.pdf bị hỏng"),
        ("ke-hoach.txt", "Kế hoạch".encode("utf-16"), "không phải văn bản UTF-8"),
        ("trong.txt", b"\n\n", "không tìm thấy năm của kế hoạch"),
    ],
)
def test_a_document_it_cannot_read_exits_2_with_one_line(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    result = loa("import", name, "-o", "nhap.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "nhap.yaml").exists()


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = loa("import", "khong-co.docx", cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (
        2,
        "loa import: không tìm thấy tệp khong-co.docx",
    )
