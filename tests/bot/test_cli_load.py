"""`loa load`: validate, store, and say what changed."""

from __future__ import annotations

from bot.cli import main
from bot.storage.confirmations import confirm
from bot.storage.models import PlanRecord
from bot.storage.plans import stored_plans
from content.items import expand_items

BROKEN = """\
plan:
  id: ke-hoach-thu
  title: Kế hoạch hỏng
  year: 2026
units:
  - id: van-phong
    name: Văn phòng Sở
tasks:
  - id: bao-cao
    title: Báo cáo
    owners: [phong-khong-co]
    due: 2026-02-30
"""


def _record(with_database):  # type: ignore[no-untyped-def]
    async def read(database):  # type: ignore[no-untyped-def]
        async with database.session() as session:
            return await session.get(PlanRecord, "ke-hoach-thu")

    return with_database(read)


def test_first_load_prints_what_the_plan_holds(cli_env, write_plan, plans, capsys):
    code = main(["load", write_plan(plans.v1)])

    out = capsys.readouterr().out
    assert code == 0
    assert "Đã nạp mới kế hoạch ke-hoach-thu: Kế hoạch tuyên truyền thử nghiệm năm 2026" in out
    assert "Có: đơn vị “Phòng A” (phong-a)" in out
    assert "Liên kết nhóm chat: phong-b → zalo:abc123" in out
    # Loaded on Monday 02/03/2026: the January and February bulletins and the plan due
    # 27/02 are not chased in the chats.
    assert "Nhắc việc từ Thứ Hai, ngày 02/03/2026." in out
    assert (
        "3 việc của 1 đơn vị đến hạn trước ngày đó: không nhắc trong nhóm các đơn vị; "
        "quản trị viên nhận một bản tóm tắt."
    ) in out


def test_a_plan_naming_a_former_province_loads_with_a_note(cli_env, write_plan, plans, capsys):
    path = write_plan(plans.v1.replace("  year: 2026\n", "  year: 2026\n  province: Kon Tum\n", 1))

    code = main(["load", path])

    captured = capsys.readouterr()
    assert code == 0
    assert "Đã nạp mới kế hoạch ke-hoach-thu" in captured.out
    assert f"{path}:6: lưu ý: plan.province: 'Kon Tum' là tỉnh cũ" in captured.err
    assert "nên ghi province: quang-ngai" in captured.err


def test_a_reload_keeps_the_day_the_plan_started(cli_env, write_plan, plans, monkeypatch, capsys):
    path = write_plan(plans.v1)
    assert main(["load", path]) == 0
    monkeypatch.setenv("LOA_NOW", "2026-04-01T09:00:00+07:00")
    capsys.readouterr()

    assert main(["load", path]) == 0

    out = capsys.readouterr().out
    assert "Nhắc việc từ Thứ Hai, ngày 02/03/2026." in out


def test_reload_prints_changes_and_kept_confirmations(
    cli_env, write_plan, plans, with_database, now, capsys
):
    path = write_plan(plans.v1)
    assert main(["load", path]) == 0
    bulletin = next(
        item
        for item in expand_items(plans.parse(plans.v1))
        if item.key.endswith("/ban-tin/2026-02-25/van-phong")
    )

    async def confirm_bulletin(database):  # type: ignore[no-untyped-def]
        async with database.session() as session:
            await confirm(
                session,
                bulletin,
                by="telegram:500",
                by_name="An",
                channel="telegram",
                chat_id="-1001",
                evidence=[],
                now=now,
            )

    with_database(confirm_bulletin)
    capsys.readouterr()
    write_plan(plans.v2)

    assert main(["load", path]) == 0

    out = capsys.readouterr().out
    assert "Đã nạp lại kế hoạch ke-hoach-thu" in out
    assert "Thêm: đơn vị “Phòng C” (phong-c)" in out
    assert "Sửa: đơn vị phong-a: đổi tên “Phòng A” → “Phòng Tuyên truyền A”" in out
    assert "Bỏ: nhiệm vụ “Xây dựng kế hoạch tuyên truyền” (ke-hoach)" in out
    assert "(+5 việc, −4 việc)" in out
    assert "Xác nhận hoàn thành được giữ: 1" in out
    assert "Ngừng gửi tới: phong-b → zalo:abc123" in out


def test_a_bad_plan_prints_every_problem_and_changes_nothing(
    cli_env, write_plan, plans, with_database, capsys
):
    assert main(["load", write_plan(plans.v1)]) == 0
    before = _record(with_database)
    capsys.readouterr()
    broken = write_plan(BROKEN, "hong.yaml")

    code = main(["load", broken])

    err = capsys.readouterr().err
    assert code == 2
    problems = [line for line in err.splitlines() if line.startswith(f"{broken}:")]
    assert any(line.startswith(f"{broken}:11: ") for line in problems)  # the unknown owner
    assert any(line.startswith(f"{broken}:12: ") for line in problems)  # 30/02 is no date
    assert "Không nạp gì" in err
    after = _record(with_database)
    assert (after.digest, after.title, after.loaded_at) == (
        before.digest,
        before.title,
        before.loaded_at,
    )


def test_one_bad_file_among_several_loads_none(cli_env, write_plan, plans, with_database, capsys):
    code = main(["load", write_plan(plans.second, "khac.yaml"), write_plan(BROKEN, "hong.yaml")])

    assert code == 2

    async def ids(database):  # type: ignore[no-untyped-def]
        async with database.session() as session:
            return [plan.id for plan in await stored_plans(session)]

    assert with_database(ids) == []


def test_two_files_with_one_plan_id_are_refused(cli_env, write_plan, plans, capsys):
    first = write_plan(plans.v1, "a.yaml")
    second = write_plan(plans.v2, "b.yaml")

    assert main(["load", first, second]) == 2
    err = capsys.readouterr().err
    assert f"{second}:1: mã kế hoạch 'ke-hoach-thu' trùng với tệp {first}" in err


def test_a_missing_file_is_a_user_error(cli_env, tmp_path, capsys):
    missing = str(tmp_path / "khong-co.yaml")
    assert main(["load", missing]) == 2
    assert f"{missing}:1: không tìm thấy tệp kế hoạch" in capsys.readouterr().err


def test_two_plans_load_in_one_go(cli_env, write_plan, plans, with_database, capsys):
    code = main(["load", write_plan(plans.v1, "a.yaml"), write_plan(plans.second, "b.yaml")])

    assert code == 0
    out = capsys.readouterr().out
    assert "kế hoạch ke-hoach-thu" in out and "kế hoạch ke-hoach-khac" in out

    async def ids(database):  # type: ignore[no-untyped-def]
        async with database.session() as session:
            return [plan.id for plan in await stored_plans(session)]

    assert with_database(ids) == ["ke-hoach-khac", "ke-hoach-thu"]
