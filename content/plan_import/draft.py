"""The draft plan file `loa import -o DRAFT.yaml` writes, from an `ImportResult`.

The draft is meant to pass `loa check` as it stands and to be read line by line by a
clerk: every value the rules were unsure of carries a "# cần xem lại: ..." comment that
says why and quotes the document's line; what the document does not say is left out
and listed at the end. Text values are written as double-quoted YAML (JSON strings),
so no name or title can break the file.

Longer than most modules on purpose: the draft is one reading of the result, top to
bottom, in the order of the file it writes (plan, units, anniversaries, tasks, slogans,
what is missing), and splitting it would scatter that order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from content.anniversaries import Anniversary, occurrences_between
from content.plan_import.draft_values import (
    ID_MAX,
    DraftLines,
    quoted,
    short_id,
    with_placeholders,
    yaml_string,
)
from content.plan_import.model import FoundAnniversary, FoundTask, ImportResult, Slogan
from content.plan_import.text import clean, fold
from content.plan_import.units import is_everyone
from content.plan_schedule import plan_period
from content.plan_values import suggest_id

_BULLET = re.compile(r"^\s*[-+•*]\s*")
REVIEW = "cần xem lại"


class DraftError(ValueError):
    """The document lacks what any plan needs (its year)."""


class _Draft:
    def __init__(
        self,
        result: ImportResult,
        source_name: str,
        year: int | None,
        catalogue: Sequence[Anniversary],
    ) -> None:
        self.result = result
        self.source = source_name
        self.header = result.header
        chosen = year or self.header.year or self._guess_year()
        if chosen is None:
            raise DraftError(
                "không tìm thấy năm của kế hoạch trong văn bản; hãy cho biết bằng --year NĂM"
            )
        self.year: int = chosen
        self.period = self.header.period if self.header.period else None
        self.bounds = plan_period(self.year, *(self.period or (None, None)))
        self.catalogue = {entry.key: entry for entry in catalogue}
        self.out = DraftLines()
        self.missing: list[str] = []
        self.unit_ids: dict[str, str] = {}
        self.province = self.header.province

    def _guess_year(self) -> int | None:
        years = [found.year for found in self.result.anniversaries if found.year]
        years += [deadline.date.year for deadline in self.result.deadlines if deadline.year_given]
        return max(set(years), key=years.count) if years else None

    def cite(self, line: int) -> str:
        return f"dòng {line}: “{quoted(clean(self.result.line_text(line)))}”"

    def review(self, reason: str, line: int | None) -> str:
        return f"{REVIEW}: {reason}" + (f"; {self.cite(line)}" if line else "")

    # --- plan -------------------------------------------------------------------------

    def plan(self) -> None:
        header, out, lines = self.header, self.out, self.header.lines
        out.note("", f"Bản nháp kế hoạch do `loa import` đọc từ {self.source}.")
        out.note("", f'Đọc lại các dòng có ghi chú "{REVIEW}", rồi kiểm tra: loa check TỆP.yaml')
        out.blank()
        out.add("plan:")
        plan_id = suggest_id(f"{header.number or header.issuer or 'ke hoach'} {self.year}")
        out.add(
            f"  id: {plan_id[: ID_MAX * 2].strip('-') or f'ke-hoach-{self.year}'}",
            "mã tự đặt: đổi cho gọn nếu muốn",
        )
        if header.title:
            out.add(
                f"  title: {yaml_string(header.title)}",
                self.cite(lines["title"]) if "title" in lines else None,
            )
        else:
            out.add(
                f"  title: {yaml_string(f'Kế hoạch tuyên truyền năm {self.year}')}",
                self.review("không tìm thấy tên kế hoạch trong văn bản", None),
            )
            self.missing.append("tên (trích yếu) của kế hoạch")
        if header.issuer:
            out.add(
                f"  issuer: {yaml_string(header.issuer)}",
                self.cite(lines["issuer"]) if "issuer" in lines else None,
            )
        else:
            self.missing.append("cơ quan ban hành (issuer)")
        if header.number:
            out.add(f"  number: {yaml_string(header.number)}")
        else:
            self.missing.append("số văn bản (number): văn bản chưa ghi số")
        year_note = None if header.year else self.review("văn bản không ghi rõ năm", None)
        out.add(f"  year: {self.year}", year_note)
        if self.period:
            out.add(
                f"  period: {{from: {self.period[0].isoformat()}, to: "
                f"{self.period[1].isoformat()}}}",
                "thời gian thực hiện ghi trong văn bản",
            )
        self.province = self.province or self._province_of_keys()
        if self.province:
            out.add(f"  province: {self.province}")
        elif header.province_name:
            self.missing.append(
                f"ngày kỷ niệm riêng của tỉnh {header.province_name}: Loa chưa có danh mục"
            )

    def _province_of_keys(self) -> str | None:
        scopes = {
            self.catalogue[found.key].scope
            for found in self.result.anniversaries
            if found.key in self.catalogue and self.catalogue[found.key].scope != "national"
        }
        return scopes.pop() if len(scopes) == 1 else None

    # --- units ------------------------------------------------------------------------

    def units(self) -> None:
        taken: set[str] = {"all"}
        names: list[tuple[str, int]] = []
        for task in self.result.tasks:
            for name in (*task.owners, *task.cooperating):
                if not is_everyone(name) and fold(name) not in {fold(n) for n, _ in names}:
                    names.append((name, task.owner_line or task.line))
        self.out.blank()
        self.out.add("units:")
        if not names:
            name = self.header.issuer or "Đơn vị chủ trì"
            reason = "văn bản không phân công đơn vị nào: tạm lấy cơ quan ban hành"
            names = [(name, self.header.lines.get("issuer", 0))]
            self.missing.append("các đơn vị thực hiện (văn bản không phân công)")
            self.out.note("  ", self.review(reason, None))
        for name, line in names:
            unit_id = short_id(name, taken, "don-vi")
            self.unit_ids[fold(name)] = unit_id
            self.out.add(f"  - id: {unit_id}")
            comment = self.cite(line) if line else None
            if fold(name).startswith(("cac ", "ubnd cac", "uy ban nhan dan cac")):
                comment = self.review("một nhóm đơn vị: tách thành từng đơn vị rồi gắn thẻ", line)
            self.out.add(f"    name: {yaml_string(name)}", comment)

    def refs(self, names: Iterable[str]) -> list[str]:
        refs: list[str] = []
        for name in names:
            ref = "all" if is_everyone(name) else self.unit_ids.get(fold(name))
            if ref and ref not in refs:
                refs.append(ref)
        return ["all"] if "all" in refs else refs

    # --- anniversaries ----------------------------------------------------------------

    def anniversary_keys(self) -> tuple[list[str], list[tuple[str, FoundAnniversary]]]:
        """(built-in keys for this plan, [(key, found)] of the plan's own days)."""
        keys: list[str] = []
        extras: list[tuple[str, FoundAnniversary]] = []
        taken: set[str] = set(self.catalogue)
        start, end = self.bounds
        for found in self.result.anniversaries:
            where = f"dòng {found.line}"
            if found.key is not None:
                entry = self.catalogue.get(found.key)
                if entry is None:
                    continue
                if entry.scope not in ("national", self.province):
                    self.missing.append(f"{found.name} ({where}): ngày của tỉnh khác")
                    continue
                if not occurrences_between([entry], start, end):
                    self.missing.append(
                        f"{found.name} ({where}): không rơi vào thời gian của kế hoạch"
                    )
                    continue
                if found.key not in keys:
                    keys.append(found.key)
                continue
            if found.day is None or found.month is None:
                self.missing.append(f"ngày của “{found.name}” ({where}): văn bản không ghi ngày")
                continue
            if found.calendar == "solar" and found.origin_year is None:
                self.missing.append(f"năm gốc của “{found.name}” ({where})")
            if found.origin_year is not None and found.origin_year >= self.year:
                continue
            key = short_id(found.name, taken, "ngay-ky-niem")
            extras.append((key, found))
        return keys, extras

    def extras(self, extras: list[tuple[str, FoundAnniversary]]) -> None:
        if not extras:
            return
        self.out.blank()
        self.out.add("anniversaries:")
        self.out.add("  extra:")
        for key, found in extras:
            self.out.add(f"    - key: {key}")
            self.out.add(f"      name: {yaml_string(found.name)}", self.cite(found.line))
            if found.calendar == "lunar":
                self.out.add(f"      lunar: {{day: {found.day}, month: {found.month}}}")
                if found.origin_year is not None:
                    self.out.add(f"      origin_year: {found.origin_year}")
            elif found.origin_year is not None:
                origin = date(found.origin_year, found.month or 1, found.day or 1)
                self.out.add(f"      date: {origin.isoformat()}")
            else:
                self.out.add(f"      date: {{day: {found.day}, month: {found.month}}}")
            self.out.add(
                "      kind: founding",
                self.review("founding (năm tròn 10) hay major (cả năm lẻ 5)?", None),
            )
            self.out.add(f"      source: {yaml_string(f'{self.source}, dòng {found.line}')}")

    # --- tasks ------------------------------------------------------------------------

    def tasks(self, keys: list[str], extras: list[tuple[str, FoundAnniversary]]) -> None:
        self.out.blank()
        self.out.add("tasks:")
        taken: set[str] = set()
        for task in self.result.tasks:
            self.task(task, taken)
        every = [*keys, *(key for key, _ in extras)]
        if every:
            self.anniversary_task(every, taken)

    def task(self, task: FoundTask, taken: set[str]) -> None:
        out = self.out
        out.blank()
        out.note("  ", self.cite(task.line))
        out.add(f"  - id: {short_id(task.title, taken, 'nhiem-vu')}")
        out.add(f"    title: {yaml_string(task.title)}")
        if len(" ".join(task.text.split())) > len(task.title) + 20:
            description = _BULLET.sub("", task.text)
            out.add(f"    description: {yaml_string(description)}")
        owners = self.refs(task.owners)
        if owners:
            out.add(f"    owners: [{', '.join(owners)}]")
        else:
            out.add("    owners: [all]", self.review("văn bản không nói đơn vị nào chủ trì", None))
        cooperating = [ref for ref in self.refs(task.cooperating) if ref not in owners]
        if cooperating and owners != ["all"]:
            out.add(f"    cooperating: [{', '.join(cooperating)}]")
        self.timing(task)

    def timing(self, task: FoundTask) -> None:
        out, repeat, deadline = self.out, task.repeat, task.deadline
        start, end = self.bounds
        if repeat is not None and repeat.repeat in (
            "daily",
            "weekly",
            "monthly",
            "quarterly",
            "yearly",
        ):
            out.add(f"    repeat: {repeat.repeat}")
            if repeat.repeat == "daily":
                return
            if repeat.repeat == "yearly" and deadline is not None:
                out.add(f"    due: {{month: {deadline.date.month}, day: {deadline.date.day}}}")
                return
            guesses = {
                "weekly": ("{day: 5}", "văn bản không nói thứ mấy: tạm lấy Thứ Sáu"),
                "monthly": ("{day: 31}", "văn bản không nói ngày: tạm lấy ngày cuối tháng"),
                "quarterly": ("{month: 3, day: 31}", "văn bản không nói ngày: tạm lấy cuối quý"),
                "yearly": ("{month: 12, day: 31}", "văn bản không nói ngày: tạm lấy cuối năm"),
            }
            due, reason = guesses[repeat.repeat]
            if repeat.day is not None and repeat.repeat in ("monthly", "quarterly"):
                month = f"month: {repeat.month or 3}, " if repeat.repeat == "quarterly" else ""
                out.add(f"    due: {{{month}day: {repeat.day}}}")
                return
            out.add(f"    due: {due}", self.review(reason, repeat.line))
            return
        if deadline is not None and start.year - 1 <= deadline.date.year <= end.year + 1:
            comment = (
                self.review("; ".join(deadline.doubts), deadline.line) if deadline.doubts else None
            )
            out.add(f"    due: {deadline.date.isoformat()}", comment)
            return
        why = "văn bản không ghi hạn"
        if repeat is not None:
            why = (
                "văn bản ghi định kỳ 6 tháng, Loa chưa có kiểu lặp này"
                if repeat.repeat == "half_yearly"
                else "văn bản ghi định kỳ mà không nói bao lâu"
            )
        self.missing.append(f"hạn của nhiệm vụ “{quoted(task.title)}” (dòng {task.line})")
        out.add(f"    due: {end.isoformat()}", f"{REVIEW}: {why}; tạm lấy ngày cuối kế hoạch")

    def anniversary_task(self, keys: list[str], taken: set[str]) -> None:
        about = [task for task in self.result.tasks if task.about_anniversaries]
        owners = self.refs(name for task in about for name in task.owners)
        # The line that lists the most of them ("Tuyên truyền kỷ niệm các ngày lễ lớn ...:").
        counts = Counter(found.line for found in self.result.anniversaries)
        line = counts.most_common(1)[0][0]
        prefix = re.match(
            r"^(?:\d+(?:\.\d+)*\.?\s*)?(\w[^:;]{0,60}?kỷ niệm)\b",
            clean(self.result.line_text(line)),
            re.IGNORECASE,
        )
        title = (
            f"{prefix.group(1).strip()} {{anniversary}}"
            if prefix
            else "Tuyên truyền kỷ niệm {anniversary}"
        )
        out = self.out
        out.blank()
        out.note("  ", f"Các ngày lễ, ngày kỷ niệm văn bản nêu; {self.cite(line)}")
        out.add(f"  - id: {short_id('tuyen truyen ngay ky niem', taken, 'ky-niem')}")
        out.add(f"    title: {yaml_string(title)}")
        if owners:
            out.add(f"    owners: [{', '.join(owners)}]")
        else:
            out.add(
                "    owners: [all]",
                self.review("văn bản không nói đơn vị nào tuyên truyền các ngày kỷ niệm", None),
            )
        out.add("    per_anniversary:")
        out.add("      keys:")
        for key in keys:
            out.add(f"        - {key}")

    # --- slogans and the end ------------------------------------------------------------

    def slogans(self, keys: list[str], extras: list[tuple[str, FoundAnniversary]]) -> None:
        usable = {key: self._ordinal_of(key, extras) for key in [*keys, *(k for k, _ in extras)]}
        by_key: dict[str, list[Slogan]] = {}
        for slogan in self.result.slogans:
            if slogan.key in usable:
                by_key.setdefault(slogan.key, []).append(slogan)
            else:
                self.missing.append(
                    f"khẩu hiệu không gắn với ngày kỷ niệm nào (dòng {slogan.line}): "
                    f"“{quoted(slogan.text)}”"
                )
        if not by_key:
            return
        self.out.blank()
        self.out.add("slogans:")
        for key, slogans in by_key.items():
            self.out.add(f"  {key}:")
            for slogan in slogans:
                text, changed = with_placeholders(slogan.text, usable[key])
                comment = f"dòng {slogan.line}: “{quoted(slogan.text)}”" if changed else None
                self.out.add(f"    - {yaml_string(text)}", comment)

    def _ordinal_of(
        self, key: str, extras: list[tuple[str, FoundAnniversary]]
    ) -> tuple[int, int] | None:
        for found in self.result.anniversaries:
            if found.key == key and found.ordinal and found.year:
                return found.ordinal, found.year
        for extra_key, found in extras:
            if extra_key == key and found.ordinal and found.year:
                return found.ordinal, found.year
        return None

    def end(self) -> None:
        out = self.out
        out.blank()
        if not self.missing:
            out.note("", "Không có gì văn bản bỏ ngỏ mà bản nháp phải đoán.")
            return
        out.note("", "Văn bản không cho biết, hoặc Loa chưa đọc được (bổ sung nếu cần):")
        for item in dict.fromkeys(self.missing):
            out.note("", f"- {item}")


def render_draft(
    result: ImportResult,
    source_name: str,
    *,
    year: int | None = None,
    catalogue: Sequence[Anniversary],
) -> str:
    """The draft plan file's text. `year` overrides the document's; `catalogue` is the
    built-in anniversaries the plan may name (national and every province)."""
    draft = _Draft(result, source_name, year, catalogue)
    draft.plan()
    draft.units()
    keys, extras = draft.anniversary_keys()
    draft.extras(extras)
    draft.tasks(keys, extras)
    draft.slogans(keys, extras)
    draft.end()
    return "\n".join(draft.out.lines) + "\n"
