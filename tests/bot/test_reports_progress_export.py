"""Exports never turn what chat users typed into spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.reports.progress_export import PlanProgress, write_csv, write_xlsx
from content.plan_loader import parse_plan
from scheduler.progress import ProgressRow

PLAN = """\
plan:
  id: xuat-bao-cao
  title: Kế hoạch thử xuất báo cáo
  year: 2026
units:
  - id: van-phong
    name: Văn phòng Sở
tasks:
  - id: bao-cao
    title: Báo cáo năm
    owners: [van-phong]
    due: 2026-11-15
"""
HOSTILE = '=HYPERLINK("http://evil.example","Bấm vào")'


def _row() -> ProgressRow:
    return ProgressRow(
        plan="xuat-bao-cao",
        task="bao-cao",
        task_title="Báo cáo năm",
        unit="van-phong",
        unit_name="Văn phòng Sở",
        item_key="xuat-bao-cao/bao-cao/2026-11-15/van-phong",
        due=date(2026, 11, 15),
        status="done",
        confirmed_at=datetime(2026, 11, 14, 1, 30, tzinfo=ZoneInfo("UTC")),
        confirmed_by="zalo:u1",
        evidence=(HOSTILE, "https://so.example.vn/bao-cao"),
        confirmed_by_name="=1+1",
    )


def test_csv_quotes_formula_like_text():
    stream = io.StringIO()
    write_csv([_row()], stream)
    table = list(csv.reader(io.StringIO(stream.getvalue().lstrip("\ufeff"), newline="")))
    assert table[1][7] == "14/11/2026 08:30"  # shown in local time
    assert table[1][8] == "'=1+1 (zalo:u1)"
    assert table[1][9] == f"'{HOSTILE}\nhttps://so.example.vn/bao-cao"


def test_xlsx_stores_formula_like_text_as_text(tmp_path):
    target = tmp_path / "bao-cao.xlsx"
    section = PlanProgress(parse_plan(PLAN, "x.yaml"), date(2026, 11, 16), [_row()])
    write_xlsx([section], target)

    sheet = load_workbook(target)["xuat-bao-cao"]
    confirmer, first, second = sheet["I2"], sheet["K2"], sheet["L2"]
    assert (confirmer.value, confirmer.data_type) == ("=1+1 (zalo:u1)", "s")
    assert (first.value, first.data_type) == (HOSTILE, "s")
    assert first.hyperlink is None
    assert second.hyperlink.target == "https://so.example.vn/bao-cao"
    assert sheet["H2"].value == datetime(2026, 11, 14, 8, 30)


def test_xlsx_has_a_chart_cooperating_units_broadcast_titles_and_links_to_kept_files(tmp_path):
    kept = tmp_path / "evidence" / "ab" / "ab12.jpg"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"photo")
    photo = "telegram-photo:AgADphoto"
    row = replace(_row(), evidence=(photo, "https://so.example.vn/bao-cao"))
    broadcast = replace(
        row, task="broadcast-3", task_title="Xác nhận đã thực hiện: Đăng lại bài 8/3", evidence=()
    )
    section = PlanProgress(
        parse_plan(PLAN, "x.yaml"),
        date(2026, 11, 16),
        [row, broadcast],
        cooperating={row.item_key: "Phòng A, Phòng B"},
        task_labels={"broadcast-3": ("Gửi tin ngày 05/03/2026", "Đăng lại bài 8/3")},
        files={photo: kept},
    )
    target = tmp_path / "xuat" / "tien-do.xlsx"
    target.parent.mkdir()
    write_xlsx([section], target)

    book = load_workbook(target)
    sheet = book["xuat-bao-cao"]
    assert sheet["J1"].value == "Đơn vị phối hợp" and sheet["J2"].value == "Phòng A, Phòng B"
    assert sheet["K2"].value == "../evidence/ab/ab12.jpg"
    assert sheet["K2"].hyperlink.target == "../evidence/ab/ab12.jpg"
    assert sheet["L2"].hyperlink.target == "https://so.example.vn/bao-cao"
    assert (sheet["B3"].value, sheet["C3"].value) == ("Gửi tin ngày 05/03/2026", "Đăng lại bài 8/3")
    with zipfile.ZipFile(target) as package:
        chart = package.read("xl/charts/chart1.xml").decode()
    assert '<grouping val="stacked"/>' in chart and "Tiến độ theo đơn vị" in chart
