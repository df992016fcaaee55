"""The progress chart: one horizontal bar per unit, stacked by status, as a PNG sized
for a phone (1080 pixels wide).

Drawn with matplotlib's object API on the Agg canvas — no display, no pyplot and its
global figure registry — so charts can be drawn from several threads at once and a
figure is freed as soon as it is drawn. Text uses the DejaVu Sans font shipped with
matplotlib, which has every Vietnamese letter.
"""

from __future__ import annotations

import io
import textwrap
import unicodedata
from collections.abc import Callable, Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

from summaries.model import PlanSummary, UnitRollup
from summaries.status import StatusCounts, TaskStatus
from summaries.tasks import STATUS_LABELS

WIDTH_PX = 1080
DPI = 150
"""1080 px at 150 dpi: 7.2 inches, so that 11-15 pt text stays legible on a phone."""

BAR_INCHES = 0.42
FRAME_INCHES = 2.3
"""Height of one bar, and of the title, legend and axis around the bars."""

LABEL_WIDTH = 26
"""Characters of a unit's name kept on its bar."""

TITLE_WIDTH = 48
TITLE_LINES = 3

FONT = "DejaVu Sans"

STACK: tuple[TaskStatus, ...] = (
    TaskStatus.DONE_ON_TIME,
    TaskStatus.DONE_LATE,
    TaskStatus.IN_PROGRESS,
    TaskStatus.OVERDUE,
    TaskStatus.DORMANT,
)
"""The segments of a bar, left to right: done work first, then what remains."""

COLOURS: Mapping[TaskStatus, str] = {
    TaskStatus.DONE_ON_TIME: "#2e7d32",
    TaskStatus.DONE_LATE: "#9ccc65",
    TaskStatus.IN_PROGRESS: "#42a5f5",
    TaskStatus.OVERDUE: "#e53935",
    TaskStatus.DORMANT: "#bdbdbd",
}


def unit_chart(
    units: Sequence[UnitRollup],
    *,
    title: str,
    labels: Mapping[TaskStatus, str],
    top: int = 15,
) -> bytes:
    """A PNG of the ``top`` units with most work, each bar stacked by status and ended
    with its share done; ``labels`` names the statuses in the legend. Units with no
    work counted by status are left out."""
    # Units with only continuous work have no bar: check-ins are not counted by status.
    counted = (unit for unit in units if unit.counts.total)
    shown = sorted(counted, key=lambda unit: (-unit.counts.total, _text(unit.unit_name)))[:top]
    height = FRAME_INCHES + BAR_INCHES * max(len(shown), 1)
    figure = Figure(figsize=(WIDTH_PX / DPI, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)  # draw on Agg, whatever backend the process chose
    try:
        axes = figure.add_subplot()
        _draw(axes, shown, labels)
        _heading(figure, axes, _title(title))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
        return buffer.getvalue()
    finally:
        figure.clear()


def _draw(axes: Axes, units: Sequence[UnitRollup], labels: Mapping[TaskStatus, str]) -> None:
    positions = list(range(len(units)))
    left = [0] * len(units)
    for status in STACK:
        widths = [_count(unit.counts, status) for unit in units]
        if not any(widths):
            continue
        axes.barh(
            positions,
            widths,
            left=left,
            color=COLOURS[status],
            label=_text(labels.get(status, status.value)),
            height=0.7,
        )
        left = [start + width for start, width in zip(left, widths, strict=True)]
    for position, unit, end in zip(positions, units, left, strict=True):
        share = unit.counts.percent_done
        if share is not None:
            axes.text(end, position, f" {share:.0f}%", va="center", fontproperties=_font(11))
    axes.set_yticks(positions, [_short(unit.unit_name) for unit in units])
    for label in axes.get_yticklabels():
        label.set_fontproperties(_font(12))
    for label in axes.get_xticklabels():
        label.set_fontproperties(_font(11))
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max(left, default=0) * 1.15 or 1)
    axes.grid(axis="x", color="#e0e0e0")
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if not units:
        axes.set_yticks([])


def _heading(figure: Figure, axes: Axes, title: str) -> None:
    """The title above the legend, as one block the layout keeps clear of the bars."""
    handles, names = axes.get_legend_handles_labels()
    if not handles:
        figure.suptitle(title, x=0.02, ha="left", fontproperties=_font(14, bold=True))
        return
    figure.legend(
        handles,
        names,
        loc="outside upper left",
        ncols=2,
        frameon=False,
        prop=_font(11),
        title=title,
        title_fontproperties=_font(14, bold=True),
        alignment="left",
    )


def _count(counts: StatusCounts, status: TaskStatus) -> int:
    number: int = getattr(counts, status.value)
    return number


def _font(size: float, *, bold: bool = False) -> FontProperties:
    return FontProperties(family=FONT, size=size, weight="bold" if bold else "normal")


def _text(text: str) -> str:
    """Composed (NFC) text: the font has the precomposed Vietnamese letters, and text
    pasted from Word files sometimes carries the diacritics as separate marks."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _short(name: str) -> str:
    return textwrap.shorten(_text(name), LABEL_WIDTH, placeholder="…")


def _title(title: str) -> str:
    lines = textwrap.wrap(_text(title), TITLE_WIDTH, max_lines=TITLE_LINES, placeholder="…")
    return "\n".join(lines)


def _(message: str) -> str:
    """Mark ``message`` for extraction; it is translated per reader."""
    return message


CHART_TITLE = _("Progress by unit: {plan}")
ALL_PLANS = _("All active plans")


def summary_chart(summary: PlanSummary, gettext_: Callable[[str], str]) -> bytes:
    """The chart of ``summary``'s units, titled and labelled with ``gettext_``."""
    name = summary.title if summary.plan_id is not None else gettext_(ALL_PLANS)
    return unit_chart(
        summary.units,
        title=gettext_(CHART_TITLE).format(plan=" ".join(name.split())),
        labels={status: gettext_(label) for status, label in STATUS_LABELS.items()},
    )
