"""Benchmark: an admin's /guitin broadcast to N group chats through a fake Bot API that
enforces Telegram's limits, scaled up so the run stays short.

    .venv/bin/python bench/bench_broadcast.py [--chats 2000] [--rate 300]
        [--group-per-minute 20] [--chat-per-second 1] [--keep]

Everything runs the real way: the fake Bot API (tests/fakes/telegram_api.py) in its own
process answers 429 with retry_after past its limits; a plan with one unit per group
chat is stored with `loa load`; `loa run` (polling, LOA_TELEGRAM_LIMITS set to the same
limits) gets the admin's dialogue through the fake's update queue: /guitin, the text,
"tất cả", "không", then a press on "📤 Gửi" under the preview. The run ends when the
admin's delivery report arrives.

Printed: the time from the first to the last delivered broadcast message, the achieved
rate as a fraction of the global limit (each chat gets one message, so only the global
limit binds; aim ≥ 0.9), chats without the message (lost) and extra copies (doubled),
the 429s the fake answered, and the CPU time of each process. Exit status 1 when
anything is lost or doubled, or the run does not finish.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._support import (
    CpuWindow,
    FakeTelegramProcess,
    add_limit_options,
    fake_for,
    group_chat_id,
    limit_rows,
    loa_running,
    machine_lines,
    print_table,
    run_in_workdir,
    until,
)

ADMIN = 9001
NOW = "2026-03-02T10:00:00+07:00"  # a Monday morning with no digest due in the plan below
CONTENT = (
    "📣 Hưởng ứng Ngày Quốc tế Phụ nữ 8/3: đề nghị các đơn vị đăng lại bài viết "
    "«Phụ nữ Lào Cai đoàn kết, sáng tạo» trên trang thông tin của đơn vị trước ngày 07/03."
)
DIALOGUE_TIMEOUT = 60.0


def plan_yaml(chats: int) -> str:
    """One unit per group chat, and one task due in November: no digest on NOW's day."""
    lines = [
        "plan:",
        "  id: bench-broadcast",
        "  title: Kế hoạch tuyên truyền năm 2026 (benchmark gửi tin)",
        "  issuer: Sở Văn hóa, Thể thao và Du lịch tỉnh Lào Cai",
        "  year: 2026",
        f"admins: [telegram:{ADMIN}]",
        "anniversaries:",
        "  include: []",
        "units:",
    ]
    for n in range(chats):
        lines += [
            f"  - id: dv-{n:05d}",
            f"    name: Xã {n + 1}",
            "    tags: [xa]",
            f"    channels: [telegram:{group_chat_id(n)}]",
        ]
    lines += [
        "tasks:",
        "  - id: bao-cao-nam",
        "    title: Báo cáo kết quả công tác tuyên truyền năm 2026",
        "    owners: [all]",
        "    due: 2026-11-15",
    ]
    return "\n".join(lines) + "\n"


class Admin:
    """The admin's private chat with the bot, through the fake's update queue."""

    def __init__(self, fake: FakeTelegramProcess) -> None:
        self.fake = fake
        self.seen = 0

    async def says(self, text: str, expect: str) -> dict[str, Any]:
        """Send `text`; return the first new bot message containing `expect`."""
        await self.fake.message(ADMIN, text, user_id=ADMIN, chat_type="private")
        return await self.wait_for(lambda m: expect in (m.get("text") or ""), repr(expect))

    async def wait_for(
        self, matches: Callable[[dict[str, Any]], bool], what: str, within: float = DIALOGUE_TIMEOUT
    ) -> dict[str, Any]:
        """The first bot message to the admin, not seen before, that `matches`."""

        async def found() -> dict[str, Any] | None:
            messages = await self.fake.sent(ADMIN)
            for index in range(self.seen, len(messages)):
                if matches(messages[index]):
                    self.seen = index + 1
                    return messages[index]
            return None

        return await until(found, f"the bot's answer {what}", within=within, interval=0.1)


def has_button(prefix: str) -> Callable[[dict[str, Any]], bool]:
    def matches(message: dict[str, Any]) -> bool:
        return any(data.startswith(prefix) for data in button_data(message))

    return matches


def button_data(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button.get("callback_data", "") for row in rows for button in row]


@dataclass
class Observed:
    """What the fake saw from the press on "📤 Gửi" to the delivery report."""

    pressed_at: float
    report_at: float
    report: dict[str, Any]
    calls: list[dict[str, Any]]  # every sendMessage request of the run
    admin_messages: list[dict[str, Any]]
    rate_limited: int  # 429s of the whole run
    cpu: CpuWindow


async def prepare_broadcast(admin: Admin) -> dict[str, Any]:
    """The /guitin dialogue up to the preview; returns the message with "📤 Gửi"."""
    started = time.perf_counter()
    await admin.says("/guitin", "Bước 1/3")
    await admin.says(CONTENT, "Bước 2/3")
    await admin.says("tất cả", "Bước 3/3")
    await admin.fake.message(ADMIN, "không", user_id=ADMIN, chat_type="private")
    preview = await admin.wait_for(has_button("bc:send:"), "with the 📤 Gửi button")
    print(f"dialogue up to the preview: {time.perf_counter() - started:.1f} s")
    return preview


async def broadcast(args: argparse.Namespace, workdir: Path) -> Observed:
    """Start the fake and `loa run`, store the plan, drive the dialogue, press "📤 Gửi"
    and wait for the admin's delivery report."""
    fake = fake_for(args, workdir)
    async with fake, loa_running(args, workdir, fake, plan_yaml(args.chats), NOW) as (_, loa):
        assert loa.process is not None
        admin = Admin(fake)
        preview = await prepare_broadcast(admin)
        send = next(data for data in button_data(preview) if data.startswith("bc:send:"))
        cpu = CpuWindow({"loa run": loa.process.pid, "fake Bot API": fake.pid})
        pressed_at = time.time()
        await fake.callback_query(ADMIN, preview["message_id"], send, user_id=ADMIN)
        report = await admin.wait_for(
            lambda m: "📬" in (m.get("text") or ""),
            "with the delivery report",
            within=max(90.0, 3 * args.chats / args.rate + 60),
        )
        report_at = time.time()
        cpu.stop()
        print(f"delivery report {report_at - pressed_at:.1f} s after the press")
        await asyncio.sleep(2)  # room for a late double to show up
        return Observed(
            pressed_at=pressed_at,
            report_at=report_at,
            report=report,
            calls=await fake.requests("sendMessage"),
            admin_messages=await fake.sent(ADMIN),
            rate_limited=(await fake.stats())["rate_limited"],
            cpu=cpu,
        )


def _body(text: str) -> str:
    """A broadcast message without its first line ("📢 Tin từ …:")."""
    return text.split("\n", 1)[-1]


def analyse(args: argparse.Namespace, seen: Observed) -> tuple[list[tuple[str, str]], int, int]:
    """The figures, the number of chats without the message and of extra copies."""
    chats = {group_chat_id(n) for n in range(args.chats)}
    to_units = [call for call in seen.calls if call["params"].get("chat_id") in chats]
    before = [call for call in to_units if call["at"] < seen.pressed_at]
    sends = [call for call in to_units if call["at"] >= seen.pressed_at]
    delivered = [call for call in sends if call["status"] == 200]
    copies = Counter(call["params"]["chat_id"] for call in delivered)
    lost = len(chats - set(copies))
    doubled = sum(n - 1 for n in copies.values())
    # Each chat gets the admin's text under the line naming who sends it.
    wrong = sum(1 for call in delivered if _body(call["params"].get("text", "")) != CONTENT)
    refused = Counter(call["status"] for call in sends if call["status"] != 200)
    times = sorted(call["at"] for call in delivered)
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    rate = (len(times) - 1) / span if len(times) > 1 else float("nan")
    pause = max((b - a for a, b in itertools.pairwise(times)), default=float("nan"))
    repeated = Counter(m.get("text") for m in seen.admin_messages)
    report_lines = (seen.report.get("text") or "").splitlines()
    figures = [
        ("messages delivered / chats", f"{len(delivered)} / {args.chats}"),
        ("press → first delivery", f"{times[0] - seen.pressed_at:.2f} s" if times else "-"),
        ("first → last delivery", f"{span:.2f} s"),
        ("achieved rate", f"{rate:.1f} msg/s"),
        ("rate / global limit (aim ≥ 0.9)", f"{rate / args.rate:.3f}"),
        ("first → last at exactly the limit", f"{(args.chats - 1) / args.rate:.2f} s"),
        ("longest pause between two deliveries", f"{pause:.2f} s"),
        ("press → delivery report", f"{seen.report_at - seen.pressed_at:.2f} s"),
        ("lost (chats without the message)", str(lost)),
        ("doubled (extra copies)", str(doubled)),
        ("delivered with a wrong text", str(wrong)),
        ("429s answered: broadcast / whole run", f"{refused.pop(429, 0)} / {seen.rate_limited}"),
        ("other refusals", ", ".join(f"{n} × {s}" for s, n in sorted(refused.items())) or "none"),
        ("messages to unit chats before the press", str(len(before))),
        ("delivery report", report_lines[1] if len(report_lines) > 1 else "?"),
        ("admin chat: same text delivered again", str(sum(n - 1 for n in repeated.values()))),
        *seen.cpu.rows(),
    ]
    return figures, lost, doubled + wrong


async def run(args: argparse.Namespace, workdir: Path) -> int:
    print_table("Machine", machine_lines())
    print_table(
        "Parameters",
        [
            ("chats (one unit each)", str(args.chats)),
            *limit_rows(args),
            ("database", "SQLite (WAL), as `loa run` uses it by default"),
            ("driven by", "the /guitin dialogue through the fake's update queue (polling)"),
        ],
    )  # fmt: skip
    figures, lost, doubled = analyse(args, await broadcast(args, workdir))
    print_table("Broadcast", figures)
    if lost or doubled:
        print(f"\nFAILED: {lost} chats without the message, {doubled} extra or wrong copies")
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=2000, help="group chats (default 2000)")
    add_limit_options(parser)
    args = parser.parse_args()
    if args.chats < 2 or args.rate <= 0:
        parser.error("--chats must be at least 2 and --rate positive")
    return run_in_workdir("loa-bench-broadcast-", args.keep, lambda workdir: run(args, workdir))


if __name__ == "__main__":
    sys.exit(main())
