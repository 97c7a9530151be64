"""`loa calendar`, run as a real process the way admins run it."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest


def loa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "calendar", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def calendar_json(*args: str) -> list[dict[str, Any]]:
    result = loa(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_2026() -> None:
    items = calendar_json("2026")
    by_key = {item["key"]: item for item in items}
    assert by_key["thanh_lap_dang"] == {
        "date": "2026-02-03",
        "key": "thanh_lap_dang",
        "name": "Ngày thành lập Đảng Cộng sản Việt Nam",
        "calendar": "solar",
        "lunar": None,
        "origin": "1930-02-03",
        "ordinal": 96,
        "tier": "regular",
        "title": "Kỷ niệm 96 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2026)",
        "kind": "major",
        "scope": "national",
        "former_province": None,
        "source": by_key["thanh_lap_dang"]["source"],
        "verified": "yes",
        "note": by_key["thanh_lap_dang"]["note"],
        "round5": False,
        "summary": "",
        "summary_source": None,
        "chosen_by": None,
    }
    assert by_key["thanh_lap_dang"]["source"].startswith("https://")
    tet = by_key["tet"]
    assert (tet["date"], tet["calendar"], tet["origin"], tet["ordinal"]) == (
        "2026-02-17",
        "lunar",
        None,
        None,
    )
    assert tet["lunar"] == {"day": 1, "month": 1, "year": 2026, "leap": False}
    assert tet["title"] == "Tết Nguyên đán Bính Ngọ 2026"
    assert by_key["gio_to"]["date"] == "2026-04-26"
    assert (by_key["the_thao"]["ordinal"], by_key["the_thao"]["tier"]) == (80, "round10")
    assert by_key["gio_bac"]["verified"] == "partial" and by_key["gio_bac"]["note"]
    assert [item["date"] for item in items] == sorted(item["date"] for item in items)
    assert {item["scope"] for item in items} == {"national"}


def test_json_with_a_province_adds_its_days_and_former_provinces() -> None:
    items = calendar_json("2025", "--province", "Lào Cai")
    by_key = {item["key"]: item for item in items}
    assert "quoc_khanh" in by_key and "qn_ba_to" not in by_key
    assert "lc_chi_bo_nong_thon" not in by_key  # unverified in the reference: never shipped
    yen_bai = by_key["yb_thanh_lap_tinh"]
    assert (yen_bai["scope"], yen_bai["former_province"]) == ("lao-cai", "Yên Bái")
    assert (
        yen_bai["title"] == "Kỷ niệm 125 năm Ngày thành lập tỉnh Yên Bái (11/04/1900 - 11/04/2025)"
    )
    assert (by_key["quoc_khanh"]["ordinal"], by_key["quoc_khanh"]["tier"]) == (80, "round10")
    visit = by_key["lc_bac_ho_tham"]  # 67 years in 2025; the province marks years ending in 5
    assert (visit["round5"], visit["kind"]) == (True, "event")


def test_json_carries_the_summary_and_its_source() -> None:
    by_key = {item["key"]: item for item in calendar_json("2026", "--province", "Quảng Ngãi")}
    son_my = by_key["qn_son_my"]
    assert son_my["kind"] == "memorial" and "504 thường dân" in son_my["summary"]
    assert son_my["title"] == "Tưởng niệm 58 năm vụ thảm sát Sơn Mỹ (16/03/1968 - 16/03/2026)"
    assert son_my["source"].startswith("https://")


def test_json_says_which_document_chose_a_day_and_claims_no_origin_date() -> None:
    by_key = {item["key"]: item for item in calendar_json("2026", "--province", "Thanh Hóa")}
    named = by_key["th_danh_xung"]
    assert (named["date"], named["origin"], named["ordinal"]) == ("2026-05-08", None, 997)
    assert named["title"] == "Kỷ niệm 997 năm Danh xưng Thanh Hóa (1029 - 2026)"
    assert named["chosen_by"] == "Nghị quyết số 112/NQ-HĐND của HĐND tỉnh Thanh Hóa"
    assert by_key["th_ham_rong"]["chosen_by"] is None


def test_table_for_people() -> None:
    result = loa("2026", "--province", "quang-ngai")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Toàn quốc và Quảng Ngãi" in out
    line = next(x for x in out.splitlines() if "Ngày Thể thao Việt Nam" in x)
    assert line.startswith("Thứ Sáu, ngày 27/03/2026")
    assert "năm tròn" in line
    tet = next(x for x in out.splitlines() if "Tết Nguyên đán Bính Ngọ 2026" in x)
    assert tet.startswith("Thứ Ba, ngày 17/02/2026") and " 1/1 " in tet
    kon_tum = next(x for x in out.splitlines() if "Ngày Giải phóng tỉnh Kon Tum" in x)
    assert "Quảng Ngãi (Kon Tum cũ)" in kon_tum
    # The key a clerk writes under per_anniversary.keys stands in its own column.
    assert " kt_giai_phong " in kon_tum and " tet " in tet
    heading = next(x for x in out.splitlines() if "Âm lịch" in x)
    assert heading.index("Mã") == kon_tum.index("kt_giai_phong")
    # Columns line up: every title starts at the same column.
    rows = [x for x in out.splitlines() if x.startswith(("Thứ ", "Chủ Nhật"))]
    starts = {x.index("Kỷ niệm") for x in rows if "Kỷ niệm" in x}
    assert len(starts) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("abc",), "năm không hợp lệ"),
        (("1899",), "1900–2100"),
        (("2101",), "1900–2100"),
        (("2026", "--province", "Hà Giangg"), "lao-cai"),
    ],
)
def test_user_errors_exit_2_with_a_message(args: tuple[str, ...], message: str) -> None:
    result = loa(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_former_province_shows_the_merged_one_with_a_note() -> None:
    result = loa("2026", "--province", "tỉnh Kon Tum")
    assert result.returncode == 0, result.stderr
    assert "Toàn quốc và Quảng Ngãi" in result.stdout
    assert "Ngày Giải phóng tỉnh Quảng Ngãi" in result.stdout
    assert result.stderr == (
        "loa calendar: lưu ý: 'Kon Tum' là tỉnh cũ, từ 01/7/2025 thuộc Quảng Ngãi (quang-ngai): "
        "dùng các ngày kỷ niệm của Quảng Ngãi, gồm cả các ngày của Kon Tum cũ.\n"
    )


def test_unknown_format_is_refused() -> None:
    result = loa("2026", "--format", "xml")
    assert result.returncode == 2
    assert "xml" in result.stderr
