"""`loa login-link ADDRESS`: a one-time sign-in link for a plan admin, refused (exit 2,
one line) for anyone else, a malformed address or a missing LOA_PUBLIC_URL."""

from __future__ import annotations

import json
import re

import pytest

from bot.cli import main
from bot.storage.web_auth import use_login_link
from tests.conftest import NOW

PUBLIC = "https://loa.so-vidu.gov.vn"


@pytest.fixture
def loaded(cli_env, write_plan, plans, monkeypatch, capsys):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LOA_PUBLIC_URL", PUBLIC + "/")
    assert main(["load", write_plan(plans.v1)]) == 0
    capsys.readouterr()


def test_an_admin_gets_a_link_that_signs_them_in(loaded, with_database, capsys):
    assert main(["login-link", "telegram:111"]) == 0
    out = capsys.readouterr().out
    found = re.search(re.escape(PUBLIC) + r"/dangnhap/(\S+)", out)
    assert found is not None and "hết hạn lúc 09:10" in out

    async def use(database):  # type: ignore[no-untyped-def]
        async with database.session() as session:
            return await use_login_link(session, found.group(1), NOW)

    assert with_database(use) == "telegram:111"


def test_json_names_the_address_link_and_expiry(loaded, capsys):
    assert main(["login-link", "telegram:111", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["address"] == "telegram:111" and shown["link"].startswith(PUBLIC + "/dangnhap/")
    assert shown["expires_at"] == "2026-03-02T09:10:00+07:00"


@pytest.mark.parametrize(
    ("address", "says"),
    [("telegram:4242", "không là quản trị viên"), ("fax:1", "không hợp lệ")],
)
def test_others_and_malformed_addresses_are_refused(loaded, capsys, address, says):
    assert main(["login-link", address]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1


def test_without_a_public_url_no_link_is_made(loaded, monkeypatch, capsys):
    monkeypatch.delenv("LOA_PUBLIC_URL")
    assert main(["login-link", "telegram:111"]) == 2
    assert "LOA_PUBLIC_URL" in capsys.readouterr().err
