"""What Loa says: digests, suggested posts, escalations, and the phrases they share."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

import pytest

from content.admin_messages import render_escalation
from content.anniversaries import Anniversary, Occurrence, occurrence_of
from content.catalogues import available_provinces, catalogue
from content.contacts import mentions
from content.dates import format_date_long
from content.digest import render_digest, render_digest_from_payload
from content.digest_buttons import digest_buttons
from content.messages import days_phrase, format_item_line
from content.plan import Plan
from content.plan_loader import load_plan
from content.posts import ZALO_TEXT_LIMIT, render_post
from tests.conftest import SAMPLE_PLAN

PLAN: Plan = load_plan(SAMPLE_PLAN)


def occurrence(key: str, year: int) -> Occurrence:
    found = next(a for a in catalogue(province="lao-cai") if a.key == key)
    result = occurrence_of(found, year)
    assert result is not None
    return result


def entry(n: int | None, key: str, title: str, due: str, section: str, days: int) -> dict[str, Any]:
    return {
        "n": n,
        "key": key,
        "task_id": key.split("/")[0],
        "title": title,
        "due": due,
        "section": section,
        "days": days,
    }


PAYLOAD: dict[str, Any] = {
    "plan_id": "p",
    "unit_id": "van-phong",
    "unit_name": "Văn phòng Sở",
    "date": "2026-02-02",
    "channel": "telegram",
    "overdue_more": 0,
    "entries": [
        entry(1, "bao-cao/x", "Báo cáo tháng 1", "2026-01-31", "overdue", -2),
        entry(2, "dang-tin/x", "Đăng tin kỷ niệm 3/2", "2026-02-02", "today", 0),
        entry(3, "ban-tin/x", "Cập nhật Bản tin", "2026-02-09", "upcoming", 7),
        {
            **entry(None, "ke-hoach/x", "Kế hoạch hưởng ứng", "2026-02-05", "cooperating", 3),
            "owners": ["Phòng Kế hoạch - Tài chính", "Thanh tra Sở", "Phòng Người có công"],
            "owners_total": 5,
        },
    ],
}

EXPECTED_DIGEST = """\
🔔 NHẮC VIỆC — Văn phòng Sở
Thứ Hai, ngày 02/02/2026

⏰ Quá hạn
1. Báo cáo tháng 1 — quá hạn 2 ngày (hạn 31/01)

📌 Hôm nay
2. Đăng tin kỷ niệm 3/2 — hạn hôm nay

🗓 Sắp tới
3. Cập nhật Bản tin — còn 7 ngày — hạn Thứ Hai, 09/02

👥 Phối hợp (để biết)
• Kế hoạch hưởng ứng — còn 3 ngày — hạn Thứ Năm, 05/02 \
(chủ trì: Phòng Kế hoạch - Tài chính, Thanh tra Sở, Phòng Người có công và 2 đơn vị khác)

Bấm ✅ dưới việc đã xong, hoặc trả lời tin này: xong 1 (kèm link/ảnh minh chứng)"""


# --- phrases ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "vi", "en"),
    [
        (3, "còn 3 ngày", "3 days left"),
        (1, "còn 1 ngày", "1 day left"),
        (0, "hôm nay", "today"),
        (-2, "quá hạn 2 ngày", "2 days overdue"),
        (-1, "quá hạn 1 ngày", "1 day overdue"),
    ],
)
def test_days_phrase(days: int, vi: str, en: str) -> None:
    assert days_phrase(days) == vi
    assert days_phrase(days, "en") == en


def test_item_lines_number_what_must_be_confirmed_and_bullet_the_rest() -> None:
    due = date(2026, 2, 9)
    assert (
        format_item_line(2, "Cập nhật Bản tin", due, 7)
        == "2. Cập nhật Bản tin — còn 7 ngày — hạn Thứ Hai, 09/02"
    )
    assert format_item_line(None, "Cập nhật Bản tin", due, 0) == "• Cập nhật Bản tin — hạn hôm nay"
    assert (
        format_item_line(1, "Báo cáo", date(2026, 1, 31), -2)
        == "1. Báo cáo — quá hạn 2 ngày (hạn 31/01)"
    )
    done = ("Nguyễn Thị Hoa", datetime(2026, 2, 2, 1, 15, tzinfo=UTC))
    assert (
        format_item_line(1, "Báo cáo", date(2026, 1, 31), -2, done=done)
        == "1. ✅ Báo cáo — đã xong (Nguyễn Thị Hoa, 08:15 02/02)"
    )


# --- the digest ---------------------------------------------------------------------------


def test_a_telegram_digest_reads_as_users_see_it() -> None:
    assert render_digest(PAYLOAD, "telegram") == EXPECTED_DIGEST


def test_the_closing_line_depends_on_the_channel() -> None:
    zalo = render_digest(PAYLOAD, "zalo")
    assert zalo.endswith("\n\nTrả lời (trích dẫn) tin này: xong 1 — nhiều việc: xong 1 2")
    assert "Bấm ✅" not in zalo
    one_item = {**PAYLOAD, "entries": PAYLOAD["entries"][1:2]}
    assert render_digest(one_item, "zalo").endswith("Trả lời (trích dẫn) tin này: xong 2")
    console = render_digest(PAYLOAD, "console")
    assert console.endswith("Trả lời tin này: xong 1 (kèm link/ảnh minh chứng), hoặc gõ /xong 1")
    # Unknown channels are taken for ones that drop bare commands in groups.
    unlinked = render_digest(PAYLOAD, None)
    assert unlinked.endswith("Trả lời tin này: xong 1 (kèm link/ảnh minh chứng)")


def test_counted_overdue_items_point_at_the_list_the_way_the_channel_hears_it() -> None:
    more = {**PAYLOAD, "overdue_more": 3, "more_keys": ["a", "b", "c"]}
    telegram = render_digest(more, "telegram")
    zalo = render_digest(more, "zalo")
    assert "việc quá hạn khác (số 4 đến 6): xem bằng lệnh /nhiemvu" in telegram
    assert "việc quá hạn khác (số 4 đến 6): xem bằng lệnh @Loa /nhiemvu" in zalo
    assert " /nhiemvu" not in zalo.replace("@Loa /nhiemvu", "")


def test_a_digest_names_the_units_contacts_under_its_date() -> None:
    contacts = [
        {"address": "telegram:111", "name": "Nguyễn Thị Lan"},
        {"address": "zalo:abc", "name": "Trần Minh"},
    ]
    text = render_digest({**PAYLOAD, "contacts": contacts}, "telegram")
    lines = text.splitlines()
    assert lines[2] == "👤 Đầu mối: Nguyễn Thị Lan, Trần Minh"
    spans = mentions(text, contacts)
    assert [text[m["offset"] : m["offset"] + m["length"]] for m in spans] == [
        "Nguyễn Thị Lan",
        "Trần Minh",
    ]
    assert [m["address"] for m in spans] == ["telegram:111", "zalo:abc"]
    assert mentions(render_digest(PAYLOAD, "telegram"), contacts) == []


def test_a_digest_with_only_cooperating_items_asks_for_nothing() -> None:
    only = {**PAYLOAD, "entries": PAYLOAD["entries"][3:]}
    text = render_digest(only, "telegram")
    assert text.endswith("\n\nTin này để biết, không cần xác nhận.")
    assert "xong" not in text


def test_re_rendering_marks_confirmed_items_with_who_and_when() -> None:
    confirmations = {
        "bao-cao/x": ("Nguyễn Thị Hoa", datetime(2026, 2, 2, 1, 15, tzinfo=UTC)),
        "someone-else/x": ("Ai đó", datetime(2026, 2, 2, 2, 0, tzinfo=UTC)),
    }
    text = render_digest_from_payload(PAYLOAD, confirmations, "telegram")
    assert "1. ✅ Báo cáo tháng 1 — đã xong (Nguyễn Thị Hoa, 08:15 02/02)" in text
    assert "2. Đăng tin kỷ niệm 3/2 — hạn hôm nay" in text
    # The closing line now points at the first item still open.
    assert text.endswith("trả lời tin này: xong 2 (kèm link/ảnh minh chứng)")
    everything = {
        e["key"]: ("Hoa", datetime(2026, 2, 2, 3, 0, tzinfo=UTC))
        for e in PAYLOAD["entries"]
        if e["n"] is not None
    }
    done = render_digest_from_payload(PAYLOAD, everything, "zalo")
    assert done.endswith("✅ Đơn vị đã xong tất cả việc trong tin này. Cảm ơn!")
    assert done.count("✅") == 4


def test_entries_out_of_order_are_grouped_by_section() -> None:
    shuffled = {**PAYLOAD, "entries": list(reversed(PAYLOAD["entries"]))}
    text = render_digest(shuffled, "telegram")
    assert text.index("⏰ Quá hạn") < text.index("📌 Hôm nay") < text.index("👥 Phối hợp")


def test_overdue_items_not_listed_are_counted_with_the_numbers_after_the_listed_ones() -> None:
    text = render_digest({**PAYLOAD, "overdue_more": 12}, "telegram")
    assert (
        "1. Báo cáo tháng 1 — quá hạn 2 ngày (hạn 31/01)\n"
        "… và 12 việc quá hạn khác (số 4 đến 15): xem bằng lệnh /nhiemvu\n\n📌 Hôm nay"
    ) in text
    assert "(số 4 và 5)" in render_digest({**PAYLOAD, "overdue_more": 2}, "telegram")
    assert "(số 4)" in render_digest({**PAYLOAD, "overdue_more": 1}, "telegram")


def test_a_digest_in_english() -> None:
    text = render_digest(PAYLOAD, "telegram", "en")
    assert text.startswith("🔔 REMINDERS — Văn phòng Sở\nMonday, 02/02/2026\n")
    assert "1. Báo cáo tháng 1 — 2 days overdue (due 31/01)" in text
    assert "3. Cập nhật Bản tin — 7 days left — due Monday, 09/02" in text
    assert "📌 Today" in text and "🗓 Coming up" in text


def test_buttons_cover_open_numbered_items_four_to_a_row() -> None:
    entries = [entry(n, f"k{n}", "t", "2026-02-02", "today", 0) for n in range(1, 7)]
    entries.append(entry(None, "coop", "t", "2026-02-02", "cooperating", 0))
    assert digest_buttons(entries) == [
        [["✅ 1", "ok:1"], ["✅ 2", "ok:2"], ["✅ 3", "ok:3"], ["✅ 4", "ok:4"]],
        [["✅ 5", "ok:5"], ["✅ 6", "ok:6"]],
    ]
    assert digest_buttons(entries, {"k2", "k5"}) == [
        [["✅ 1", "ok:1"], ["✅ 3", "ok:3"], ["✅ 4", "ok:4"], ["✅ 6", "ok:6"]]
    ]


# --- suggested posts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "specific"),
    [
        ("thanh_lap_dang", "lãnh tụ Nguyễn Ái Quốc chủ trì"),
        ("tet", "Mừng Đảng, mừng Xuân Bính Ngọ!"),
        ("gio_to", "“Dù ai đi ngược về xuôi\nNhớ ngày Giỗ Tổ mùng Mười tháng Ba.”"),
        ("giai_phong_mien_nam", "Chiến dịch Hồ Chí Minh lịch sử toàn thắng"),
        ("sinh_nhat_bac", "tại xã Kim Liên, huyện Nam Đàn, tỉnh Nghệ An"),
        ("thuong_binh_liet_si", "“Uống nước nhớ nguồn”, “Đền ơn đáp nghĩa”"),
        ("quoc_khanh", "đọc bản Tuyên ngôn độc lập"),
    ],
)
def test_major_holidays_have_their_own_post(key: str, specific: str) -> None:
    found = occurrence(key, 2026)
    text = render_post(found, PLAN)
    assert specific in text
    first_line = text.splitlines()[0]
    assert found.title in first_line or found.title.upper() in first_line
    assert text.splitlines()[1] == f"📅 {format_date_long(found.date)}"
    assert len(text) <= ZALO_TEXT_LIMIT


def test_a_post_names_the_ordinal_the_issuer_the_slogans_and_hashtags() -> None:
    text = render_post(occurrence("quoc_khanh", 2026), PLAN)
    assert text.startswith(
        "🇻🇳 Kỷ niệm 81 năm Ngày Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam "
        "(02/09/1945 - 02/09/2026)\n📅 Thứ Tư, ngày 02/09/2026\n"
    )
    assert "Trải qua 81 năm, dưới sự lãnh đạo của Đảng" in text
    assert "cán bộ, công chức, viên chức và người lao động Sở Lao động - Thương binh" in text
    # The plan's official slogans, with the ordinal filled in.
    assert (
        "Nhiệt liệt chào mừng 81 năm Ngày Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam!"
        in text
    )
    assert "Nước Cộng hòa xã hội chủ nghĩa Việt Nam muôn năm!" in text
    assert text.endswith("#KỷNiệm81Năm #NgàyQuốcKhánhNướcCộngHòaXãHộiChủNghĩaViệtNam #LàoCai")


def test_round_years_get_a_stronger_wording() -> None:
    round10 = render_post(occurrence("quoc_khanh", 2025), None)
    assert round10.startswith("🇻🇳 NHIỆT LIỆT CHÀO MỪNG KỶ NIỆM 80 NĂM NGÀY QUỐC KHÁNH")
    # Without slogans from the plan, the post closes with its own.
    assert "Nhiệt liệt chào mừng kỷ niệm 80 năm Ngày Quốc khánh" in round10
    with_plan = render_post(occurrence("quoc_khanh", 2025), PLAN)
    assert "Nhiệt liệt chào mừng kỷ niệm 80 năm" not in with_plan  # the plan's replace it
    assert "Nhiệt liệt chào mừng 80 năm Ngày Quốc khánh" in with_plan
    round5 = render_post(occurrence("sinh_nhat_bac", 2025), PLAN)  # 135 years
    assert round5.startswith("🇻🇳 NHIỆT LIỆT CHÀO MỪNG KỶ NIỆM 135 NĂM NGÀY SINH")
    regular = render_post(occurrence("quoc_khanh", 2026), PLAN)
    assert "NHIỆT LIỆT" not in regular
    assert "Nhiệt liệt chào mừng kỷ niệm" not in regular


def test_other_anniversaries_get_a_post_written_from_their_name() -> None:
    extra = PLAN.anniversary("sld-thanh-lap-nganh")
    found = occurrence_of(extra, 2026)
    assert found is not None
    text = render_post(found, PLAN)
    assert (
        "Kỷ niệm 81 năm Ngày truyền thống ngành Lao động - Thương binh và Xã hội là dịp để ôn lại "
        "truyền thống" in text
    )
    assert "Nhiệt liệt chào mừng 81 năm Ngày truyền thống ngành Lao động" in text  # plan slogan
    major = render_post(occurrence("dien_bien_phu", 2026), None)
    assert "Kỷ niệm 72 năm Ngày Chiến thắng Điện Biên Phủ là dịp để toàn Đảng, toàn dân" in major
    assert "cán bộ, đảng viên và Nhân dân" in major  # no plan: no issuer


def test_every_catalogue_post_fits_in_one_zalo_message() -> None:
    provinces = list(available_provinces())
    anniversaries: list[Anniversary] = []
    for province in provinces:
        anniversaries += [a for a in catalogue(province=province) if a not in anniversaries]
    slogans = {
        a.key: (
            "Nhiệt liệt chào mừng {ordinal} năm {name}!",
            "Đảng Cộng sản Việt Nam quang vinh muôn năm!",
        )
        for a in anniversaries
    }
    plan = dataclasses.replace(PLAN, slogans=slogans)
    for year in range(2025, 2036):
        for anniversary in anniversaries:
            found = occurrence_of(anniversary, year)
            if found is None:
                continue
            text = render_post(found, plan)
            assert len(text) <= ZALO_TEXT_LIMIT, (anniversary.key, year)
            assert "None" not in text and "{" not in text, (anniversary.key, year)
            assert "\n\n\n" not in text


def test_slogans_that_would_not_fit_are_left_out() -> None:
    long_slogans = tuple(f"Khẩu hiệu số {n}: " + "Thi đua yêu nước. " * 40 for n in (1, 2, 3))
    plan = dataclasses.replace(PLAN, slogans={"quoc_khanh": long_slogans})
    text = render_post(occurrence("quoc_khanh", 2026), plan)
    assert len(text) <= ZALO_TEXT_LIMIT
    assert "Khẩu hiệu số 1" in text
    assert "Khẩu hiệu số 3" not in text
    assert text.endswith("#LàoCai")


def test_a_post_in_english_keeps_vietnamese_names() -> None:
    text = render_post(occurrence("quoc_khanh", 2025), PLAN, "en")
    assert text.startswith("🇻🇳 WARMLY CELEBRATING KỶ NIỆM 80 NĂM")
    assert "On 2 September 1945, in historic Ba Dinh Square" in text
    assert "the staff of Sở Lao động - Thương binh và Xã hội tỉnh Lào Cai" in text


def test_a_deadline_in_another_year_shows_its_year() -> None:
    assert (
        format_item_line(1, "Báo cáo năm", date(2027, 1, 4), 7)
        == "1. Báo cáo năm — còn 7 ngày — hạn Thứ Hai, 04/01/2027"
    )
    assert (
        format_item_line(1, "Bản tin", date(2026, 12, 23), -12)
        == "1. Bản tin — quá hạn 12 ngày (hạn 23/12/2026)"
    )
    assert format_item_line(1, "Bản tin", date(2026, 12, 23), 3).endswith("hạn Thứ Tư, 23/12")


def _part(plan: str, unit: str, name: str, title: str) -> dict[str, Any]:
    return {"plan_id": plan, "plan_title": title, "unit_id": unit, "unit_name": name,
            "overdue_more": 0}  # fmt: skip


def test_a_digest_of_two_plans_has_a_part_for_each_numbered_through() -> None:
    payload = {
        **PAYLOAD,
        "parts": [
            _part("kh-2026", "van-phong", "Văn phòng Sở", "Kế hoạch năm 2026"),
            _part("kh-2027", "van-phong", "Văn phòng Sở", "Kế hoạch năm 2027"),
        ],
        "entries": [
            {**entry(1, "a", "Bản tin tháng 12", "2026-12-25", "today", 0), "plan_id": "kh-2026"},
            {**entry(2, "b", "Kế hoạch Tết", "2027-01-04", "upcoming", 10), "plan_id": "kh-2027"},
        ],
    }
    text = render_digest(payload, "telegram")
    assert text.startswith("🔔 NHẮC VIỆC — Văn phòng Sở\nThứ Hai, ngày 02/02/2026\n\n▌ Kế hoạch")
    first, second = text.index("▌ Kế hoạch năm 2026"), text.index("▌ Kế hoạch năm 2027")
    assert first < text.index("1. Bản tin tháng 12") < second < text.index("2. Kế hoạch Tết")
    done = {"b": ("Hoa", datetime(2026, 2, 2, 3, 0, tzinfo=UTC))}
    assert "2. ✅ Kế hoạch Tết — đã xong (Hoa, 10:00 02/02)" in render_digest_from_payload(
        payload, done, "telegram"
    )


def test_an_optional_item_offers_not_applicable_and_shows_it_when_answered() -> None:
    optional = {**entry(1, "kp", "Dự trù kinh phí (nếu có)", "2026-02-02", "today", 0),
                "optional": True}  # fmt: skip
    payload = {**PAYLOAD, "entries": [optional]}
    assert digest_buttons([optional]) == [[["✅ 1", "ok:1"]], [["🚫 1: không phát sinh", "na:1"]]]
    assert "«không phát sinh 1»" in render_digest(payload, "zalo")
    answered = {"kp": ("Lan", datetime(2026, 2, 2, 2, 0, tzinfo=UTC))}
    text = render_digest_from_payload(payload, answered, "telegram", not_applicable={"kp"})
    assert "1. ➖ Dự trù kinh phí (nếu có) — không phát sinh (Lan, 09:00 02/02)" in text
    assert "không phát sinh 1" not in text  # nothing left to answer


# --- the escalation -----------------------------------------------------------------------


def test_the_alert_lists_late_units_and_counts_what_is_left_out() -> None:
    payload = {
        "plan_id": "p",
        "plan_title": "Kế hoạch tuyên truyền năm 2026",
        "date": "2026-02-04",
        "threshold": 2,
        "entries": [
            {
                "unit_id": "thanh-tra",
                "unit_name": "Thanh tra Sở",
                "key": "k1",
                "task_id": "bao-cao",
                "title": "Báo cáo tháng 1",
                "due": "2026-01-31",
                "days": -4,
            },
            {
                "unit_id": "van-phong",
                "unit_name": "Văn phòng Sở",
                "key": "k2",
                "task_id": "ban-tin",
                "title": "Cập nhật Bản tin",
                "due": "2026-02-01",
                "days": -3,
            },
        ],
        "units": [
            {"unit_id": "thanh-tra", "unit_name": "Thanh tra Sở", "linked": False, "overdue": 3},
            {"unit_id": "van-phong", "unit_name": "Văn phòng Sở", "linked": True, "overdue": 1},
        ],
        "more_units": 4,
        "more_items": 9,
    }
    text = render_escalation(payload)
    assert text == (
        "⚠️ VIỆC QUÁ HẠN CHƯA XÁC NHẬN\n"
        "Thứ Tư, ngày 04/02/2026\n"
        "Kế hoạch tuyên truyền năm 2026\n"
        "\n"
        "Đơn vị vừa có việc quá hạn từ 2 ngày trở lên mà chưa xác nhận hoàn thành:\n"
        "\n"
        "▪ Thanh tra Sở (3 việc; chưa liên kết nhóm chat nên chưa nhận được nhắc việc)\n"
        "   • Báo cáo tháng 1 — quá hạn 4 ngày (hạn 31/01)\n"
        "   … và 2 việc khác\n"
        "\n"
        "▪ Văn phòng Sở (1 việc)\n"
        "   • Cập nhật Bản tin — quá hạn 3 ngày (hạn 01/02)\n"
        "\n"
        "… và 4 đơn vị khác với 9 việc quá hạn.\n"
        "\n"
        "Báo cáo tuần gửi danh sách đầy đủ; đơn vị chỉ được nhắc lại theo lịch giãn dần.\n"
        "Xem chi tiết bằng lệnh /tiendo trong chat với bot, hoặc xuất báo cáo bằng loa progress."
    )
    report = render_escalation({**payload, "done": 7, "due_so_far": 10}, kind="weekly")
    assert report.startswith("📊 BÁO CÁO TUẦN: TIẾN ĐỘ NHẮC VIỆC\nThứ Tư, ngày 04/02/2026\n")
    assert "Đã xong 7/10 việc đã đến hạn (70%).\nCác việc đã quá hạn từ 2 ngày trở lên" in report
    calm = render_escalation(
        {**payload, "units": [], "entries": [], "more_units": 0}, kind="weekly"
    )
    assert "✅ Không đơn vị nào có việc quá hạn từ 2 ngày trở lên." in calm
    english = render_escalation(payload, "en")
    assert english.startswith("⚠️ OVERDUE ITEMS NOT YET CONFIRMED\nWednesday, 04/02/2026\n")
    assert "Thanh tra Sở (3 items; no chat linked yet" in english
