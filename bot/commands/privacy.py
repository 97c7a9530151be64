"""`loa privacy export|erase|reapply`: a person's rights over what Loa holds about them
(Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15; docs/privacy.md).

    loa privacy export telegram:123456 [-o FILE]   everything held about them, as JSON
    loa privacy erase telegram:123456 [--yes]      remove or anonymise it everywhere
    loa privacy reapply                            erase again those a restored backup
                                                   brought back (from the erasure log)
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.commands._common import fail, run_with_database
from bot.config import Config
from bot.storage import erasures, privacy
from bot.storage.db import Database
from bot.storage.plan_cache import stored_plans
from content.clock import Clock
from content.i18n import N_, _

KIND_LABELS = {  # N_: translated where shown
    "confirmations": N_("xác nhận hoàn thành"),
    "undone": N_("lần hoàn tác"),
    "updates": N_("tin nhắn gốc"),
    "links": N_("liên kết nhóm chat"),
    "links_removed": N_("liên kết trò chuyện riêng đã xoá"),
    "invites": N_("mã liên kết"),
    "broadcasts": N_("tin đã gửi tới các đơn vị"),
    "conversations": N_("hội thoại đang dở"),
    "pauses": N_("lần tạm dừng nhắc việc"),
    "private_messages": N_("tin Loa gửi riêng"),
    "naming_messages": N_("tin có nêu tên"),
    "contacts": N_("đăng ký làm đầu mối"),
    "private_chats": N_("trò chuyện riêng với Loa"),
    "chat_settings": N_("cài đặt trò chuyện riêng"),
}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "privacy",
        help=_("dữ liệu cá nhân: xuất cho người yêu cầu, xoá, áp dụng lại sau khi khôi phục"),
        description=_(
            "Quyền của người dùng với dữ liệu Loa lưu về họ (Luật Bảo vệ dữ liệu "
            "cá nhân 2025). Địa chỉ có dạng telegram:MÃ hoặc zalo:MÃ."
        ),
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help=_("mọi dữ liệu Loa lưu về một người, dạng JSON"))
    export.add_argument("address", metavar="ADDRESS")
    export.add_argument("-o", "--output", metavar="FILE", help=_("ghi ra tệp (mặc định: màn hình)"))
    erase = actions.add_parser("erase", help=_("xoá hoặc ẩn danh dữ liệu của một người"))
    erase.add_argument("address", metavar="ADDRESS")
    erase.add_argument("--yes", action="store_true", help=_("không hỏi lại"))
    actions.add_parser("reapply", help=_("xoá lại những người đã xoá mà bản sao lưu cũ mang về"))
    parser.set_defaults(handler=run)


async def unit_names(session: AsyncSession) -> dict[tuple[str, str], str]:
    return {
        (plan.id, unit.id): unit.name for plan in await stored_plans(session) for unit in plan.units
    }


def summary(counts: dict[str, int]) -> str:
    shown = [
        f"{count} {_(KIND_LABELS[kind]) if kind in KIND_LABELS else kind}"
        for kind, count in counts.items()
        if count
    ]
    return ", ".join(shown) or _("không có gì")


def run(args: argparse.Namespace) -> int:
    if args.action == "reapply":
        return run_with_database(lambda config, database: _reapply(database, _now(config)))
    try:
        person = privacy.Person.parse(args.address)
    except ValueError as error:
        return fail(str(error))
    if args.action == "export":
        return _export(person, args.output)
    status = run_with_database(lambda _config, database: _preview(database, person))
    if status == NOTHING_HELD:
        return 0
    if status != 0:
        return status
    if not args.yes:
        if not sys.stdin.isatty():
            return fail(_("Chưa xoá gì: thêm --yes để xác nhận khi không chạy tương tác."))
        if input(_("Gõ XOA để xác nhận: ")).strip().upper() != "XOA":
            print(_("Chưa xoá gì."))
            return 1
    return run_with_database(lambda config, database: _erase(database, person, _now(config)))


NOTHING_HELD = 3  # internal: the preview found nothing, so nothing to confirm


def _now(config: Config) -> datetime:
    return Clock(config.now).now()


async def _preview(database: Database, person: privacy.Person) -> int:
    async with database.session() as session:
        found = await privacy.find(session, person)
    if found.empty:
        print(_("Loa không lưu dữ liệu nào về %(person)s.") % {"person": person.address})
        return NOTHING_HELD
    print(
        _("Sẽ xoá hoặc ẩn danh dữ liệu của %(person)s: %(found)s.")
        % {"person": person.address, "found": summary(found.counts())}
    )
    return 0


def _export(person: privacy.Person, output: str | None) -> int:
    gathered: list[tuple[dict[str, Any], dict[str, int]]] = []  # (document, counts)

    async def gather(config: Config, database: Database) -> int:
        async with database.session() as session:
            found = await privacy.find(session, person)
            gathered.append((privacy.export(found, _now(config)), found.counts()))
        return 0

    status = run_with_database(gather)
    if status != 0:
        return status
    exported, counts = gathered[0]
    document = json.dumps(exported, ensure_ascii=False, indent=2)
    if output:
        Path(output).write_text(document + "\n", encoding="utf-8")
        print(
            _("Đã ghi dữ liệu của %(person)s vào %(file)s: %(found)s.")
            % {"person": person.address, "file": output, "found": summary(counts)}
        )
    else:
        print(document)
    return 0


async def _erase(database: Database, person: privacy.Person, now: datetime) -> int:
    async with database.session() as session:
        found = await privacy.find(session, person)
        counts = await erasures.erase(session, found, await unit_names(session))
        await erasures.log_erasure(session, person, now, "cli", counts)
        admin_of = [
            plan.id
            for plan in await stored_plans(session)
            if any(str(admin) == person.address for admin in plan.admins)
        ]
    print(
        _("Đã xoá hoặc ẩn danh: %(found)s. Tiến độ các đơn vị giữ nguyên.")
        % {"found": summary(counts)}
    )
    for plan_id in admin_of:
        print(
            _(
                "Lưu ý: %(person)s là quản trị viên trong tệp kế hoạch %(plan)s; hãy bỏ "
                "khỏi mục admins của tệp rồi nạp lại (loa load)."
            )
            % {"person": person.address, "plan": plan_id}
        )
    return 0


async def reapply_erasures(database: Database) -> int:
    """Erase again everyone the erasure log names whom the database holds (data from
    before their erasure: a restored older backup); how many people."""
    async with database.session() as session:
        pending = await erasures.erasures_to_reapply(session)
        names = await unit_names(session)
        erased = 0
        for person, erased_at in pending:
            found = await privacy.find(session, person, before=erased_at)
            if not found.empty:
                await erasures.erase(session, found, names)
                erased += 1
    return erased


async def _reapply(database: Database, now: datetime) -> int:
    erased = await reapply_erasures(database)
    print(
        _("Đã xoá lại dữ liệu của %(n)d người có trong nhật ký xoá.") % {"n": erased}
        if erased
        else _("Không có gì cần xoá lại.")
    )
    return 0
