"""What loading a plan did: entries added, changed and removed, items and
confirmations kept, chat links made or switched off; told to the person who loaded it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from content.dates import format_date_long
from content.i18n import translator


@dataclass(frozen=True)
class LoadReport:
    plan_id: str
    created: bool
    added: list[str]
    changed: list[str]
    removed: list[str]
    confirmations_kept: int
    confirmations_orphaned: int
    links_added: list[str]
    links_deactivated: list[str] = field(default_factory=list)
    items_added: int = 0
    items_removed: int = 0
    items_total: int = 0
    confirmations_restored: int = 0  # orphaned before this load, matched again now
    title: str = ""
    reminds_from: date | None = None  # the first day the plan reminds (its first load)
    backlog_items: int = 0  # owner items due before that day and not confirmed
    backlog_units: int = 0

    @property
    def unchanged(self) -> bool:
        return not (
            self.created
            or self.added
            or self.changed
            or self.removed
            or self.items_added
            or self.items_removed
            or self.links_added
            or self.links_deactivated
        )

    def lines(self, locale: str = "vi") -> list[str]:
        """The report, one line per fact."""
        _ = translator(locale)
        head = _("Đã nạp mới") if self.created else _("Đã nạp lại")
        lines = [
            _("%(head)s kế hoạch %(plan)s: %(title)s")
            % {"head": head, "plan": self.plan_id, "title": self.title}
        ]
        if self.unchanged:
            lines.append("  " + _("Không có thay đổi so với lần nạp trước."))
        if not self.created:
            for label, entries in (
                (_("Thêm"), self.added),
                (_("Sửa"), self.changed),
                (_("Bỏ"), self.removed),
            ):
                lines += [f"  {label}: {entry}" for entry in entries]
        else:
            # Not `_()` inside an f-string: before 3.12 pybabel does not see it there.
            has = _("Có")
            lines += [f"  {has}: {entry}" for entry in self.added]
        counts = "  " + _("Số việc trong năm (chủ trì và phối hợp): %(n)d") % {
            "n": self.items_total
        }
        if not self.created and (self.items_added or self.items_removed):
            counts += " " + _("(+%(added)d việc, −%(removed)d việc)") % {
                "added": self.items_added,
                "removed": self.items_removed,
            }
        lines.append(counts)
        linked, stopped = _("Liên kết nhóm chat"), _("Ngừng gửi tới")
        lines += [f"  {linked}: {entry}" for entry in self.links_added]
        lines += [f"  {stopped}: {entry}" for entry in self.links_deactivated]
        if not self.created:
            lines.append(
                "  " + _("Xác nhận hoàn thành được giữ: %(n)d") % {"n": self.confirmations_kept}
            )
        if self.confirmations_restored:
            lines.append(
                "  "
                + _("Xác nhận được khôi phục (việc có lại trong kế hoạch): %(n)d")
                % {"n": self.confirmations_restored}
            )
        if self.reminds_from is not None:
            lines.append(
                "  "
                + _("Nhắc việc từ %(day)s.") % {"day": format_date_long(self.reminds_from, locale)}
            )
        if self.backlog_items:
            lines.append(
                "  "
                + _(
                    "%(items)d việc của %(units)d đơn vị đến hạn trước ngày đó: không nhắc "
                    "trong nhóm các đơn vị; quản trị viên nhận một bản tóm tắt."
                )
                % {"items": self.backlog_items, "units": self.backlog_units}
            )
        if self.confirmations_orphaned:
            lines.append(
                "  "
                + _(
                    "Xác nhận không còn việc tương ứng (vẫn được lưu, sẽ tính lại nếu việc "
                    "trở lại kế hoạch): %(n)d"
                )
                % {"n": self.confirmations_orphaned}
            )
        return lines
