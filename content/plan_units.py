"""The plan's `units:` section (ids, names, tags, chats, contacts) and `admins:`."""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from content.i18n import _
from content.plan import Address, Contact, Unit
from content.plan_reader import Node, Reader
from content.plan_values import show


class UnitReader:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.units: list[Unit] = []
        self.unit_lines: dict[str, int] = {}  # unit id -> line, to report duplicates

    def admins(self, root: Node) -> tuple[Address, ...]:
        admins: list[Address] = []
        for value, line in self.reader.items(root, "admins"):
            address = self.reader.address(value, line, "admins")
            if address is not None and address not in admins:
                admins.append(address)
        return tuple(admins)

    def read(self, root: Node) -> list[Unit]:
        entries = self.reader.items(root, "units")
        if "units" in root and not entries and isinstance(root.get("units"), CommentedSeq):
            self.reader.report(root.value_line("units"), _("units: cần ít nhất một đơn vị"))
        for value, line in entries:
            if not isinstance(value, CommentedMap):
                self.reader.report(
                    line,
                    _("units: mỗi đơn vị là một bảng có id và name, không phải '%(value)s'")
                    % {"value": show(value)},
                )
                continue
            raw_id = value.get("id")
            where = (
                _("đơn vị '%(id)s'") % {"id": show(raw_id)} if raw_id is not None else _("đơn vị")
            )
            node = Node(value, where, line)
            self.reader.keys(
                node, ("id", "name", "tags", "channels", "note", "contacts"), ("id", "name")
            )
            unit_id = None
            if raw_id is not None:
                unit_id = self.reader.identifier(raw_id, node.value_line("id"), _("mã đơn vị"))
            if unit_id == "all":
                self.reader.report(
                    node.value_line("id"),
                    _("mã đơn vị 'all' không dùng được: 'all' trong owners nghĩa là mọi đơn vị"),
                )
                unit_id = None
            if unit_id is not None and unit_id in self.unit_lines:
                self.reader.report(
                    node.value_line("id"),
                    _("mã đơn vị '%(id)s' bị trùng với đơn vị ở dòng %(line)d")
                    % {"id": unit_id, "line": self.unit_lines[unit_id]},
                )
                unit_id = None
            name = self.reader.text(node, "name")
            tags: list[str] = []
            for tag, tag_line in self.reader.items(node, "tags"):
                checked = self.reader.identifier(
                    tag, tag_line, _("%(where)s, tags: thẻ") % {"where": where}
                )
                if checked is not None and checked not in tags:
                    tags.append(checked)
            channels: list[Address] = []
            for channel, channel_line in self.reader.items(node, "channels"):
                address = self.reader.address(channel, channel_line, f"{where}, channels")
                if address is not None and address not in channels:
                    channels.append(address)
            note = self.reader.text(node, "note") or ""
            contacts = self._contacts(node, where)
            if unit_id is not None:
                # Kept even when other fields are wrong, so tasks naming it are not
                # reported a second time as naming an unknown unit.
                self.unit_lines[unit_id] = node.value_line("id")
                self.units.append(
                    Unit(unit_id, name or unit_id, tuple(tags), tuple(channels), note, contacts)
                )
        return self.units

    def _contacts(self, unit: Node, where: str) -> tuple[Contact, ...]:
        """`contacts:` of a unit: [{address: telegram:123456789, name: Nguyễn Thị Lan}]."""
        contacts: list[Contact] = []
        for value, line in self.reader.items(unit, "contacts"):
            if not isinstance(value, CommentedMap):
                self.reader.report(
                    line,
                    _(
                        "%(where)s, contacts: mỗi đầu mối là một bảng có address và name, ví "
                        "dụ {address: telegram:123456789, name: Nguyễn Thị Lan}, không phải "
                        "'%(value)s'"
                    )
                    % {"where": where, "value": show(value)},
                )
                continue
            node = Node(value, f"{where}, contacts", line)
            self.reader.keys(node, ("address", "name"), ("address", "name"))
            name = self.reader.text(node, "name")
            raw = node.get("address")
            address = (
                None
                if raw is None
                else self.reader.address(raw, node.value_line("address"), f"{where}, contacts")
            )
            if address is None or name is None:
                continue
            if any(contact.address == address for contact in contacts):
                self.reader.report(
                    line,
                    _("%(where)s, contacts: đầu mối %(address)s bị trùng")
                    % {"where": where, "address": address},
                )
                continue
            contacts.append(Contact(address, name.strip()))
        return tuple(contacts)
