"""`loa chat --unit UNIT [--plan ID] [--name NAME] [--format text|jsonl]`: a console
conversation as a member of a unit's chat, for an office clerk trying Loa without any
token, and for tests.

It prints what the unit's chat gets now (today's digest at LOA_NOW or the clock, or the
latest one already sent), then reads standard input line by line: each line is a
message in that chat answering the latest digest ("/…" is a command), and the bot's
answers are printed. What it records is real: a confirmation made here shows in
`loa progress` under the name given. End of input ends it (exit 0).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import re
import sys
import uuid
from pathlib import Path
from typing import Any

from bot.channels.console import ConsoleChannel, OutputFormat
from bot.commands._common import (
    UserError,
    choose_plan,
    find_unit,
    fold,
    run_with_database,
    unknown_unit,
)
from bot.config import Config
from bot.storage import sent_messages
from bot.storage.db import Database
from bot.storage.files import FileStore
from bot.storage.links import deactivate_link, link_chat
from bot.storage.plan_cache import stored_plans
from content.channels import CONSOLE
from content.clock import Clock
from content.i18n import _
from content.plan import Plan, Unit
from handlers.context import HandlerContext, TurnHook
from handlers.events import Event, Reply
from handlers.router import handle
from scheduler.dispatcher import Dispatcher
from scheduler.engine import Engine

ORIGIN = "console"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "chat",
        help=_("trò chuyện thử với Loa trong cửa sổ lệnh, như một thành viên nhóm của đơn vị"),
        description=_(
            "In tin Loa gửi cho nhóm của đơn vị lúc này, rồi đọc từng dòng bạn gõ "
            "như một tin nhắn trong nhóm trả lời tin nhắc mới nhất (dòng bắt đầu bằng / là "
            "lệnh). Những gì ghi nhận ở đây là thật. Kết thúc bằng Ctrl-D."
        ),
    )
    parser.add_argument("--unit", required=True, metavar="UNIT", help=_("mã hoặc tên đơn vị"))
    parser.add_argument("--plan", metavar="ID", help=_("mã kế hoạch (khi đơn vị có trong nhiều)"))
    parser.add_argument(
        "--name", metavar="NAME", help=_("tên của bạn trong nhóm (mặc định: tên người dùng máy)")
    )
    parser.add_argument(
        "--format",
        choices=("text", "jsonl"),
        default="text",
        help=_("text: để đọc; jsonl: mỗi tin một dòng JSON, cho công cụ"),
    )
    parser.add_argument(
        "--files", metavar="DIR", type=Path, help=_("thư mục lưu tệp Loa gửi (báo cáo, ảnh)")
    )
    parser.set_defaults(handler=run)


def _person(name: str | None) -> tuple[str, str]:
    """(user id, display name): the id is the name in ASCII, stable across runs."""
    shown = (name or "").strip() or getpass.getuser() or "Cán bộ"
    slug = re.sub(r"[^a-z0-9]+", "-", fold(shown)).strip("-")
    return f"cli-{slug or 'user'}", shown


def _serving(plans: list[Plan], plan_id: str | None, wanted: str) -> list[tuple[Plan, Unit]]:
    """Every plan (or the one named) that has the unit, with the unit."""
    candidates = [choose_plan(plans, plan_id)] if plan_id else plans
    if not candidates:
        raise UserError(_("Chưa nạp kế hoạch nào. Hãy chạy: loa load KE-HOACH.yaml"))
    found = [(plan, unit) for plan in candidates if (unit := find_unit(plan, wanted))]
    if not found:
        raise unknown_unit(candidates, wanted, plan_id)
    return found


def run(args: argparse.Namespace) -> int:
    user_id, user_name = _person(args.name)
    output: OutputFormat = args.format

    async def main(config: Config, database: Database) -> int:
        clock = Clock(config.now)
        async with database.session() as session:
            serving = _serving(await stored_plans(session), args.plan, args.unit)
        unit = serving[0][1]
        chat_id = unit.id
        context = HandlerContext(
            database=database,
            clock=clock,
            extra_admins=config.admins,
            bot_usernames={},
            evidence_store=FileStore(config.evidence_root),
        )

        async def on_event(event: Event, finish: TurnHook | None = None) -> list[Reply]:
            return await handle(event, context, finish)

        channel = ConsoleChannel(
            chat_id, unit.name, user_id, user_name, on_event, clock, sys.stdout, output, args.files
        )
        dispatcher = Dispatcher(
            database,
            {CONSOLE.name: channel},
            clock,
            f"loa-chat-{os.getpid()}-{uuid.uuid4().hex[:6]}",
            chat_ids=[chat_id],
        )
        engine = Engine(
            database,
            clock,
            dispatcher,
            config.admins,
            reachable=lambda name, chat: name == CONSOLE.name and chat == chat_id,
        )
        links = []
        async with database.session() as session:
            for plan, planned_unit in serving:
                links.append(
                    await link_chat(
                        session,
                        plan_id=plan.id,
                        unit_id=planned_unit.id,
                        channel=CONSOLE.name,
                        chat_id=chat_id,
                        chat_type="group",
                        title=planned_unit.name,
                        linked_by=f"{CONSOLE.name}:{user_id}",
                        now=clock.now(),
                        origin=ORIGIN,
                    )
                )
        try:
            if output == "text":
                channel.note(
                    _(
                        "Bạn là %(name)s trong nhóm của %(unit)s. Gõ «xong 1», /nhiemvu, "
                        "/tiendo, /huongdan…; Ctrl-D để thoát."
                    )
                    % {"name": user_name, "unit": unit.name}
                )
            await _show_now(engine, channel, database, chat_id)
            await _converse(engine, channel)
        finally:
            # The console is a chat only while `loa chat` runs; `loa run` never plans
            # for it either way (its engine reaches only its own channels).
            async with database.session() as session:
                for link in links:
                    attached = await session.merge(link)
                    await deactivate_link(session, attached, "loa chat đã kết thúc", clock.now())
        return 0

    return run_with_database(main)


async def _show_now(
    engine: Engine, channel: ConsoleChannel, database: Database, chat_id: str
) -> None:
    """Today's messages due by now; if none is new, the latest digest already sent."""
    report = await engine.tick()
    if report.dispatch.sent:
        return
    async with database.session() as session:
        row = await sent_messages.latest_sent(session, CONSOLE.name, chat_id)
    if row is not None:
        channel.show_latest(row.text, row.sent_at, row.message_ids[-1] if row.message_ids else None)
    else:
        channel.note(_("Lúc này chưa có tin nhắc nào cho nhóm này."))


async def _converse(engine: Engine, channel: ConsoleChannel) -> None:
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        await channel.say(line)
        await engine.tick()  # what the answer queued for this chat goes out now
