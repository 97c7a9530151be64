"""`loa post` and `loa banner` as admins run them, and `--province` for all 34 provinces."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from bot.cli import main
from content.catalogues import available_provinces
from tests.conftest import SAMPLE_PLAN


def loa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_banner_writes_the_official_title_as_a_png(tmp_path: Path) -> None:
    output = tmp_path / "bang-ron.png"
    result = loa(
        "banner", "thanh_lap_dang", "--year", "2027", "--size", "1080x1080",
        "--unit", "Phòng Người có công", "-o", str(output),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Kỷ niệm 97 năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 - 03/02/2027)" in (
        result.stdout
    )
    assert Image.open(io.BytesIO(output.read_bytes())).size == (1080, 1080)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("banner", "quoc_khan", "-o", "x.png"), "có phải 'quoc_khanh'"),
        (("banner", "quoc_khanh", "--size", "10x10", "-o", "x.png"), "320 đến 4096"),
        (("banner", "quoc_khanh", "--year", "1945", "-o", "x.png"), "chưa có kỷ niệm"),
        (("banner", "quoc_khanh", "--province", "Hà Tây", "-o", "x.png"), "không có dữ liệu"),
        (("post", "qn_son_my", "--province", "Lào Cai"), "không có ngày kỷ niệm"),
        (("post", "quoc_khanh", "--year", "20x6"), "năm không hợp lệ"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: tuple[str, ...], message: str) -> None:
    result = loa(*args)
    assert result.returncode == 2
    assert message in result.stderr and result.stdout == ""


def test_post_prints_what_the_unit_would_receive(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["post", "qn_son_my", "--year", "2026", "--province", "Quảng Ngãi",
         "--unit", "UBND xã Tịnh Khê", "--format", "json"]
    )  # fmt: skip
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    assert document["title"] == ("Tưởng niệm 58 năm vụ thảm sát Sơn Mỹ (16/03/1968 - 16/03/2026)")
    assert (document["kind"], document["banner"]["style"]) == ("memorial", "memorial")
    assert "UBND xã Tịnh Khê" in document["text"]
    assert document["source"].startswith("https://")


def test_post_uses_the_plans_slogans(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["post", "quoc_khanh", "--plan", str(SAMPLE_PLAN), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["year"] == 2026  # the plan's year
    assert "Nước Cộng hòa xã hội chủ nghĩa Việt Nam muôn năm!" in document["slogans"]


def test_calendar_accepts_every_province_by_id_name_or_alias(
    capsys: pytest.CaptureFixture[str],
) -> None:
    provinces = available_provinces()
    assert len(provinces) == 34
    for slug, name in provinces.items():
        prefixed = name.lower() if name.startswith("Thành phố") else f"tỉnh {name}"
        for given in (slug, name, prefixed):
            assert main(["calendar", "2026", "--province", given, "--format", "json"]) == 0
            items = json.loads(capsys.readouterr().out)
            scopes = {item["scope"] for item in items}
            assert scopes == {"national", slug}, (given, scopes)
    for alias, slug in (
        ("TP.HCM", "ho-chi-minh"),
        ("Thừa Thiên Huế", "hue"),
        ("hcm", "ho-chi-minh"),
    ):
        assert main(["calendar", "2026", "--province", alias, "--format", "json"]) == 0
        assert slug in {item["scope"] for item in json.loads(capsys.readouterr().out)}
