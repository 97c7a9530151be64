"""`loa invite`: a one-time code, the Telegram deep link, and never the token."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from bot.cli import main
from bot.storage.links import redeem_invite

TOKEN = "7000001:AAHsecret-token-value_xyz"
LINK = re.compile(r"https://t\.me/(\w+)\?startgroup=([A-Za-z0-9_-]+)")


class _FakeBotApi(BaseHTTPRequestHandler):
    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.paths.append(self.path)
        if self.path == f"/bot{TOKEN}/getMe":
            status = 200
            body = {"ok": True, "result": {"id": 7000001, "is_bot": True, "username": "LoaThuBot"}}
        else:
            status = 401
            body = {"ok": False, "error_code": 401, "description": "Unauthorized"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture
def bot_api() -> Iterator[tuple[str, list[str]]]:
    """A local stand-in for the Bot API answering getMe; yields (base URL, paths asked)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeBotApi)
    _FakeBotApi.paths = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _FakeBotApi.paths
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def loaded(cli_env, write_plan, plans, capsys):  # type: ignore[no-untyped-def]
    assert main(["load", write_plan(plans.v1)]) == 0
    capsys.readouterr()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_prints_code_deep_link_and_instructions(loaded, with_database, now, capsys):
    assert main(["invite", "phong-a", "--bot-username", "@LoaBot"]) == 0

    out = capsys.readouterr().out
    username, code = LINK.search(out).groups()  # type: ignore[union-attr]
    assert username == "LoaBot"
    assert 10 <= len(code) <= 16
    assert out.startswith("Mã liên kết cho Phòng A (phong-a), kế hoạch ke-hoach-thu:")
    assert f"    {code}\n" in out
    assert "hết hạn lúc 09:00 Thứ Hai, ngày 09/03/2026" in out
    assert (
        f"Thêm bot vào nhóm bằng liên kết trên, hoặc gửi /lienket {code} trong nhóm; "
        f"trên Zalo: nhắn /lienket {code} cho bot trong trò chuyện riêng hoặc trích dẫn "
        "tin của bot trong nhóm."
    ) in out

    async def redeem(database):  # type: ignore[no-untyped-def]
        async with database.session() as session:
            return await redeem_invite(
                session,
                code,
                channel="telegram",
                chat_id="-5001",
                chat_type="group",
                title="Phòng A",
                linked_by="telegram:9",
                now=now + timedelta(hours=1),
            )

    link = with_database(redeem)
    assert (link.unit_id, link.chat_id) == ("phong-a", "-5001")


def test_username_from_the_environment(loaded, monkeypatch, capsys):
    monkeypatch.setenv("LOA_TELEGRAM_BOT_USERNAME", "LoaMoiTruongBot")
    assert main(["invite", "phong-a"]) == 0
    assert LINK.search(capsys.readouterr().out).group(1) == "LoaMoiTruongBot"  # type: ignore[union-attr]


def test_username_from_getme_and_the_token_is_never_printed(loaded, bot_api, monkeypatch, capsys):
    url, paths = bot_api
    monkeypatch.setenv("LOA_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("LOA_TELEGRAM_API_URL", url)

    assert main(["invite", "phong-a"]) == 0

    captured = capsys.readouterr()
    assert LINK.search(captured.out).group(1) == "LoaThuBot"  # type: ignore[union-attr]
    assert paths == [f"/bot{TOKEN}/getMe"]
    assert TOKEN not in captured.out + captured.err
    assert "secret-token" not in captured.out + captured.err


@pytest.mark.parametrize("failure", ["rejected", "unreachable"])
def test_without_a_username_the_code_still_works_and_the_token_stays_hidden(
    loaded, bot_api, monkeypatch, capsys, failure
):
    url, _ = bot_api
    monkeypatch.setenv("LOA_TELEGRAM_TOKEN", TOKEN if failure == "unreachable" else TOKEN + "x")
    if failure == "unreachable":
        url = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("LOA_TELEGRAM_API_URL", url)

    assert main(["invite", "phong-a"]) == 0

    captured = capsys.readouterr()
    assert "t.me" not in captured.out
    assert "Trên Telegram: thêm bot vào nhóm rồi gửi /lienket" in captured.out
    assert "Chưa có liên kết Telegram" in captured.err
    if failure == "rejected":
        assert "HTTP 401 (Unauthorized)" in captured.err
    assert TOKEN not in captured.out + captured.err
    assert "secret-token" not in captured.out + captured.err


def test_json_output(loaded, now, capsys):
    assert main(["invite", "phong-b", "--bot-username", "LoaBot", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["plan"] == "ke-hoach-thu"
    assert (shown["unit"], shown["unit_name"]) == ("phong-b", "Phòng B")
    assert shown["link"] == f"https://t.me/LoaBot?startgroup={shown['code']}"
    expires = datetime.fromisoformat(shown["expires_at"])
    assert shown["expires_at"].endswith("+07:00")
    assert timedelta(0) <= expires - (now + timedelta(days=7)) < timedelta(minutes=1)


def test_unknown_unit_lists_close_matches(loaded, capsys):
    assert main(["invite", "phong-aa", "--bot-username", "LoaBot"]) == 2
    err = capsys.readouterr().err
    assert "Không có đơn vị 'phong-aa' trong kế hoạch ke-hoach-thu" in err
    assert "phong-a (Phòng A)" in err


def test_several_plans_need_plan(loaded, write_plan, plans, capsys):
    assert main(["load", write_plan(plans.second, "khac.yaml")]) == 0
    capsys.readouterr()

    assert main(["invite", "van-phong", "--bot-username", "LoaBot"]) == 2
    err = capsys.readouterr().err
    assert "--plan" in err and "ke-hoach-khac, ke-hoach-thu" in err

    assert main(["invite", "van-phong", "--plan", "ke-hoach-khac", "--bot-username", "B"]) == 0
    assert "Văn phòng UBND (van-phong), kế hoạch ke-hoach-khac" in capsys.readouterr().out


def test_ttl_must_be_positive(loaded, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["invite", "phong-a", "--ttl-days", "0"])
    assert exit_.value.code == 2
    assert "số ngày phải từ 1 đến 365" in capsys.readouterr().err
