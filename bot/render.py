"""Text for the command line: names of kinds, states and flags, dates, and task listings.

Everything here returns translated text or rich renderables sized for a terminal of at
most :data:`MAX_WIDTH` columns, so every listing stays readable on an 80-column screen.
Plan text is printed as plain text (never as rich markup): plans contain brackets.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from pydantic import ValidationError
from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from bot.config import DEFAULT_LOCALES_DIR, get_settings
from bot.i18n import DEFAULT_LANGUAGE, _, ngettext, translator
from handlers.read_errors import unread_lines
from plans.model import Every, ExtractedPlan, TimeKind

MAX_WIDTH = 80
"""Widest line the command line prints."""

ELLIPSIS = "…"


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it yet (translated on use)."""
    return message


def help_text(message: str) -> str:
    """Translate help text, which is built on import, even when the settings are invalid.

    The invalid settings are then reported by the command itself, in the default language.
    """
    try:
        return _(message)
    except ValidationError:
        return translator(DEFAULT_LANGUAGE, DEFAULT_LOCALES_DIR).gettext(message)


KIND_NAMES: dict[str, str] = {
    TimeKind.ONCE.value: N_("one-off"),
    TimeKind.RECURRING.value: N_("recurring"),
    TimeKind.CONTINUOUS.value: N_("ongoing"),
    TimeKind.CONDITIONAL.value: N_("conditional"),
    TimeKind.UNSPECIFIED.value: N_("no time given"),
}

EVERY_NAMES: dict[str, str] = {
    Every.DAY.value: N_("every day"),
    Every.WEEK.value: N_("every week"),
    Every.MONTH.value: N_("every month"),
    Every.QUARTER.value: N_("every quarter"),
    Every.HALF_YEAR.value: N_("every six months"),
    Every.YEAR.value: N_("every year"),
}

FLAG_NAMES: dict[str, str] = {
    "unknown_unit": N_("new unit not yet in the directory"),
    "no_lead": N_("no lead unit"),
    "unspecified_time": N_("deadline not clear"),
    "conditional_time": N_("waiting for a condition"),
}

PLAN_STATUS_NAMES: dict[str, str] = {
    "draft": N_("draft"),
    "active": N_("active"),
    "archived": N_("archived"),
}

ASSIGNMENT_STATE_NAMES: dict[str, str] = {
    "open": N_("open"),
    "dormant": N_("waiting to be triggered"),
    "standing": N_("ongoing"),
    "done": N_("done"),
    "cancelled": N_("cancelled"),
}

UNIT_KIND_NAMES: dict[str, str] = {
    "unit": N_("unit"),
    "group": N_("group"),
}


def _named(names: Mapping[str, str], code: str) -> str:
    # Codes added later by other modules still print, untranslated, rather than fail.
    message = names.get(code)
    return _(message) if message is not None else code


def kind_name(kind: str) -> str:
    """The name of a timeframe kind (``once`` → "một lần")."""
    return _named(KIND_NAMES, str(kind))


def every_name(every: str) -> str:
    """The name of a recurrence period (``quarter`` → "hằng quý")."""
    return _named(EVERY_NAMES, str(every))


def flag_name(flag: str) -> str:
    """The name of a review flag (``no_lead`` → "chưa có đơn vị chủ trì")."""
    return _named(FLAG_NAMES, flag)


def plan_status_name(status: str) -> str:
    """The name of a plan status (``draft`` → "bản nháp")."""
    return _named(PLAN_STATUS_NAMES, str(status))


def assignment_state_name(state: str) -> str:
    """The name of an assignment state (``dormant`` → "chờ kích hoạt")."""
    return _named(ASSIGNMENT_STATE_NAMES, str(state))


def unit_kind_name(kind: str) -> str:
    """The name of a unit kind (``group`` → "nhóm")."""
    return _named(UNIT_KIND_NAMES, str(kind))


def day(value: date) -> str:
    """A date as people write it: ``31/03/2026``."""
    return format_date(value, format="dd/MM/yyyy", locale=get_settings().language)


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut at a word to at most ``width`` characters with "…"."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - len(ELLIPSIS) + 1]
    space = cut.rfind(" ")
    if space > width // 2:
        cut = cut[:space]
    return cut[: width - len(ELLIPSIS)].rstrip(" ,;:.-") + ELLIPSIS


def console_width() -> int:
    """The terminal's width, capped at :data:`MAX_WIDTH`."""
    return max(20, min(shutil.get_terminal_size((MAX_WIDTH, 24)).columns, MAX_WIDTH))


def make_console(*, stderr: bool = False) -> Console:
    """A console on stdout (or stderr) no wider than the terminal or 80 columns."""
    return Console(
        width=console_width(),
        stderr=stderr,
        markup=False,
        highlight=False,
        emoji=False,
    )


def emit(renderable: RenderableType, *, stderr: bool = False) -> None:
    """Print ``renderable`` wrapped to the console width.

    Off a terminal (a pipe, a file, a test) lines carry no trailing padding, so the
    output reads and diffs cleanly.
    """
    console = make_console(stderr=stderr)
    if console.is_terminal:
        console.print(renderable)
        return
    with console.capture() as capture:
        console.print(renderable)
    text = "\n".join(line.rstrip() for line in capture.get().splitlines())
    print(text, file=sys.stderr if stderr else sys.stdout)


def counts_by_kind(counts: Mapping[str, int]) -> str:
    """``12 một lần, 3 định kỳ, …`` in the order of :class:`TimeKind`, zeros left out."""
    parts = [
        f"{counts[kind.value]} {kind_name(kind.value)}"
        for kind in TimeKind
        if counts.get(kind.value)
    ]
    return ", ".join(parts) if parts else _("none")


def count_kinds(kinds: Iterable[str]) -> dict[str, int]:
    """How many times each kind occurs in ``kinds``."""
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[str(kind)] = counts.get(str(kind), 0) + 1
    return counts


@dataclass(frozen=True)
class TaskLine:
    """What a listing shows of one task, whether extracted or stored."""

    label: str
    ref: str
    content: str
    lead: Sequence[str]
    support: Sequence[str]
    when_text: str
    kind: str
    due: date | None
    every: str | None
    target: str | None
    flags: Sequence[str] = ()


def describe_time(line: TaskLine) -> str:
    """The time as the plan wrote it, then how it was understood."""
    details = [kind_name(line.kind)]
    if line.every:
        details.append(every_name(line.every))
    if line.due is not None:
        details.append(_("due {date}").format(date=day(line.due)))
    said = line.when_text.strip()
    if not said:
        return _("{details}; no time written in the plan").format(details=", ".join(details))
    return f"{said} ({', '.join(details)})"


def _detail(label: str, value: str) -> Text:
    text = Text(label, style="bold")
    text.append(" ")
    text.append(value)
    return text


def task_rows(line: TaskLine) -> list[tuple[str, Text]]:
    """The rows of one task in a two-column grid: label, then content and details."""
    head = Text()
    if line.ref:
        head.append(line.ref, style="bold")
        head.append(" · ")
    head.append(" ".join(line.content.split()))
    rows: list[tuple[str, Text]] = [(line.label, head)]
    lead = "; ".join(line.lead) if line.lead else _("(none)")
    rows.append(("", _detail(_("Lead:"), lead)))
    if line.support:
        rows.append(("", _detail(_("Support:"), "; ".join(line.support))))
    rows.append(("", _detail(_("Time:"), describe_time(line))))
    if line.target:
        rows.append(("", _detail(_("Target:"), line.target)))
    if line.flags:
        flags = "; ".join(flag_name(flag) for flag in line.flags)
        rows.append(("", _detail(_("To review:"), flags)))
    return rows


def task_grid(lines: Iterable[TaskLine]) -> Table:
    """Tasks one under another, each wrapped to the width with its details indented."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for index, line in enumerate(lines):
        if index:
            grid.add_row("", "")
        for label, text in task_rows(line):
            grid.add_row(label, text)
    return grid


def list_table(*headers: str) -> Table:
    """A plain table with a header row whose cells wrap to fit the console."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def plan_header(
    title: str,
    number: str | None,
    issuer: str | None,
    period: tuple[int, int] | None,
) -> list[RenderableType]:
    """Title, number, issuer and period of a plan, one per line, unknown ones left out."""
    lines: list[RenderableType] = [Text(" ".join(title.split()) or _("(untitled)"), style="bold")]
    if number:
        lines.append(_detail(_("Number:"), number))
    if issuer:
        lines.append(_detail(_("Issued by:"), issuer))
    if period:
        lines.append(_detail(_("Period:"), f"{period[0]}–{period[1]}"))
    return lines


def extracted_overview(plan: ExtractedPlan, source_name: str) -> Group:
    """A readable overview of what ``plan parse`` read from a file (nothing stored)."""
    parts: list[RenderableType] = [
        *plan_header(plan.title, plan.number, plan.issuer, plan.period),
        _detail(_("File:"), source_name),
    ]
    unread = [Text(line) for line in unread_lines(_, plan.unread)]
    if not plan.tasks:
        parts.append(Text(_("No tasks found.")))
        return Group(*parts, *unread)
    counts = count_kinds(task.when.kind.value for task in plan.tasks)
    parts.append(Text(tasks_summary(len(plan.tasks), counts)))
    parts.append(Text(""))
    lines = (
        TaskLine(
            label=f"{index}.",
            ref=task.ref,
            content=task.content,
            lead=task.lead,
            support=task.support,
            when_text=task.when.text,
            kind=task.when.kind.value,
            due=task.when.due,
            every=task.when.every.value if task.when.every else None,
            target=task.target,
        )
        for index, task in enumerate(plan.tasks, start=1)
    )
    parts.append(task_grid(lines))
    parts.extend(unread)
    parts.append(Text(""))
    parts.append(Text(_("Nothing was stored. To import: nhacviec plan import FILE")))
    return Group(*parts)


def tasks_summary(total: int, counts: Mapping[str, int]) -> str:
    """``87 nhiệm vụ: 40 một lần, 10 định kỳ, …``."""
    heading = ngettext("{count} task", "{count} tasks", total).format(count=total)
    return f"{heading}: {counts_by_kind(counts)}"
