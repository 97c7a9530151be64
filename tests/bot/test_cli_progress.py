"""`loa progress`: JSON, CSV, XLSX and the terminal table."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.storage.confirmations import confirm
from content.items import expand_items

PLAN = "ke-hoach-thu"
DONE_KEY = f"{PLAN}/ke-hoach/2026-02-27/van-phong"
EVIDENCE = ["https://so.example.vn/ke-hoach-2026", "telegram-photo:AgACAgUAAxk"]


@pytest.fixture
def loaded(cli_env, write_plan, plans, with_database, now, capsys):  # type: ignore[no-untyped-def]
    """Plan v1 loaded; van-phong confirmed its plan (due 27/02) the day before."""
    assert main(["load", write_plan(plans.v1)]) == 0
    item = next(i for i in expand_items(plans.parse(plans.v1)) if i.key == DONE_KEY)

    async def confirm_it(database):  # type: ignore[no-untyped-def]
        async with database.session() as session:
            await confirm(
                session,
                item,
                by="telegram:500",
                by_name="Nguyễn Văn An",
                channel="telegram",
                chat_id="-1001",
                evidence=EVIDENCE,
                now=datetime.fromisoformat("2026-02-26T15:45:00+07:00"),
            )

    with_database(confirm_it)
    capsys.readouterr()


def _json(capsys, *args: str) -> list[dict]:  # type: ignore[no-untyped-def]
    assert main(["progress", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_one_row_per_owner_item_with_the_contract_fields(loaded, capsys):
    rows = _json(capsys)

    assert len(rows) == 15  # 2 reports + 12 bulletins + 1 plan; the cooperating item is not chased
    for row in rows:
        assert {
            "plan",
            "task",
            "unit",
            "due",
            "status",
            "confirmed_at",
            "confirmed_by",
            "evidence",
        } <= set(row)
    by_key = {row["item_key"]: row for row in rows}
    done = by_key[DONE_KEY]
    assert done == done | {
        "plan": PLAN,
        "task": "ke-hoach",
        "unit": "van-phong",
        "due": "2026-02-27",
        "status": "done",
        "confirmed_at": "2026-02-26T15:45:00+07:00",
        "confirmed_by": "telegram:500",
        "confirmed_by_name": "Nguyễn Văn An",
        "evidence": EVIDENCE,
        "unit_name": "Văn phòng Sở",
        "task_title": "Xây dựng kế hoạch tuyên truyền",
    }
    # Today is LOA_NOW, 02/03/2026.
    assert by_key[f"{PLAN}/ban-tin/2026-02-25/van-phong"]["status"] == "overdue"
    assert by_key[f"{PLAN}/ban-tin/2026-03-25/van-phong"]["status"] == "upcoming"
    assert by_key[f"{PLAN}/bao-cao/2026-11-15/phong-a"]["confirmed_at"] is None


def test_one_unit_by_id_or_by_name(loaded, capsys):
    by_id = _json(capsys, "--unit", "phong-a")
    by_name = _json(capsys, "--unit", "phòng a", "--plan", PLAN)
    assert [row["item_key"] for row in by_id] == [f"{PLAN}/bao-cao/2026-11-15/phong-a"]
    assert by_name == by_id


def test_csv_is_utf8_with_bom_and_vietnamese_headers(loaded, tmp_path, capsys):
    target = tmp_path / "tien-do.csv"
    assert main(["progress", "--format", "csv", "-o", str(target)]) == 0

    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert table[0] == [
        "Kế hoạch",
        "Mã nhiệm vụ",
        "Nhiệm vụ",
        "Mã đơn vị",
        "Đơn vị",
        "Hạn",
        "Trạng thái",
        "Xác nhận lúc",
        "Người xác nhận",
        "Minh chứng",
    ]
    assert len(table) == 16
    done = next(line for line in table if line[1] == "ke-hoach")
    assert done[4:] == [
        "Văn phòng Sở",
        "27/02/2026",
        "Đã xong",
        "26/02/2026 15:45",
        "Nguyễn Văn An (telegram:500)",
        "\n".join(EVIDENCE),
    ]
    assert {line[6] for line in table[1:]} == {"Đã xong", "Quá hạn", "Chưa đến hạn"}


def test_csv_on_stdout_starts_with_the_bom_too(loaded, capsys):
    assert main(["progress", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("\ufeffKế hoạch,")


def test_xlsx_has_a_summary_and_a_sheet_of_rows(loaded, tmp_path, capsys):
    target = tmp_path / "bao-cao.xlsx"
    assert main(["progress", "--format", "xlsx", "-o", str(target)]) == 0
    assert str(target) in capsys.readouterr().out

    book = load_workbook(target)
    assert book.sheetnames == ["Tổng hợp", PLAN]
    rows = book[PLAN]
    assert rows.max_row == 16
    assert [cell.value for cell in rows[1]][:7] == [
        "Kế hoạch",
        "Mã nhiệm vụ",
        "Nhiệm vụ",
        "Mã đơn vị",
        "Đơn vị",
        "Hạn",
        "Trạng thái",
    ]
    assert all(cell.font.bold for cell in rows[1] if cell.value)
    done = next(line for line in rows.iter_rows(min_row=2) if line[1].value == "ke-hoach")
    assert done[5].value == datetime(2026, 2, 27)  # a real date, shown dd/mm/yyyy
    assert done[5].number_format == "DD/MM/YYYY"
    assert done[6].value == "Đã xong"
    assert done[7].value == datetime(2026, 2, 26, 15, 45)  # local wall time
    assert done[10].hyperlink.target == EVIDENCE[0]
    assert done[11].value == EVIDENCE[1] and done[11].hyperlink is None

    summary = book["Tổng hợp"]
    header = [cell.value for cell in summary[1]]
    assert header[:9] == [
        "Kế hoạch",
        "Mã đơn vị",
        "Đơn vị",
        "Đã xong",
        "Đang nhắc",
        "Quá hạn",
        "Chưa đến hạn",
        "Không phát sinh",
        "Tổng",
    ]
    lines = {line[1].value: [c.value for c in line] for line in summary.iter_rows(min_row=2)}
    # van-phong: its plan done, the January and February bulletins overdue, 10 to come.
    assert lines["van-phong"][3:10] == [1, 0, 2, 10, 0, 13, pytest.approx(1 / 3)]
    assert lines["phong-a"][3:10] == [0, 0, 0, 1, 0, 1, None]


def test_xlsx_without_output_is_named_after_the_plan(loaded, tmp_path, capsys):
    assert main(["progress", "--format", "xlsx"]) == 0
    assert (Path.cwd() / f"progress-{PLAN}.xlsx").is_file()


def test_table_shows_the_summary_and_what_is_due(loaded, capsys):
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "Tiến độ đến Thứ Hai, ngày 02/03/2026" in out
    assert "Đơn vị" in out and "Quá hạn" in out
    assert "27/02/2026  Văn phòng Sở" in out
    assert "26/02/2026 15:45 Nguyễn Văn An (telegram:500)" in out
    assert "Còn 12 việc chưa đến hạn (thêm --all để xem)." in out


def test_unknown_plan_or_unit_is_a_user_error(loaded, capsys):
    assert main(["progress", "--plan", "khong-co"]) == 2
    assert "Không có kế hoạch 'khong-co'. Các kế hoạch đã nạp: ke-hoach-thu" in (
        capsys.readouterr().err
    )
    assert main(["progress", "--unit", "phong-x"]) == 2
    err = capsys.readouterr().err
    assert "Không có đơn vị 'phong-x'" in err and "phong-a (Phòng A)" in err


def test_nothing_loaded_yet(cli_env, capsys):
    assert main(["progress"]) == 2
    assert "Chưa nạp kế hoạch nào" in capsys.readouterr().err
