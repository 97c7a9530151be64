"""docs/anniversaries.md shows what the catalogues hold: its generated parts are what
tools/make_anniversaries_doc.py writes from the CSV files today."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def _tool() -> ModuleType:
    path = REPO / "tools" / "make_anniversaries_doc.py"
    spec = importlib.util.spec_from_file_location("make_anniversaries_doc", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_page_lists_every_province_row_and_its_source_as_the_data_has_them() -> None:
    tool = _tool()
    page = (REPO / "docs" / "anniversaries.md").read_text(encoding="utf-8")
    assert tool.province_table() in page, "run: .venv/bin/python tools/make_anniversaries_doc.py"
    assert tool.source_list() in page, "run: .venv/bin/python tools/make_anniversaries_doc.py"
    assert "| Quảng Ngãi (`quang-ngai`) |" in page
    assert "*Sóc Trăng cũ:* —" in page  # a former province with no day yet still shows
    assert "  - `qn_son_my`: <https://" in page
