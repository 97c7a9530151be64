"""`loa privacy export|erase|reapply`: a person's data from the command line."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from bot.cli import main
from bot.storage.confirmations import confirm
from content.items import expand_items

PLAN = "ke-hoach-thu"
DONE_KEY = f"{PLAN}/ke-hoach/2026-02-27/van-phong"
PERSON = "telegram:500"


def _confirmed_by_a_person(cli_env, write_plan, plans, with_database) -> None:  # type: ignore[no-untyped-def]
    assert main(["load", write_plan(plans.v1)]) == 0
    item = next(i for i in expand_items(plans.parse(plans.v1)) if i.key == DONE_KEY)

    async def confirm_it(database):  # type: ignore[no-untyped-def]
        async with database.session() as session:
            await confirm(
                session,
                item,
                by=PERSON,
                by_name="Nguyễn Văn An",
                channel="telegram",
                chat_id="-1001",
                evidence=["https://so.example.vn/ke-hoach", "telegram-photo:AgACphoto"],
                now=datetime.fromisoformat("2026-02-26T15:45:00+07:00"),
            )

    with_database(confirm_it)


def test_export_writes_what_is_held_and_erase_keeps_the_progress(
    cli_env, write_plan, plans, with_database, capsys, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    _confirmed_by_a_person(cli_env, write_plan, plans, with_database)
    capsys.readouterr()
    exported = tmp_path / "du-lieu.json"

    assert main(["privacy", "export", PERSON, "-o", str(exported)]) == 0
    assert "1 xác nhận hoàn thành" in capsys.readouterr().out
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["names"] == ["Nguyễn Văn An"]
    assert document["confirmations"][0]["confirmed_at"] == "2026-02-26T15:45:00+07:00"

    assert main(["privacy", "erase", PERSON, "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Đã xoá hoặc ẩn danh: 1 xác nhận hoàn thành" in out
    assert main(["progress", "--format", "json"]) == 0
    [done] = [row for row in json.loads(capsys.readouterr().out) if row["status"] == "done"]
    assert done["item_key"] == DONE_KEY
    assert done["confirmed_by_name"] == "một cán bộ của Văn phòng Sở"
    assert done["evidence"] == ["https://so.example.vn/ke-hoach"]
    assert main(["privacy", "export", PERSON]) == 0
    assert json.loads(capsys.readouterr().out)["confirmations"] == []
    assert main(["privacy", "reapply"]) == 0
    assert "Không có gì cần xoá lại" in capsys.readouterr().out


def test_erase_without_yes_and_without_a_terminal_erases_nothing(
    cli_env, write_plan, plans, with_database, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    _confirmed_by_a_person(cli_env, write_plan, plans, with_database)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)

    assert main(["privacy", "erase", PERSON]) == 2
    assert "thêm --yes" in capsys.readouterr().err
    assert main(["privacy", "export", PERSON]) == 0
    assert len(json.loads(capsys.readouterr().out)["confirmations"]) == 1


def test_a_malformed_address_is_refused(cli_env, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["privacy", "export", "nguyen-van-an"]) == 2
    assert "telegram:123456" in capsys.readouterr().err
