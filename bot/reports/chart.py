"""The progress chart of a report: one horizontal bar per unit, split by result, drawn
with matplotlib's Agg backend (no display) into PNG bytes in memory. Letters are Be
Vietnam Pro from PyPI (fontpkg), the font the banners use, so every machine draws the
same Vietnamese diacritics whatever fonts it has."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from functools import lru_cache

import fontpkg
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

from bot.reports.report_data import RESULT_LABELS, Result, UnitTally

FONT_FAMILY = "Be Vietnam Pro"
# Green for done, amber for late, grey for "did not arise", red for not done, blue for
# what is still to come: readable in print and for the usual colour blindness.
COLOURS: dict[Result, str] = {
    "on_time": "#2e7d32",
    "late": "#f9a825",
    "not_applicable": "#9e9e9e",
    "not_done": "#c62828",
    "upcoming": "#90caf9",
}
NAME_WIDTH = 34  # characters per line of a unit's name on the axis


@lru_cache(maxsize=4)
def _font(weight: int, size: float) -> FontProperties:
    return FontProperties(fname=str(fontpkg.path(FONT_FAMILY, weight)), size=size)


def progress_chart(tallies: Sequence[UnitTally], title: str, *, dpi: int = 200) -> bytes:
    """A PNG of the units' results (counts of items), widest bar scaled to the page."""
    regular, bold = _font(400, 8.5), _font(700, 10.5)
    names = ["\n".join(textwrap.wrap(t.unit.name, NAME_WIDTH)) or t.unit.id for t in tallies]
    height = 0.9 + 0.42 * max(len(tallies), 1) + 0.12 * sum(n.count("\n") for n in names)
    figure = Figure(figsize=(6.3, height), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(tallies)))[::-1]  # the plan's first unit on top
    left = [0] * len(tallies)
    for result, colour in COLOURS.items():
        values = [t.counts[result] for t in tallies]
        if not any(values):
            continue
        bars = axes.barh(
            positions, values, left=left, color=colour, label=RESULT_LABELS[result], height=0.62
        )
        for bar, value in zip(bars, values, strict=True):
            if value:
                axes.text(
                    bar.get_x() + bar.get_width() / 2,
                    bar.get_y() + bar.get_height() / 2,
                    str(value),
                    ha="center",
                    va="center",
                    color="white" if result in ("on_time", "not_done") else "black",
                    fontproperties=regular,
                )
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, names)
    for label in axes.get_yticklabels():
        label.set_fontproperties(regular)
    for label in axes.get_xticklabels():
        label.set_fontproperties(regular)
    axes.set_xlabel("Số việc", fontproperties=regular)
    axes.set_title(title, fontproperties=bold, loc="left")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    if tallies:
        axes.legend(
            prop=regular,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.5 / height - 0.08),
            ncol=len(COLOURS),
            frameon=False,
            handlelength=1.0,
            columnspacing=1.0,
        )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()
