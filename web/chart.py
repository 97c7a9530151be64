"""The overview's chart: one horizontal bar per unit, split into done, không phát sinh,
open and overdue, drawn as SVG on the server (no script, no image library)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from scheduler.progress import UnitSummary

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 250
BAR_WIDTH = 420
PARTS = (  # (field, css class): the legend in the template uses the same classes
    ("done", "s-done"),
    ("not_applicable", "s-na"),
    ("open", "s-open"),
    ("overdue", "s-overdue"),
)
MAX_BARS = 60  # a chart of a thousand units helps nobody: the worst first, then the table


@dataclass(frozen=True)
class Bar:
    label: str
    counts: tuple[int, ...]


def progress_svg(summaries: Sequence[UnitSummary], title: str) -> Markup:
    bars = [
        Bar(summary.unit_name, tuple(getattr(summary, name) for name, _ in PARTS))
        for summary in summaries[:MAX_BARS]
    ]
    widest = max((sum(bar.counts) for bar in bars), default=0) or 1
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">'
    ]
    for index, bar in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        label = bar.label if len(bar.label) <= 32 else bar.label[:31] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + BAR_HEIGHT - 4}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        x = float(LABEL_WIDTH)
        for count, (_name, css) in zip(bar.counts, PARTS, strict=True):
            if count:
                w = BAR_WIDTH * count / widest
                parts.append(
                    f'<rect class="{css}" x="{x:.1f}" y="{y}" width="{w:.1f}" '
                    f'height="{BAR_HEIGHT}"><title>{count}</title></rect>'
                )
                x += w
        total = f"{bar.counts[0]}/{sum(bar.counts)}"
        parts.append(f'<text x="{x + 4:.1f}" y="{y + BAR_HEIGHT - 4}">{total}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
