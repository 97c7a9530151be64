"""Reading plan files: the bundled sample, the defaults, and every kind of mistake, each
reported on its own line with a message that names the faulty value."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from textwrap import dedent

import pytest

from content.anniversaries import occurrence_of
from content.catalogues import catalogue
from content.plan import Address, Plan, Settings
from content.plan_loader import PlanError, PlanProblem, load_plan, parse_plan

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "content" / "plans" / "sample-sldtbxh-laocai-2026.yaml"
FIXTURES = REPO / "tests" / "fixtures" / "plans"

HEAD = """\
plan:
  id: ke-hoach-thu
  title: Kế hoạch thử
  year: 2026
units:
  - id: van-phong
    name: Văn phòng Sở
    tags: [so]
  - id: phong-a
    name: Phòng A
    tags: [phong]
  - id: phong-b
    name: Phòng B
    tags: [phong]
"""  # 14 lines: whatever a test appends starts on line 15


def plan_text(tail: str) -> str:
    return HEAD + dedent(tail)


def problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(PlanError) as caught:
        parse_plan(text, source_name="plan.yaml")
    assert all(problem.file == "plan.yaml" for problem in caught.value.problems)
    return [(problem.line, problem.message) for problem in caught.value.problems]


def only_problem(text: str) -> tuple[int, str]:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


ONE_TASK = """\
tasks:
  - id: bao-cao
    title: Báo cáo kết quả
    owners: [all]
    due: 2026-11-15
"""


# --- valid plans ---------------------------------------------------------------------


def test_the_bundled_sample_plan_loads() -> None:
    plan = load_plan(SAMPLE)
    assert plan.id == "sldtbxh-laocai-2026"
    assert plan.year == 2026
    assert plan.province == "lao-cai"
    assert plan.issuer == "Sở Lao động - Thương binh và Xã hội tỉnh Lào Cai"
    assert plan.source_name == str(SAMPLE)
    assert plan.unit("van-phong").name == "Văn phòng Sở"
    assert plan.unit("van-phong").channels == (Address("telegram", "-1001234567890"),)
    assert [unit.id for unit in plan.units_with_tag("don-vi-su-nghiep")] == [
        "trung-tam-dich-vu-viec-lam",
        "trung-tam-bao-tro-xa-hoi",
        "co-so-cai-nghien",
    ]
    assert plan.admins == (
        Address("telegram", "123456789"),
        Address("zalo", "6ede9afa66b88fe6d6a9"),
    )
    assert plan.task("bao-cao-ket-qua").due_date == date(2026, 11, 15)
    assert plan.task("bao-cao-ket-qua").cooperating == ("van-phong",)
    sector_day = plan.anniversary("sld-thanh-lap-nganh")
    assert (sector_day.day, sector_day.month, sector_day.origin_year) == (28, 8, 1945)
    assert sector_day.scope == "plan"
    assert plan.anniversary("lc_tai_lap").scope == "lao-cai"
    assert plan.task("tin-bai-ngay-le").anniversary_keys is not None
    assert "thuong_binh_liet_si" in plan.task("tin-bai-ngay-le").anniversary_keys
    assert plan.settings == Settings()


def test_defaults_of_a_minimal_plan() -> None:
    plan = parse_plan(plan_text(ONE_TASK))
    assert plan.timezone == "Asia/Ho_Chi_Minh"
    assert str(plan.tz) == "Asia/Ho_Chi_Minh"
    assert plan.issuer == ""
    assert plan.number is None
    assert plan.admins == ()
    settings = plan.settings
    assert settings.digest_time == time(7, 30)
    # Besides the weekly digest and the due day, round years are reminded earlier.
    assert dict(settings.lead_days) == {"round10": (30, 14), "round5": (14,), "regular": ()}
    assert settings.overdue_reminders == (1, 4)
    assert settings.escalate_after_days == 2
    assert (settings.report_weekday, settings.report_time) == (1, time(8, 0))
    assert settings.quiet_hours == (time(21, 0), time(7, 0))
    assert (settings.days_off, settings.working_days, settings.remind_from) == ((), (), None)
    assert plan.anniversary_tiers == ("round10", "round5", "regular")
    # No province: the national catalogue only.
    assert plan.anniversaries == tuple(catalogue(("national",)))
    assert plan.slogans == {}


def test_settings_can_be_changed_one_at_a_time() -> None:
    plan = parse_plan(
        dedent("""\
        settings:
          digest_time: "06:45"
          lead_days:
            regular: [1, 5, 0, 5]
          escalate_after_days: 0
          quiet_hours: null
          overdue_reminders: [5, 1, 10]
          report_weekday: 5
          report_time: "16:00"
          days_off: [2026-09-04, 04/09/2026]
          working_days: [2026-09-12]
          remind_from: 01/03/2026
        """)
        + plan_text(ONE_TASK)
    )
    assert plan.settings.digest_time == time(6, 45)
    assert plan.settings.lead_days["regular"] == (5, 1, 0)
    assert plan.settings.lead_days["round10"] == (30, 14)
    assert plan.settings.escalate_after_days == 0
    assert plan.settings.overdue_reminders == (1, 5, 10)
    assert (plan.settings.report_weekday, plan.settings.report_time) == (5, time(16, 0))
    assert plan.settings.days_off == (date(2026, 9, 4),)
    assert plan.settings.working_days == (date(2026, 9, 12),)
    assert plan.settings.remind_from == date(2026, 3, 1)
    assert not plan.calendar.is_working(date(2026, 9, 4))
    assert plan.calendar.is_working(date(2026, 9, 12))
    assert plan.settings.quiet_hours is None
    assert not plan.settings.in_quiet_hours(time(23, 0))


def test_quiet_hours_may_wrap_midnight() -> None:
    overnight = Settings(quiet_hours=(time(21, 0), time(7, 0)))
    assert overnight.in_quiet_hours(time(21, 0))
    assert overnight.in_quiet_hours(time(2, 30))
    assert not overnight.in_quiet_hours(time(7, 0))
    assert not overnight.in_quiet_hours(time(12, 0))
    lunch = Settings(quiet_hours=(time(11, 30), time(13, 30)))
    assert lunch.in_quiet_hours(time(12, 0))
    assert not lunch.in_quiet_hours(time(21, 0))


def test_owners_resolve_to_unit_ids_in_plan_order() -> None:
    plan = parse_plan(
        plan_text("""\
        tasks:
          - id: a
            title: A
            owners: [phong-b, tag:so, phong-b]
            cooperating: [all]
            due: 2026-03-01
          - id: b
            title: B
            owners: van-phong
            cooperating: [tag:phong]
            due: 15/11/2026
        """)
    )
    first, second = plan.tasks
    assert first.owners == ("van-phong", "phong-b")
    assert first.cooperating == ("phong-a",)  # an owner is never also cooperating
    assert second.owners == ("van-phong",)
    assert second.cooperating == ("phong-a", "phong-b")
    assert second.due_date == date(2026, 11, 15)  # D/M/YYYY is a date too


def test_task_kinds_and_their_fields() -> None:
    plan = parse_plan(
        plan_text("""\
        tasks:
          - id: ky-niem
            title: Đăng tin {anniversary}
            owners: [van-phong]
            per_anniversary: {tiers: [round10], keys: [tong_tuyen_cu]}
            due: {offset_days: -2}
          - id: quy
            title: Báo cáo quý
            owners: [tag:phong]
            repeat: quarterly
            due: {month: 3, day: 15}
            from: 2026-04-01
          - id: moi-ngay
            title: Theo dõi báo chí
            owners: [van-phong]
            repeat: daily
            description: Điểm báo hằng ngày.
        """)
    )
    anniversary, quarterly, daily = plan.tasks
    assert anniversary.kind == "per_anniversary"
    assert anniversary.anniversary_tiers == ("round10",)
    assert anniversary.anniversary_keys == ("tong_tuyen_cu",)
    assert anniversary.offset_days == -2
    assert quarterly.kind == "recurring"
    assert (quarterly.repeat, quarterly.due_month, quarterly.due_day) == ("quarterly", 3, 15)
    assert quarterly.start == date(2026, 4, 1)
    assert daily.repeat == "daily"
    assert daily.description == "Điểm báo hằng ngày."
    assert daily.line == 27


def test_address_parse() -> None:
    assert Address.parse("telegram:-1001234567890") == Address("telegram", "-1001234567890")
    assert str(Address.parse(" zalo:6ede9afa66b88fe6d6a9 ")) == "zalo:6ede9afa66b88fe6d6a9"
    with pytest.raises(ValueError, match="telegram:<mã chat> hoặc zalo:<mã chat>"):
        Address.parse("viber:123")
    with pytest.raises(ValueError, match="mã chat telegram là số nguyên"):
        Address.parse("telegram:@nhom")


def test_the_documented_full_example_passes() -> None:
    text = (REPO / "docs" / "plan-format.md").read_text(encoding="utf-8")
    example = re.search(r"<!-- full-example -->\n```yaml\n(.*?)```", text, re.DOTALL)
    assert example is not None
    plan = parse_plan(example.group(1), source_name="docs/plan-format.md")
    assert plan.id == "vi-du-2026"
    assert len(plan.tasks) == 7


# --- reading files -------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "khong-co.yaml"
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert caught.value.problems == [PlanProblem(str(path), 1, "không tìm thấy tệp kế hoạch")]


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("plan:\n  title: Kế hoạch\n".encode("utf-16"))
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    (problem,) = caught.value.problems
    assert problem.line == 1
    assert "không phải văn bản UTF-8" in problem.message


def test_plan_error_prints_one_problem_per_line() -> None:
    with pytest.raises(PlanError) as caught:
        load_plan(FIXTURES / "syntax-error.yaml")
    error = caught.value
    assert str(error) == "\n".join(str(problem) for problem in error.problems)
    assert str(error.problems[0]).startswith(f"{FIXTURES / 'syntax-error.yaml'}:3: ")


# --- YAML and shape ------------------------------------------------------------------


def test_yaml_syntax_error_has_its_line() -> None:
    line, message = only_problem((FIXTURES / "syntax-error.yaml").read_text(encoding="utf-8"))
    assert line == 3
    assert message.startswith("lỗi cú pháp YAML: có dấu ':' không đúng chỗ")


def test_duplicate_yaml_key() -> None:
    line, message = only_problem(HEAD + "units:\n  - id: x\n    name: X\n")
    assert line == 15
    assert "khóa bị lặp" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "tệp kế hoạch trống"),
        ("# chỉ có chú thích\n", "tệp kế hoạch trống"),
        ("- plan\n- units\n", "tệp kế hoạch phải là một bảng"),
    ],
)
def test_not_a_plan_at_all(text: str, expected: str) -> None:
    line, message = only_problem(text)
    assert line == 1
    assert message.startswith(expected)


def test_missing_required_keys() -> None:
    found = problems("plan:\n  issuer: Sở\n")
    assert found == [
        (1, "tệp kế hoạch: thiếu khóa bắt buộc 'units'"),
        (1, "tệp kế hoạch: thiếu khóa bắt buộc 'tasks'"),
        (2, "plan: thiếu khóa bắt buộc 'id'"),
        (2, "plan: thiếu khóa bắt buộc 'title'"),
        (2, "plan: thiếu khóa bắt buộc 'year'"),
    ]


def test_unknown_key_suggests_the_close_one_and_is_reported_once() -> None:
    found = problems(
        plan_text("""\
        tasks:
          - id: bao-cao
            title: Báo cáo
            owner: [van-phong]
            due: 2026-11-15
        """)
    )
    assert found == [
        (18, "nhiệm vụ 'bao-cao': khóa 'owner' không hợp lệ (có phải ý bạn là 'owners'?)")
    ]


def test_unknown_key_without_a_close_one_lists_the_keys() -> None:
    line, message = only_problem(HEAD + "ghi_chu: x\n" + ONE_TASK)
    assert line == 15
    assert "khóa 'ghi_chu' không hợp lệ; các khóa hợp lệ: plan, settings, admins" in message


# --- the plan header -----------------------------------------------------------------


def test_bad_plan_id_gets_a_suggestion() -> None:
    line, message = only_problem(plan_text(ONE_TASK).replace("ke-hoach-thu", "Kế hoạch 2026"))
    assert line == 2
    assert message == (
        "plan.id: mã kế hoạch 'Kế hoạch 2026' không hợp lệ: chỉ dùng chữ thường không dấu a-z, "
        "chữ số 0-9 và dấu gạch ngang '-' (gợi ý: 'ke-hoach-2026')"
    )


def test_unknown_province_lists_the_available_ones() -> None:
    text = plan_text(ONE_TASK).replace("  year: 2026\n", "  year: 2026\n  province: Lao Kay\n")
    line, message = only_problem(text)
    assert line == 5
    assert "tỉnh 'Lao Kay' (có phải ý bạn là 'Lào Cai'?)" in message
    assert "các tỉnh có sẵn: an-giang (An Giang)," in message
    assert "lao-cai (Lào Cai)" in message and "vinh-long (Vĩnh Long)" in message


def with_province(province: str) -> str:
    return plan_text(ONE_TASK).replace("  year: 2026\n", f"  year: 2026\n  province: {province}\n")


@pytest.mark.parametrize(
    ("written", "slug"),
    [
        ("quang-ngai", "quang-ngai"),
        ("Quảng Ngãi", "quang-ngai"),
        ("quang ngai", "quang-ngai"),
        ("Tỉnh Quảng Ngãi", "quang-ngai"),
        ("TP Hồ Chí Minh", "ho-chi-minh"),
        ("Thành phố Hồ Chí Minh", "ho-chi-minh"),
        ("Thành phố Huế", "hue"),
    ],
)
def test_a_province_may_be_written_by_its_name(written: str, slug: str) -> None:
    plan = parse_plan(with_province(written))
    assert plan.province == slug
    assert plan.notices == ()
    assert {a.scope for a in plan.anniversaries} == {"national", slug}


def test_a_former_province_gets_the_merged_one_with_a_notice() -> None:
    plan = parse_plan(with_province("tỉnh Kon Tum"), source_name="plan.yaml")
    assert plan.province == "quang-ngai"
    keys = {a.key for a in plan.anniversaries}
    assert {"kt_giai_phong", "qn_giai_phong"} <= keys  # Kon Tum's days and Quảng Ngãi's
    assert [(notice.line, notice.message) for notice in plan.notices] == [
        (
            5,
            "plan.province: 'Kon Tum' là tỉnh cũ, từ 01/7/2025 thuộc Quảng Ngãi (quang-ngai): "
            "dùng các ngày kỷ niệm của Quảng Ngãi, gồm cả các ngày của Kon Tum cũ; "
            "nên ghi province: quang-ngai",
        )
    ]


def test_a_province_key_of_the_merged_province_is_known_under_a_former_name() -> None:
    text = with_province("Kon Tum").replace(
        "    due: 2026-11-15\n",
        "    per_anniversary: {keys: [kt_giai_phong]}\n    due: {offset_days: -2}\n",
    )
    plan = parse_plan(text)
    assert plan.tasks[0].anniversary_keys == ("kt_giai_phong",)


@pytest.mark.parametrize("year", ["hai nghìn", "1800", "true"])
def test_bad_year(year: str) -> None:
    line, message = only_problem(plan_text(ONE_TASK).replace("year: 2026", f"year: {year}"))
    assert line == 4
    assert message == (
        f"plan, year: năm của kế hoạch phải là số nguyên từ 1901 đến 2099, không phải '{year}'"
    )


def test_unknown_timezone() -> None:
    text = plan_text(ONE_TASK).replace("  year: 2026\n", "  year: 2026\n  timezone: Asia/Hanoi\n")
    assert only_problem(text) == (
        5,
        "plan.timezone: không có múi giờ 'Asia/Hanoi'; ví dụ Asia/Ho_Chi_Minh",
    )


# --- settings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "line", "expected"),
    [
        ('digest_time: "25:00"', 2, "settings.digest_time: giờ '25:00' không hợp lệ"),
        ("digest_time: 7", 2, "settings.digest_time: giờ '7' không hợp lệ"),
        ("lead_days:\n    regular: [7, -3]", 3, "không phải '-3'"),
        ("overdue_reminders: [0, 3]", 2, "số ngày làm việc sau hạn phải là số nguyên từ 1"),
        ("report_weekday: 8", 2, "thứ gửi báo cáo tuần (1 = Thứ Hai ... 7 = Chủ Nhật)"),
        ('report_time: "06:00"', 2, "giờ gửi báo cáo tuần 06:00 nằm trong giờ yên lặng"),
        ("days_off: [2026-02-30]", 2, "settings.days_off: ngày '2026-02-30' không tồn tại"),
        ("days_off: [2030-01-02]", 2, "settings.days_off: ngày 02/01/2030 cách quá xa"),
        (
            "days_off: [2026-09-12]\n  working_days: [2026-09-12]",
            3,
            "ngày 12/09/2026 vừa là ngày nghỉ (days_off) vừa là ngày làm việc",
        ),
        ("remind_from: mai", 2, "settings.remind_from: 'mai' không phải là ngày"),
        ("lead_days:\n    round: [1]", 3, "mức 'round' không hợp lệ (có phải ý bạn là 'round5'?)"),
        ('quiet_hours: ["21:00"]', 2, "settings.quiet_hours: phải là [giờ bắt đầu, giờ kết thúc]"),
        ('quiet_hours: ["21:00", "21:00"]', 2, "giờ bắt đầu và kết thúc trùng nhau (21:00)"),
        ("escalate_after_days: -1", 2, "phải là số nguyên từ 0 đến 365, không phải '-1'"),
        ('digest_time: "22:00"', 2, "giờ gửi tin nhắc 22:00 nằm trong giờ yên lặng"),
    ],
)
def test_bad_settings(setting: str, line: int, expected: str) -> None:
    found = only_problem(f"settings:\n  {setting}\n" + plan_text(ONE_TASK))
    assert found[0] == line
    assert expected in found[1]


# --- admins and units ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("telegram:abc", "mã chat 'abc' trong 'telegram:abc' không hợp lệ"),
        ("facebook:123", "địa chỉ 'facebook:123' không hợp lệ"),
        ("telegram: 123", "viết liền 'telegram:123', không có dấu cách sau dấu ':'"),
    ],
)
def test_bad_chat_address(address: str, expected: str) -> None:
    line, message = only_problem(f"admins:\n  - zalo:abc\n  - {address}\n" + plan_text(ONE_TASK))
    assert line == 3
    assert message.startswith("admins: ")
    assert expected in message


def test_duplicate_unit_id() -> None:
    text = plan_text(ONE_TASK).replace("id: phong-b", "id: phong-a")
    assert only_problem(text) == (12, "mã đơn vị 'phong-a' bị trùng với đơn vị ở dòng 9")


def test_unit_needs_a_name_and_valid_tags() -> None:
    text = plan_text(ONE_TASK).replace("    name: Phòng B\n    tags: [phong]", "    tags: [Phòng]")
    found = problems(text)
    assert found == [
        (12, "đơn vị 'phong-b': thiếu khóa bắt buộc 'name'"),
        (
            13,
            "đơn vị 'phong-b', tags: thẻ 'Phòng' không hợp lệ: chỉ dùng chữ thường không dấu "
            "a-z, chữ số 0-9 và dấu gạch ngang '-' (gợi ý: 'phong')",
        ),
    ]


def test_unit_channel_on_its_line() -> None:
    text = plan_text(ONE_TASK).replace(
        "    tags: [so]\n", "    tags: [so]\n    channels:\n      - telegram:-1001\n      - zalo:\n"
    )
    line, message = only_problem(text)
    assert line == 11
    assert message == (
        "đơn vị 'van-phong', channels: địa chỉ 'zalo:' thiếu mã chat, ví dụ zalo:-1001234567890"
    )


# --- tasks: who ----------------------------------------------------------------------


def test_unknown_unit_in_owners_and_cooperating() -> None:
    found = problems(
        plan_text("""\
        tasks:
          - id: bao-cao
            title: Báo cáo
            owners: [van-phong, phong-c]
            cooperating: [phong]
            due: 2026-11-15
        """)
    )
    assert found == [
        (18, "nhiệm vụ 'bao-cao', owners: không có đơn vị 'phong-c' (có phải ý bạn là 'phong-b'?)"),
        (
            19,
            "nhiệm vụ 'bao-cao', cooperating: không có đơn vị 'phong'; 'phong' là một thẻ, "
            "hãy viết 'tag:phong'",
        ),
    ]


def test_a_tag_that_matches_no_unit_leaves_the_task_without_owner() -> None:
    found = problems(
        plan_text("""\
        tasks:
          - id: bao-cao
            title: Báo cáo
            owners: [tag:xa]
            due: 2026-11-15
        """)
    )
    assert found == [
        (
            18,
            "nhiệm vụ 'bao-cao', owners: không có đơn vị nào mang thẻ 'xa'; các thẻ đang dùng: "
            "phong, so",
        ),
        (18, "nhiệm vụ 'bao-cao': không có đơn vị chủ trì (owners) nào"),
    ]


def test_empty_owners() -> None:
    text = plan_text(ONE_TASK).replace("owners: [all]", "owners: []")
    assert only_problem(text) == (18, "nhiệm vụ 'bao-cao': không có đơn vị chủ trì (owners) nào")


def test_duplicate_and_bad_task_ids() -> None:
    found = problems(
        plan_text("""\
        tasks:
          - id: bao-cao
            title: A
            owners: [all]
            due: 2026-11-15
          - id: bao-cao
            title: B
            owners: [all]
            due: 2026-11-16
          - id: Bao_Cao
            title: C
            owners: [all]
            due: 2026-11-17
        """)
    )
    assert [line for line, _ in found] == [20, 24]
    assert found[0][1] == "mã nhiệm vụ 'bao-cao' bị trùng với nhiệm vụ ở dòng 16"
    assert "mã nhiệm vụ 'Bao_Cao' không hợp lệ" in found[1][1]


# --- tasks: when ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("2026-02-30", "ngày '2026-02-30' không tồn tại: tháng 2 năm 2026 chỉ có 28 ngày"),
        ("31/4/2026", "ngày '31/4/2026' không tồn tại: tháng 4 năm 2026 chỉ có 30 ngày"),
        ("2026-13-01", "ngày '2026-13-01' không tồn tại: không có tháng 13"),
        ("15-11-2026", "'15-11-2026' không phải là ngày; viết 2026-11-15 hoặc 15/11/2026"),
        ("20261115", "'20261115' không phải là ngày"),
        ("2062-11-15", "ngày 15/11/2062 cách quá xa năm của kế hoạch (2026)"),
    ],
)
def test_bad_due_date(due: str, expected: str) -> None:
    line, message = only_problem(plan_text(ONE_TASK).replace("2026-11-15", due))
    assert line == 19
    assert message.startswith(f"nhiệm vụ 'bao-cao', due: {expected}")


def test_date_hints_are_written_in_the_plans_own_year() -> None:
    text = plan_text(ONE_TASK).replace("year: 2026", "year: 2027").replace("2026-11-15", "x")
    _, message = only_problem(text)
    assert message.endswith("'x' không phải là ngày; viết 2027-11-15 hoặc 15/11/2027")
    text = plan_text(ONE_TASK).replace("year: 2026", "year: 2027")
    _, message = only_problem(text.replace("    due: 2026-11-15\n", ""))
    assert "(ví dụ due: 2027-11-15)" in message


@pytest.mark.parametrize("due", ["2025-12-20", "2027-01-15"])
def test_a_one_off_may_be_due_a_year_either_side(due: str) -> None:
    plan = parse_plan(plan_text(ONE_TASK).replace("2026-11-15", due))
    assert plan.tasks[0].due_date == date.fromisoformat(due)


def test_one_off_needs_a_due_date() -> None:
    text = plan_text(ONE_TASK).replace("    due: 2026-11-15\n", "")
    line, message = only_problem(text)
    assert line == 16
    assert message.startswith("nhiệm vụ 'bao-cao': thiếu hạn hoàn thành 'due'")


@pytest.mark.parametrize(
    ("repeat", "due", "expected"),
    [
        ("montly", "{day: 25}", "kiểu lặp 'montly' không hợp lệ (có phải ý bạn là 'monthly'?)"),
        ("monthly", "{day: 32}", "due, day: ngày trong tháng"),
        ("monthly", "{day: 0}", "không phải '0'"),
        ("weekly", "{day: 8}", "thứ trong tuần (1 = Thứ Hai ... 7 = Chủ Nhật)"),
        ("quarterly", "{month: 4, day: 1}", "tháng thứ mấy trong quý phải là số nguyên từ 1 đến 3"),
        ("quarterly", "{day: 1}", "due: thiếu khóa bắt buộc 'month'"),
        ("yearly", "{month: 4, day: 31}", "tháng 4 chỉ có 30 ngày, không có ngày 31"),
        ("yearly", "{month: 12, dya: 1}", "khóa 'dya' không hợp lệ (có phải ý bạn là 'day'?)"),
        (
            "monthly",
            "2026-01-25",
            "due: với lặp hằng tháng, ví dụ due: {day: 25}; không phải '2026",
        ),
        ("daily", "{day: 1}", "nhiệm vụ lặp hằng ngày không cần due"),
    ],
)
def test_bad_recurrence(repeat: str, due: str, expected: str) -> None:
    text = plan_text(f"""\
        tasks:
          - id: ban-tin
            title: Bản tin
            owners: [van-phong]
            repeat: {repeat}
            due: {due}
        """)
    found = problems(text)
    assert len(found) == 1, found
    assert found[0][0] in (19, 20)  # the repeat line or the due line
    assert expected in found[0][1]


def test_yearly_29_february_is_allowed() -> None:
    plan = parse_plan(
        plan_text("""\
        tasks:
          - id: so-ket
            title: Sơ kết
            owners: [van-phong]
            repeat: yearly
            due: {month: 2, day: 29}
        """)
    )
    assert plan.tasks[0].due_day == 29


def test_a_recurring_window_that_is_empty_or_reversed() -> None:
    found = problems(
        plan_text("""\
        tasks:
          - id: a
            title: A
            owners: [van-phong]
            repeat: yearly
            due: {month: 3, day: 1}
            from: 2026-06-01
          - id: b
            title: B
            owners: [van-phong]
            repeat: monthly
            due: {day: 1}
            from: 2026-06-01
            until: 2026-05-01
        """)
    )
    assert found == [
        (16, "nhiệm vụ 'a': không có lần nào đến hạn trong khoảng from/until đã cho"),
        (28, "nhiệm vụ 'b': until (01/05/2026) trước from (01/06/2026)"),
    ]


def test_repeat_and_per_anniversary_together() -> None:
    text = plan_text("""\
        tasks:
          - id: a
            title: A
            owners: [van-phong]
            repeat: monthly
            per_anniversary: true
        """)
    line, message = only_problem(text)
    assert line == 19
    assert "không thể vừa lặp lại (repeat) vừa theo ngày kỷ niệm" in message


# --- anniversaries -------------------------------------------------------------------


def test_unknown_anniversary_keys_in_tasks_and_slogans() -> None:
    found = problems(
        plan_text("""\
        tasks:
          - id: tin-bai
            title: Tin {anniversary}
            owners: [van-phong]
            per_anniversary:
              keys: [quoc-khanh]
        slogans:
          quoc_khanh: [Mừng Quốc khánh!]
          thanh-lap-dang: [Mừng Đảng!]
        """)
    )
    assert found == [
        (
            20,
            "nhiệm vụ 'tin-bai', per_anniversary, keys: không có ngày kỷ niệm 'quoc-khanh' "
            "trong kế hoạch (có phải ý bạn là 'quoc_khanh'?) (xem các mã bằng lệnh: "
            "loa calendar NĂM --province TỈNH)",
        ),
        (
            23,
            "slogans: không có ngày kỷ niệm 'thanh-lap-dang' trong kế hoạch (có phải ý bạn là "
            "'thanh_lap_dang'?) (xem các mã bằng lệnh: loa calendar NĂM --province TỈNH)",
        ),
    ]


def test_a_province_key_needs_the_province() -> None:
    text = plan_text("""\
        tasks:
          - id: tin-bai
            title: Tin {anniversary}
            owners: [van-phong]
            per_anniversary: {keys: [lc_tai_lap]}
        """)
    line, message = only_problem(text)
    assert (line, "không có ngày kỷ niệm 'lc_tai_lap'" in message) == (19, True)
    with_province = text.replace("  year: 2026\n", "  year: 2026\n  province: lao-cai\n")
    assert parse_plan(with_province).tasks[0].anniversary_keys == ("lc_tai_lap",)


def test_unknown_tier() -> None:
    text = plan_text("""\
        anniversaries:
          tiers: [round10, tron]
        tasks:
          - id: tin-bai
            title: Tin {anniversary}
            owners: [van-phong]
            per_anniversary: {tiers: [round5, round15]}
        """)
    found = problems(text)
    assert [line for line, _ in found] == [16, 21]
    assert "mức 'tron' không hợp lệ" in found[0][1]
    assert "dùng round10 (năm tròn), round5 (năm lẻ 5), regular (thường)" in found[0][1]
    assert "mức 'round15' không hợp lệ (có phải ý bạn là 'round5'?)" in found[1][1]


def test_a_chosen_anniversary_left_out_by_the_tiers() -> None:
    text = plan_text("""\
        anniversaries:
          tiers: [round10, round5]
        tasks:
          - id: tin-bai
            title: Tin {anniversary}
            owners: [van-phong]
            per_anniversary: {keys: [quoc_khanh]}
        """)
    assert only_problem(text) == (
        18,
        "nhiệm vụ 'tin-bai': ngày kỷ niệm 'quoc_khanh' năm 2026 thuộc mức regular (thường, "
        "81 năm), không nằm trong các mức đã chọn ở anniversaries.tiers",
    )


def test_ordinal_for_an_anniversary_without_origin_year() -> None:
    text = plan_text("""\
        tasks:
          - id: tin-bai
            title: Kỷ niệm {ordinal} năm {name}
            owners: [van-phong]
            per_anniversary: {keys: [tet, quoc_khanh]}
        slogans:
          gio_to:
            - Kỷ niệm {ordinal} năm Giỗ Tổ
        """)
    assert problems(text) == [
        (
            16,
            "nhiệm vụ 'tin-bai': tiêu đề dùng {ordinal} nhưng ngày kỷ niệm tet không có năm "
            "gốc để tính số năm",
        ),
        (
            22,
            "slogans, gio_to: dùng {ordinal} nhưng ngày kỷ niệm này không có năm gốc để tính "
            "số năm",
        ),
    ]


def test_anniversary_placeholders_need_a_per_anniversary_task() -> None:
    text = plan_text(ONE_TASK).replace("Báo cáo kết quả", "Báo cáo {anniversary} {nam}")
    assert problems(text) == [
        (
            17,
            "nhiệm vụ 'bao-cao': tiêu đề dùng {anniversary} nhưng nhiệm vụ không theo ngày kỷ "
            "niệm; thêm per_anniversary hoặc bỏ {anniversary}",
        ),
        (17, "nhiệm vụ 'bao-cao': không có chỗ điền {nam}; dùng được: {year}"),
    ]


def test_extra_anniversaries() -> None:
    plan = parse_plan(
        plan_text("""\
        anniversaries:
          include: [national]
          extra:
            - key: nganh
              name: Ngày truyền thống ngành
              date: 28/08/1945
            - key: le-hoi
              name: Lễ hội Đền Thượng
              lunar: {day: 15, month: 1}
              kind: major
            - key: thanh-lap-so
              name: Ngày thành lập Sở
              date: {day: 29, month: 2}
              origin_year: 1992
            - key: thanh-lap-tinh
              name: Ngày thành lập tỉnh X
              date: {day: 9, month: 9}
              origin_year: 1836
              chosen_by: Nghị quyết số 1/NQ-HĐND của HĐND tỉnh X
        """)
        + ONE_TASK
    )
    sector, festival, founding, chosen = plan.anniversaries[-4:]
    assert chosen.chosen_by == "Nghị quyết số 1/NQ-HĐND của HĐND tỉnh X"
    chosen_2026 = occurrence_of(chosen, 2026)
    assert chosen_2026 is not None and chosen_2026.origin is None
    assert chosen_2026.title == "Kỷ niệm 190 năm Ngày thành lập tỉnh X (1836 - 2026)"
    assert (sector.calendar, sector.day, sector.month, sector.origin_year) == (
        "solar",
        28,
        8,
        1945,
    )
    assert sector.kind == "founding"
    assert (festival.calendar, festival.day, festival.month) == ("lunar", 15, 1)
    assert festival.origin_year is None
    assert festival.kind == "major"
    assert (founding.day, founding.month, founding.origin_year) == (29, 2, 1992)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("lunar: {day: 31, month: 3}", "lunar, day: ngày phải là số nguyên từ 1 đến 30"),
        ("lunar: {day: 10, month: 13}", "lunar, month: tháng phải là số nguyên từ 1 đến 12"),
        ("lunar: 10/3", "lunar: phải có dạng {day: 10, month: 3}"),
        ("date: {day: 31, month: 4}", "date: tháng 4 chỉ có 30 ngày, không có ngày 31"),
        ("date: 1945-02-30", "ngày '1945-02-30' không tồn tại"),
        ("date: 2030-01-01", "năm gốc 2030 phải trước năm của kế hoạch (2026)"),
        ("date: 1945-08-28\norigin_year: 1946", "origin_year 1946 khác năm trong date (1945)"),
        ("date: 1945-08-28\nlunar: {day: 1, month: 1}", "cần đúng một trong hai khóa"),
        ("date: 1945-08-28\nkind: tron", "kind 'tron' không hợp lệ"),
        (
            "date: 1836-09-09\nchosen_by: Nghị quyết số 1",
            "viết date: {day: 9, month: 9} và origin_year: 1836",
        ),
        ("date: {day: 9, month: 9}\nchosen_by: Nghị quyết số 1", "cần origin_year"),
    ],
)
def test_bad_extra_anniversary(extra: str, expected: str) -> None:
    fields = "".join(f"      {line}\n" for line in extra.splitlines())
    text = HEAD + "anniversaries:\n  extra:\n    - key: ngay-rieng\n      name: Ngày riêng\n"
    text += fields + ONE_TASK
    found = problems(text)
    assert len(found) == 1, found
    line, message = found[0]
    assert 17 <= line <= 20
    assert message.startswith("anniversaries.extra 'ngay-rieng'")
    assert expected in message


def test_extra_key_must_not_repeat_a_built_in_one() -> None:
    text = (
        plan_text("""\
        anniversaries:
          extra:
            - key: quoc_khanh
              name: Quốc khánh (lặp)
              date: 1945-09-02
        """)
        + ONE_TASK
    )
    assert only_problem(text) == (
        17,
        "anniversaries.extra: mã 'quoc_khanh' trùng với một ngày kỷ niệm có sẵn; hãy đặt mã khác",
    )


# --- everything at once --------------------------------------------------------------


def test_all_problems_are_collected_in_line_order() -> None:
    path = FIXTURES / "many-problems.yaml"
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    found = caught.value.problems
    assert [problem.line for problem in found] == [
        2, 5, 6, 9, 11, 12, 13, 16, 17, 23, 24, 33, 34, 36, 37, 37, 37, 38, 44, 45, 48
    ]  # fmt: skip
    assert all(str(problem).startswith(f"{path}:{problem.line}: ") for problem in found)
    messages = "\n".join(problem.message for problem in found)
    assert "khóa 'owner' không hợp lệ (có phải ý bạn là 'owners'?)" in messages
    assert "mã đơn vị 'van-phong' bị trùng với đơn vị ở dòng 20" in messages
    assert "ngày '31/4/2026' không tồn tại" in messages


def test_plan_is_immutable() -> None:
    plan: Plan = parse_plan(plan_text(ONE_TASK))
    with pytest.raises(AttributeError):
        plan.year = 2027  # type: ignore[misc]
    with pytest.raises(TypeError):
        plan.settings.lead_days["regular"] = (1,)  # type: ignore[index]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            "per_anniversary: true\n    due: 2026-09-01",
            "due: với per_anniversary, due là số ngày tính từ ngày kỷ niệm, ví dụ "
            "due: {offset_days: -1} (một ngày trước); không phải '2026-09-01'",
        ),
        ("per_anniversary: true\n    due: {offset_days: -400}", "không phải '-400'"),
        ("per_anniversary: yes", "per_anniversary phải là true hoặc một bảng"),
        ("per_anniversary: {keys: []}", "per_anniversary, keys: cần ít nhất một mã"),
        ("per_anniversary: {key: [tet]}", "khóa 'key' không hợp lệ (có phải ý bạn là 'keys'?)"),
    ],
)
def test_bad_per_anniversary(fields: str, expected: str) -> None:
    text = plan_text(
        "tasks:\n  - id: tin-bai\n    title: Tin {anniversary}\n    owners: [van-phong]\n"
        f"    {fields}\n"
    )
    line, message = only_problem(text)
    assert line in (19, 20)
    assert message.startswith("nhiệm vụ 'tin-bai'")
    assert expected in message


# --- plan.period -----------------------------------------------------------------------


MONTHLY = """\
tasks:
  - id: ban-tin
    title: Bản tin tháng
    owners: [all]
    repeat: monthly
    due: {day: 25}
  - id: ky-niem
    title: Tuyên truyền {anniversary}
    owners: [all]
    per_anniversary: {keys: [quoc_khanh, tet]}
"""


def test_a_school_year_period_expands_tasks_and_anniversaries_over_its_dates() -> None:
    text = plan_text(MONTHLY).replace(
        "  year: 2026\n", "  year: 2026\n  period: {from: 2026-09-01, to: 2027-06-30}\n"
    )
    plan = parse_plan(text)
    assert plan.period == (date(2026, 9, 1), date(2027, 6, 30))
    monthly = [due for due, _ in plan.schedule(plan.task("ban-tin"))]
    assert (monthly[0], monthly[-1], len(monthly)) == (date(2026, 9, 25), date(2027, 6, 25), 10)
    days = [(occ.key, occ.year) for _, occ in plan.schedule(plan.task("ky-niem")) if occ]
    assert days == [("quoc_khanh", 2026), ("tet", 2027)]


def test_without_a_period_the_plan_covers_its_year() -> None:
    plan = parse_plan(plan_text(ONE_TASK))
    assert plan.period == (date(2026, 1, 1), date(2026, 12, 31))
    assert plan.active_until == date(2026, 12, 31)
    late = parse_plan(plan_text(ONE_TASK).replace("2026-11-15", "2027-01-15"))
    assert late.active_until == date(2027, 1, 15)  # the final report is still chased


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("{from: 2026-09-01, to: 2026-06-30}", "plan.period: 'to' (30/06/2026) trước 'from'"),
        ("{from: 2027-01-01, to: 2027-12-31}", "năm của kế hoạch (2026) phải nằm trong"),
        ("{from: 2020-01-01, to: 2031-12-31}", "dài quá 10 năm"),
        ("{from: 2026-02-30, to: 2026-12-31}", "ngày '2026-02-30' không tồn tại"),
        ("{from: 2026-01-01}", "thiếu khóa bắt buộc 'to'"),
    ],
)
def test_a_wrong_period_is_reported(period: str, expected: str) -> None:
    text = plan_text(ONE_TASK).replace("  year: 2026\n", f"  year: 2026\n  period: {period}\n")
    _, message = only_problem(text)
    assert expected in message


def test_dates_may_fall_anywhere_in_a_multi_year_period() -> None:
    text = plan_text(ONE_TASK).replace(
        "  year: 2026\n", "  year: 2026\n  period: {from: 2026-01-01, to: 2028-12-31}\n"
    )
    assert parse_plan(text.replace("2026-11-15", "2028-11-15")).tasks[0].due_date == date(
        2028, 11, 15
    )
    _, message = only_problem(text.replace("2026-11-15", "2031-11-15"))
    assert "cách quá xa thời gian của kế hoạch (2026-2028)" in message


# --- contacts ------------------------------------------------------------------------

CONTACTS_HEAD = """\
plan:
  id: ke-hoach-thu
  title: Kế hoạch thử
  year: 2026
units:
  - id: van-phong
    name: Văn phòng Sở
    contacts:
"""  # 8 lines: the contacts start on line 9


def test_a_contact_with_a_group_like_or_malformed_address_is_a_problem_on_its_line() -> None:
    text = CONTACTS_HEAD + "      - {address: 'viber:12', name: Lan}\n" + ONE_TASK
    line, message = only_problem(text)
    assert line == 9
    assert "viber:12" in message and "telegram:<mã chat>" in message


def test_a_contact_needs_a_name_and_is_listed_once() -> None:
    text = (
        CONTACTS_HEAD
        + "      - {address: 'telegram:5'}\n"
        + "      - {address: 'telegram:6', name: Lan}\n"
        + "      - {address: 'telegram:6', name: Lan}\n"
        + "      - telegram:7\n"
        + ONE_TASK
    )
    found = problems(text)
    assert [line for line, _ in found] == [9, 11, 12]
    assert "name" in found[0][1]
    assert "đầu mối telegram:6 bị trùng" in found[1][1]
    assert "mỗi đầu mối là một bảng có address và name" in found[2][1]


def test_contact_reminders_can_be_turned_off() -> None:
    text = plan_text("settings:\n  contact_reminders: false\n" + ONE_TASK)
    assert parse_plan(text).settings.contact_reminders is False
    assert parse_plan(plan_text(ONE_TASK)).settings.contact_reminders is True
