"""Report deadlines (`settings.report_deadlines`): who is reminded, when, with what. Pure.

A few working days before a deadline (REMIND_WORKING_DAYS, on the plan's calendar:
neither weekends nor public holidays nor its own days off), at the digest's moment:
- "units": every unit's chats are told their report to the office is due, with their
  own draft attached;
- "office": every admin (plan admins and LOA_ADMINS, in a private chat) is told the
  plan's report is due, with the plan's draft attached.

The draft is made when the message goes out (the dispatcher's `attach`, handlers/attachments.py,
wired in bot/app.py), so it holds the confirmations of that moment; the payload says which
report (`"report": {"plan_id", "unit_id"}`). Channels that cannot take a file from Loa
are told to ask with /baocao where they can, or the office.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from content.channels import traits
from content.dates import format_date_long
from content.due import DueMessage
from content.i18n import translator
from content.plan import Address, Plan
from scheduler.state import PlanState

REMIND_WORKING_DAYS = 3


def _text(plan: Plan, unit_name: str | None, deadline: date, channel: str, locale: str) -> str:
    _ = translator(locale)
    when = format_date_long(deadline, locale)
    if unit_name is not None:
        head = _(
            "📄 Nhắc báo cáo: %(unit)s gửi báo cáo kết quả thực hiện «%(plan)s» về Văn phòng "
            "trước %(date)s."
        ) % {"unit": unit_name, "plan": plan.title, "date": when}
    else:
        head = _("📄 Nhắc báo cáo: hạn báo cáo kết quả thực hiện «%(plan)s» là %(date)s.") % {
            "plan": plan.title,
            "date": when,
        }
    if traits(channel).uploads:
        tail = _(
            "Kèm theo là dự thảo báo cáo Loa lập từ các xác nhận đến hôm nay: hãy kiểm tra, "
            "bổ sung rồi trình ký. Gửi /baocao để lấy bản mới nhất."
        )
    else:
        tail = _(
            "Dự thảo báo cáo Loa lập từ các xác nhận không gửi kèm được ở đây: hãy gửi "
            "/baocao qua Telegram hoặc nhờ quản trị viên."
        )
    return f"{head}\n{tail}"


def report_reminders(
    state: PlanState, day: date, not_before: datetime, expires_at: datetime
) -> Iterator[DueMessage]:
    plan = state.plan
    for audience, deadlines in plan.settings.report_deadlines.items():
        for deadline in deadlines:
            if plan.calendar.before(deadline, REMIND_WORKING_DAYS) != day:
                continue
            targets: list[tuple[str | None, str | None, Address]]
            if audience == "units":
                targets = [
                    (unit.id, unit.name, chat)
                    for unit in plan.units
                    for chat in dict.fromkeys(state.links.get(unit.id, ()))
                ]
            else:
                targets = [(None, None, admin) for admin in dict.fromkeys(state.admins)]
            for unit_id, unit_name, chat in targets:
                who = unit_id or "office"
                yield DueMessage(
                    key=f"report/{plan.id}/{who}/{chat}/{deadline.isoformat()}",
                    channel=chat.channel,
                    chat_id=chat.id,
                    kind="report",
                    text=_text(
                        plan,
                        unit_name,
                        deadline,
                        chat.channel,
                        state.chat_locales.get(str(chat), state.locale),  # its /ngonngu
                    ),
                    not_before=not_before,
                    expires_at=expires_at,
                    plan_id=plan.id,
                    payload={
                        "plan_id": plan.id,
                        "date": day.isoformat(),
                        "deadline": deadline.isoformat(),
                        "report": {"plan_id": plan.id, "unit_id": unit_id},
                    },
                )
