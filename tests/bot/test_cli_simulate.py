"""`loa simulate`: every message a window of days would bring, without sending."""

from __future__ import annotations

import json

from bot.cli import main
from bot.storage.confirmations import confirm
from bot.storage.plans import save_plan
from content.items import expand_items
from content.plan_loader import parse_plan
from tests.conftest import SAMPLE_PLAN

PLAN_ITEM = "ke-hoach-thu/ke-hoach/2026-02-27/van-phong"
BULLETIN = "ke-hoach-thu/ban-tin/2026-02-25/van-phong"
JANUARY_BULLETIN = "ke-hoach-thu/ban-tin/2026-01-25/van-phong"
BROKEN = """\
plan:
  id: ke-hoach-hong
  title: Kế hoạch hỏng
  year: 2026
units:
  - id: van-phong
    name: Văn phòng Sở
tasks:
  - id: bao-cao
    title: Báo cáo
    owners: [van-phong]
    due: 2026-02-30
"""


def run_json(capsys, *args: str) -> list[dict]:  # type: ignore[no-untyped-def]
    assert main(["simulate", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_plan_file_is_simulated_as_json(cli_env, write_plan, plans, capsys):
    path = write_plan(plans.v1)

    found = run_json(capsys, "--from", "2026-02-20", "--to", "2026-02-27", "--plan", path)

    first = found[0]
    assert set(first) >= {"at", "unit", "channel", "kind", "items", "text"}
    assert first == {
        "at": "2026-02-20T07:30:00+07:00",
        "plan": "ke-hoach-thu",
        "unit": "van-phong",
        "channel": "telegram:-1001",
        "kind": "digest",
        "items": [JANUARY_BULLETIN, PLAN_ITEM],  # January's is still not confirmed
        "text": first["text"],
    }
    assert "🔔 NHẮC VIỆC — Văn phòng Sở\nThứ Sáu, ngày 20/02/2026" in first["text"]
    assert "1. Cập nhật Bản tin — quá hạn 26 ngày (hạn 25/01)" in first["text"]
    assert "2. Xây dựng kế hoạch tuyên truyền — còn 7 ngày — hạn Thứ Sáu, 27/02" in first["text"]
    days = sorted(m["at"][:10] for m in found if PLAN_ITEM in m["items"] and m["kind"] == "digest")
    assert days == ["2026-02-20", "2026-02-24", "2026-02-26", "2026-02-27"]  # 7, 3, 1, 0 ahead
    escalated = {
        m["at"][:10]: m["items"]
        for m in found
        if m["kind"] == "escalation" and m["channel"] == "telegram:111"
    }
    assert escalated["2026-02-26"] == [JANUARY_BULLETIN]
    assert escalated["2026-02-27"] == [JANUARY_BULLETIN, BULLETIN]  # two days late now
    assert all(m["unit"] is None for m in found if m["kind"] == "escalation")


def test_units_without_a_chat_are_shown_with_no_channel(cli_env, capsys):
    found = run_json(capsys, "--from", "13/2/2026", "--to", "13/2/2026", "--plan", str(SAMPLE_PLAN))

    unlinked = [m for m in found if m["unit"] == "phong-bao-tro-xa-hoi"]
    assert unlinked and all(m["channel"] is None for m in unlinked)
    assert "Phòng Bảo trợ xã hội - Trẻ em - Bình đẳng giới" in unlinked[0]["text"]
    linked = [m for m in found if m["unit"] == "van-phong"]
    assert {m["channel"] for m in linked} == {"telegram:-1001234567890"}


def test_the_table_is_grouped_by_day_then_unit(cli_env, capsys):
    code = main(
        ["simulate", "--from", "2026-02-13", "--to", "2026-02-14", "--plan", str(SAMPLE_PLAN)]
    )

    out = capsys.readouterr().out
    assert code == 0
    first_day = out.index("══════ Thứ Sáu, ngày 13/02/2026 ══════")
    second_day = out.index("══════ Thứ Bảy, ngày 14/02/2026 ══════")
    assert first_day < second_day
    unit = (
        "▶ Phòng Bảo trợ xã hội - Trẻ em - Bình đẳng giới · (chưa liên kết) · 07:30 · tin nhắc việc"
    )
    assert first_day < out.index(unit) < second_day
    assert "▶ Văn phòng Sở · telegram:-1001234567890 · 07:30 · tin nhắc việc" in out
    assert "    🔔 NHẮC VIỆC — Văn phòng Sở" in out  # the full text, indented
    assert "Tổng cộng " in out
    assert "đơn vị chưa liên kết nhóm chat" in out


def test_the_stored_plans_are_simulated_with_their_confirmations(
    cli_env, plans, now, with_database, capsys
):
    plan = parse_plan(plans.v1, "kh.yaml")
    item = next(item for item in expand_items(plan) if item.key == PLAN_ITEM)

    async def load_and_confirm(database):  # type: ignore[no-untyped-def]
        async with database.session() as session:
            await save_plan(session, plan, plans.v1, now)
        async with database.session() as session:
            await confirm(
                session,
                item,
                by="telegram:500",
                by_name="An",
                channel="telegram",
                chat_id="-1001",
                evidence=[],
                now=now,
            )

    with_database(load_and_confirm)

    found = run_json(capsys, "--from", "2026-03-03", "--to", "2026-03-25")

    keys = {key for message in found for key in message["items"]}
    assert PLAN_ITEM not in keys  # confirmed: never listed again
    assert "ke-hoach-thu/ban-tin/2026-03-25/van-phong" in keys
    assert {m["channel"] for m in found if m["unit"] == "van-phong"} == {"telegram:-1001"}


def test_without_a_stored_plan_it_says_what_to_do(cli_env, capsys):
    code = main(["simulate", "--from", "2026-03-01", "--to", "2026-03-02"])

    assert code == 2
    assert "Chưa nạp kế hoạch nào" in capsys.readouterr().err


def test_bad_dates_are_refused_with_a_clear_message(cli_env, capsys):
    assert main(["simulate", "--from", "2026-02-30", "--to", "2026-03-02"]) == 2
    err = capsys.readouterr().err
    assert "loa simulate: --from:" in err
    assert "tháng 2 năm 2026 chỉ có 28 ngày" in err

    assert main(["simulate", "--from", "2026-03-01", "--to", "mai"]) == 2
    assert "loa simulate: --to: 'mai' không phải là ngày" in capsys.readouterr().err

    assert main(["simulate", "--from", "2026-03-05", "--to", "2026-03-01"]) == 2
    assert "ở trước ngày đầu" in capsys.readouterr().err


def test_a_bad_plan_file_is_refused_with_its_problems(cli_env, write_plan, capsys):
    path = write_plan(BROKEN, "hong.yaml")

    code = main(["simulate", "--from", "2026-03-01", "--to", "2026-03-02", "--plan", path])

    err = capsys.readouterr().err
    assert code == 2
    assert any(line.startswith(f"{path}:12: ") for line in err.splitlines())
    assert "không mô phỏng được" in err
    missing = main(
        ["simulate", "--from", "2026-03-01", "--to", "2026-03-02", "--plan", "khong-co.yaml"]
    )
    assert missing == 2
    assert "khong-co.yaml:1: không tìm thấy tệp kế hoạch" in capsys.readouterr().err
