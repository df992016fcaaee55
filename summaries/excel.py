"""The Excel workbook: a summary sheet, then one sheet per plan with its task table.

Each plan sheet lists the tasks (Stt | Nội dung | Đơn vị chủ trì | … | Cập nhật lần
cuối) under the plan's title, with a bold header row that stays in view, columns
sized to their content (long text wraps) and the status cell coloured by status.
The summary sheet gives, per plan, per period of its recurring work and per unit,
the four statuses, "not reported yet", the share done and the average progress.
"""

from __future__ import annotations

import gettext
import io
import math
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from scheduling.calendar import DEFAULT_TZ
from summaries.deadlines import Gettext, people_date
from summaries.model import PlanSummary, TaskRow
from summaries.status import StatusCounts, TaskStatus
from summaries.tasks import (
    COLUMNS,
    NAME_SEPARATOR,
    NOT_REPORTED,
    STATUS_FILLS,
    STATUS_LABELS,
    local_time,
    split_title,
    status_labels,
)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where it is used."""
    return message


SUMMARY_SHEET = N_("Summary")
SUMMARY_TITLE = N_("Summary of results")
AS_OF = N_("As of {date}")
PLAN = N_("Plan")
UNIT = N_("Unit")
WHOLE_PLAN = N_("Whole plan")
PERIOD_ROW = N_("Period: {period}")
SHARE_DONE = N_("Share done")
AVERAGE_PROGRESS = N_("Average progress")

SUMMARY_STATUSES: tuple[TaskStatus, ...] = (
    TaskStatus.DONE_ON_TIME,
    TaskStatus.DONE_LATE,
    TaskStatus.IN_PROGRESS,
    TaskStatus.OVERDUE,
)
"""The four statuses Vietnamese follow-up reports count."""

HEADER_FILL = "D9D9D9"

MAX_SHEET_NAME = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_RESERVED = frozenset({"history"})
"""Excel keeps the sheet name "History" for itself."""

PLAN_LABEL_WIDTH = 80
"""Characters of a plan's name repeated on each row of the summary sheet."""

TITLE_ROW, AS_OF_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = HEADER_ROW + 1

LINE_HEIGHT = 15.0
"""Points per line of wrapped text, to size rows (spreadsheets do not always do it)."""


@dataclass(frozen=True)
class Column:
    """A column's header and how wide it may grow, in characters."""

    header: str
    least: int
    most: int


TASK_WIDTHS: tuple[tuple[int, int], ...] = (
    (5, 8),  # Stt
    (30, 60),  # Nội dung
    (16, 30),  # Đơn vị chủ trì
    (16, 30),  # Đơn vị phối hợp
    (12, 22),  # Thời hạn
    (14, 24),  # Tình trạng
    (9, 12),  # Tiến độ (%)
    (20, 45),  # Khó khăn, vướng mắc
    (16, 18),  # Cập nhật lần cuối
)

NUMBER_COLUMN, STATUS_COLUMN, PERCENT_COLUMN, UPDATED_COLUMN = 1, 6, 7, 9
"""Positions (from 1) of the task table's columns that get a format of their own."""

PERCENT_FORMAT = "0"
SHARE_FORMAT = "0.0%"
TIME_FORMAT = "dd/mm/yyyy hh:mm"

_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="top", wrap_text=True)


def workbook_bytes(
    plans: Sequence[tuple[PlanSummary, Sequence[TaskRow]]],
    translations: gettext.NullTranslations,
    *,
    language: str = "vi",
    tz: ZoneInfo = DEFAULT_TZ,
) -> bytes:
    """The workbook (.xlsx) of ``plans``: each plan's summary and task rows, with the
    words translated by ``translations`` and dates written in ``language``."""
    _ = translations.gettext
    book = Workbook()
    summary_sheet = book.active
    assert summary_sheet is not None  # a new workbook always has one sheet
    names = sheet_names([_(SUMMARY_SHEET), *(_plan_label(summary) for summary, _rows in plans)])
    summary_sheet.title = names[0]
    _fill_summary(summary_sheet, plans, _, language)
    for name, (summary, rows) in zip(names[1:], plans, strict=True):
        _fill_tasks(book.create_sheet(name), summary, rows, _, language, tz)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- plan sheets


def _fill_tasks(
    sheet: Worksheet,
    summary: PlanSummary,
    rows: Sequence[TaskRow],
    _: Gettext,
    language: str,
    tz: ZoneInfo,
) -> None:
    columns = [
        Column(_(header), *widths) for header, widths in zip(COLUMNS, TASK_WIDTHS, strict=True)
    ]
    labels = status_labels(_)
    _heading(sheet, " ".join(summary.title.split()), summary.as_of, len(columns), _, language)
    _header(sheet, columns)
    for index, row in enumerate(rows):
        number = FIRST_ROW + index
        values: list[Any] = [
            row.number,
            row.content,
            NAME_SEPARATOR.join(row.lead),
            NAME_SEPARATOR.join(row.support),
            row.deadline,
            labels[row.status],
            row.percent,
            "\n".join(row.problems),
            local_time(row.last_report_at, tz) if row.last_report_at is not None else None,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(number, column, value)
            cell.alignment = _CENTRE if column in (NUMBER_COLUMN, PERCENT_COLUMN) else _WRAP
            cell.border = _BORDER
        sheet.cell(number, STATUS_COLUMN).fill = _solid(STATUS_FILLS[row.status])
        sheet.cell(number, PERCENT_COLUMN).number_format = PERCENT_FORMAT
        sheet.cell(number, UPDATED_COLUMN).number_format = TIME_FORMAT
    _finish(sheet, columns, len(rows))


# --------------------------------------------------------------------------- summary sheet


def _fill_summary(
    sheet: Worksheet,
    plans: Sequence[tuple[PlanSummary, Sequence[TaskRow]]],
    _: Gettext,
    language: str,
) -> None:
    headers = [
        _(PLAN),
        _(UNIT),
        *(_(STATUS_LABELS[status]) for status in SUMMARY_STATUSES),
        _(NOT_REPORTED),
        _(SHARE_DONE),
        _(AVERAGE_PROGRESS),
    ]
    columns = [
        Column(headers[0], 24, 40),
        Column(headers[1], 20, 36),
        *(Column(header, 11, 16) for header in headers[2:]),
    ]
    as_of = max((summary.as_of for summary, _rows in plans), default=None)
    _heading(sheet, _(SUMMARY_TITLE), as_of, len(columns), _, language)
    _header(sheet, columns)
    number = FIRST_ROW
    for summary, _rows in plans:
        label = textwrap.shorten(_plan_label(summary), PLAN_LABEL_WIDTH, placeholder=" …")
        _summary_row(sheet, number, label, _(WHOLE_PLAN), summary.counts, bold=True)
        number += 1
        for name, counts in summary.named_periods(_):
            row_label = _(PERIOD_ROW).format(period=name)
            _summary_row(sheet, number, label, row_label, counts, bold=False)
            sheet.cell(number, 2).font = Font(italic=True)
            number += 1
        for unit in summary.units:
            _summary_row(sheet, number, label, unit.unit_name, unit.counts, bold=False)
            number += 1
    _finish(sheet, columns, number - FIRST_ROW, frozen="C")


def _summary_row(
    sheet: Worksheet, number: int, plan: str, unit: str, counts: StatusCounts, *, bold: bool
) -> None:
    share = counts.percent_done
    average = counts.average_percent
    values: list[Any] = [
        plan,
        unit,
        *(getattr(counts, status.value) for status in SUMMARY_STATUSES),
        counts.not_reported,
        share / 100 if share is not None else None,
        average / 100 if average is not None else None,
    ]
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(number, column, value)
        cell.alignment = _WRAP
        cell.border = _BORDER
        if bold:
            cell.font = Font(bold=True)
        if column > len(values) - 2:
            cell.number_format = SHARE_FORMAT
    for column, status in enumerate(SUMMARY_STATUSES, start=3):
        sheet.cell(number, column).fill = _solid(STATUS_FILLS[status])


# --------------------------------------------------------------------------- layout


def _heading(
    sheet: Worksheet, title: str, as_of: date | None, width: int, _: Gettext, language: str
) -> None:
    sheet.cell(TITLE_ROW, 1, title).font = Font(bold=True, size=13)
    sheet.cell(TITLE_ROW, 1).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=width)
    if as_of is not None:
        sheet.cell(AS_OF_ROW, 1, _(AS_OF).format(date=people_date(as_of, language)))
        sheet.cell(AS_OF_ROW, 1).font = Font(italic=True)


def _header(sheet: Worksheet, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(HEADER_ROW, index, column.header)
        cell.font = Font(bold=True)
        cell.fill = _solid(HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER


def _finish(sheet: Worksheet, columns: Sequence[Column], count: int, frozen: str = "A") -> None:
    """Column widths, row heights, frozen header, filter and page set-up."""
    widths = [
        _width(
            column, (sheet.cell(row, index).value for row in range(HEADER_ROW, FIRST_ROW + count))
        )
        for index, column in enumerate(columns, start=1)
    ]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in range(HEADER_ROW, FIRST_ROW + count):
        cells = (sheet.cell(row, index).value for index in range(1, len(columns) + 1))
        lines = max(_lines(value, width) for value, width in zip(cells, widths, strict=True))
        sheet.row_dimensions[row].height = LINE_HEIGHT * lines
    title = sheet.cell(TITLE_ROW, 1).value
    sheet.row_dimensions[TITLE_ROW].height = LINE_HEIGHT * 1.2 * _lines(title, sum(widths))
    sheet.freeze_panes = f"{frozen}{FIRST_ROW}"
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + count}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _width(column: Column, values: Iterable[object]) -> float:
    """The longest line of the column, plus a margin, within the column's bounds."""
    longest = max((len(line) for value in values for line in _text(value).split("\n")), default=0)
    return float(min(column.most, max(column.least, longest + 2)))


def _lines(value: object, width: float) -> int:
    """Lines ``value`` takes wrapped at ``width`` characters."""
    usable = max(int(width) - 1, 1)
    return max(1, sum(math.ceil(len(line) / usable) or 1 for line in _text(value).split("\n")))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.0f}"
    if isinstance(value, datetime):
        return TIME_FORMAT
    return str(value)


def _solid(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


def _plan_label(summary: PlanSummary) -> str:
    """ "3. Thực hiện Nghị quyết …": the plan's id and what it is about."""
    kind, subject = split_title(summary.title)
    about = subject or kind
    return f"{summary.plan_id}. {about}" if summary.plan_id is not None else about


def sheet_names(wanted: Iterable[str]) -> list[str]:
    """Sheet names Excel accepts for ``wanted``: at most 31 characters, none of
    ``[]:*?/\\``, not starting or ending with an apostrophe, and unique regardless of
    case (a repeated name gets " (2)", " (3)", …)."""
    taken: set[str] = set()
    names: list[str] = []
    for name in wanted:
        base = " ".join(_FORBIDDEN.sub(" ", name).split()).strip("'").strip() or "Sheet"
        unique = base[:MAX_SHEET_NAME].rstrip(" '")
        counter = 1
        while unique.casefold() in taken or unique.casefold() in _RESERVED:
            counter += 1
            suffix = f" ({counter})"
            unique = base[: MAX_SHEET_NAME - len(suffix)].rstrip(" '") + suffix
        taken.add(unique.casefold())
        names.append(unique)
    return names
