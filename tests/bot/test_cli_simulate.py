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

    found = run_json(capsys, "--from", "2026-02-20", "--to", "2026-03-06", "--plan", path)

    # As if loaded on 20/02, in the Tết break: it opens on Monday 23/02.
    first = found[0]
    assert set(first) >= {"at", "unit", "channel", "kind", "items", "text"}
    assert first == {
        "at": "2026-02-23T07:30:00+07:00",
        "plan": "ke-hoach-thu",
        "unit": "van-phong",
        "channel": "telegram:-1001",
        "kind": "digest",
        "items": [BULLETIN, PLAN_ITEM],
        "text": first["text"],
    }
    assert "🔔 NHẮC VIỆC — Văn phòng Sở\nThứ Hai, ngày 23/02/2026" in first["text"]
    assert "1. Cập nhật Bản tin — còn 2 ngày — hạn Thứ Tư, 25/02" in first["text"]
    assert "2. Xây dựng kế hoạch tuyên truyền — còn 4 ngày — hạn Thứ Sáu, 27/02" in first["text"]
    keys = {key for m in found if m["kind"] == "digest" for key in m["items"]}
    assert JANUARY_BULLETIN not in keys  # due before the plan started: not chased
    days = sorted(m["at"][:10] for m in found if PLAN_ITEM in m["items"] and m["kind"] == "digest")
    assert days == ["2026-02-23", "2026-02-27", "2026-03-02", "2026-03-05"]
    admins = {
        (m["at"][:10], m["kind"]): m["items"] for m in found if m["channel"] == "telegram:111"
    }
    assert admins == {
        ("2026-02-23", "notice"): [],  # the backlog: January's bulletin
        ("2026-02-27", "escalation"): [BULLETIN],  # Văn phòng Sở is two days late
        ("2026-03-02", "weekly"): [BULLETIN, PLAN_ITEM],
    }
    assert all(m["unit"] is None for m in found if m["kind"] != "digest")


def test_stats_count_each_units_messages_by_month_against_the_aims(cli_env, capsys):
    args = ["--from", "2026-01-01", "--to", "2026-12-31", "--plan", str(SAMPLE_PLAN), "--stats"]
    stats = run_json(capsys, *args)

    as_is, on_time = stats["scenarios"]
    assert (as_is["name"], on_time["name"]) == ("nothing_confirmed", "confirm_on_due_day")
    van_phong = next(row for row in as_is["units"] if row["unit"] == "van-phong")
    assert van_phong["chat"] == "telegram:-1001234567890"
    assert set(van_phong["months"]) == {f"2026-{month:02d}" for month in range(1, 13)}
    assert set(van_phong["months"]["2026-03"]) == {"digest", "post", "report", "total"}
    assert van_phong["days_off_with_message"] == 0
    assert van_phong["most_sends_of_one_post"] <= 2
    quiet = next(row for row in on_time["units"] if row["unit"] == "van-phong")
    assert quiet["average_per_month"] < van_phong["average_per_month"]
    assert quiet["most_sends_of_one_item"] <= 2  # a weekly notice and its due day
    aims = {aim["aim"]: aim for aim in stats["aims"]}
    assert aims["average_per_month"]["limit"] == 12 and aims["average_per_month"]["met"]
    assert aims["days_off_with_message"]["value"] == 0

    assert main(["simulate", *args]) == 0
    table = capsys.readouterr().out
    assert "1. Không đơn vị nào xác nhận việc nào (nhiều tin nhất):" in table
    assert "2. Đơn vị xác nhận mọi việc đúng ngày đến hạn:" in table
    assert "✓ Tin gửi vào ngày nghỉ: 0 (tối đa 0)" in table
    assert any(line.startswith("Văn phòng Sở ") for line in table.splitlines())


def test_units_without_a_chat_are_shown_with_no_channel(cli_env, capsys):
    found = run_json(capsys, "--from", "13/2/2026", "--to", "13/2/2026", "--plan", str(SAMPLE_PLAN))

    unlinked = [m for m in found if m["unit"] == "phong-bao-tro-xa-hoi"]
    assert unlinked and all(m["channel"] is None for m in unlinked)
    assert "Phòng Bảo trợ xã hội - Trẻ em - Bình đẳng giới" in unlinked[0]["text"]
    linked = [m for m in found if m["unit"] == "van-phong"]
    assert {m["channel"] for m in linked} == {"telegram:-1001234567890"}


def test_the_table_is_grouped_by_day_then_unit(cli_env, capsys):
    code = main(
        ["simulate", "--from", "2026-02-13", "--to", "2026-02-23", "--plan", str(SAMPLE_PLAN)]
    )

    out = capsys.readouterr().out
    assert code == 0
    first_day = out.index("══════ Thứ Sáu, ngày 13/02/2026 ══════")
    second_day = out.index("══════ Thứ Hai, ngày 23/02/2026 ══════")  # after the Tết break
    assert first_day < second_day
    assert out.count("══════ ") == 2  # one line per day with messages
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
