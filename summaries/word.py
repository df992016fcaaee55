"""The Word report: an editable draft of "BÁO CÁO Kết quả thực hiện Kế hoạch …".

Laid out as Vietnamese Party documents are: the issuing body and the document number
on the left and "ĐẢNG CỘNG SẢN VIỆT NAM" with the place and date on the right (a
table without borders), the centred title, three sections — I. results (the numbers
as sentences, then by unit), II. limitations and difficulties (problems by unit,
overdue and silent units), III. tasks ahead (overdue work and coming deadlines) —,
the signature block, and the task table as an appendix on landscape pages. Times New
Roman 14 pt on A4 with the usual margins (top and bottom 2 cm, left 3 cm, right
1.5 cm). Section headings use Word's "Heading 1" style, so they show in the
navigation pane and can be found by programs.

Everything the office will want to reword is plain paragraphs and bullets.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import docx
from babel.numbers import format_percent
from docx.document import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from plans.text import clip
from scheduling.calendar import DEFAULT_TZ
from summaries.deadlines import people_date
from summaries.model import PlanSummary, TaskRow, UnitRollup
from summaries.status import StatusCounts, TaskStatus
from summaries.tasks import (
    COLUMNS,
    NAME_SEPARATOR,
    STATUS_FILLS,
    local_time,
    split_title,
    status_labels,
)

# Words of the layout that exist only in Vietnamese Party documents.
NATION = "ĐẢNG CỘNG SẢN VIỆT NAM"
STAR = "*"
NUMBER_LINE = "Số: …-BC/{code}"
ON_BEHALF = "T/M {body}"
SIGNER = "BÍ THƯ"
RECIPIENTS = "Nơi nhận:"
RECIPIENT_LINES = ("- …………………,", "- Lưu Văn phòng.")
BLANK = "……"


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; it is translated where it is used."""
    return message


DATE_LINE = N_("{place}, on {day}/{month}/{year}")
TITLE = N_("REPORT")
ABOUT = N_("Results of implementing {kind}")
ABOUT_NUMBER = N_("No. {number}")
ABOUT_SUBJECT = N_("on {subject}")
RESULTS = N_("I. RESULTS")
LIMITATIONS = N_("II. LIMITATIONS, DIFFICULTIES AND OBSTACLES")
AHEAD = N_("III. TASKS AHEAD")
APPENDIX = N_("APPENDIX")
APPENDIX_TITLE = N_("Tasks and how far they got")

EXPECTED = N_("As of {date}, assignments that have come due: {expected}, across {units} units.")
DONE_SENTENCE = N_(
    "Done: {done} ({share}), of which on time: {on_time}, late: {late}; "
    "in progress: {in_progress}; overdue, not done: {overdue}."
)
AVERAGE_SENTENCE = N_("Average progress of the work under way: {average}.")
NOT_REPORTED_SENTENCE = N_("Not reported on yet: {count}.")
CHECKINS_SENTENCE = N_(
    "Ongoing tasks: {reported} of {expected} assignments reported in the period ({share})."
)
DORMANT_SENTENCE = N_("Tasks waiting for their condition before they start: {count}.")
CHANGE_SENTENCE = N_("Since the last report: done {done}, overdue {overdue}.")
BY_UNIT = N_("Results by unit:")
UNIT_LINE = N_(
    "{unit}: {done} of {expected} done ({share}); in progress: {in_progress}; overdue: {overdue}."
)
UNIT_CHECKINS = N_("{unit}: ongoing tasks, {reported} of {expected} reported in the period.")
PROBLEMS_HEADING = N_("Difficulties and obstacles the units reported:")
MORE_PROBLEMS = N_("… and {count} more reported.")
NO_PROBLEMS = N_("No unit reported difficulties or obstacles.")
OVERDUE_UNITS = N_("Units with overdue work: {units}.")
SILENT_UNITS = N_("Units that did not report: {units}.")
OVERDUE_TASKS = N_("Complete the overdue tasks:")
UPCOMING_TASKS = N_("Tasks coming due:")
TASK_LINE = N_("{task} ({units}; deadline: {deadline})")
MORE_TASKS = N_("… and {count} more (see the appendix).")
NOTHING_AHEAD = N_("No overdue task and no deadline in the coming months.")

PROBLEM_LINE = "{task}: {problem} ({date})"

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
TABLE_SIZE = Pt(11)
SMALL_SIZE = Pt(12)

A4 = (Cm(21), Cm(29.7))
MARGINS = {"top": Cm(2), "bottom": Cm(2), "left": Cm(3), "right": Cm(1.5)}
HEADER_WIDTHS = (Cm(7), Cm(9.5))
APPENDIX_WIDTHS = tuple(Cm(width) for width in (1.1, 6.4, 3.0, 3.0, 2.3, 2.6, 1.6, 3.2, 2.0))
"""Widths of the appendix columns on a landscape A4 page (25.2 cm between margins)."""

UPCOMING_DAYS = 90
"""How far ahead section III looks for deadlines."""

MAX_LISTED = 30
"""Tasks listed under each part of section III; the appendix has them all."""

MAX_DEADLINES = 4
"""Periods named for one task in section III; the appendix lists them all."""

CONTENT_WIDTH = 200
"""Characters of a task's text quoted in the body of the report."""

_LOCALITY = re.compile(
    r"\b(?:(?P<committee>(?:huyện|tỉnh|thành|quận|thị)\s+ủy)"
    r"|xã|phường|thị trấn|thị xã|huyện|quận|thành phố|tỉnh)\s+(?!ủy\b)(?P<name>.+)$",
    re.IGNORECASE,
)
"""The locality at the end of an issuer's name: "… xã Liên Minh", "… Huyện ủy Mường Tè"."""
_COUNCIL = re.compile(r"^ban\s+\S+\s+\S+", re.IGNORECASE)


def report_docx(
    summary: PlanSummary,
    rows: Sequence[TaskRow],
    *,
    place: str | None,
    today: date,
    translations: gettext.NullTranslations,
    language: str = "vi",
    tz: ZoneInfo = DEFAULT_TZ,
) -> bytes:
    """The report on ``summary`` with ``rows`` as its appendix, dated ``today`` at
    ``place`` (by default the locality of the issuer, else "……"), as .docx bytes."""
    writer = _Writer(translations, language, tz)
    writer.header(summary, place, today)
    writer.title(summary)
    writer.results(summary)
    writer.limitations(summary)
    writer.ahead(rows, today)
    writer.signature(summary)
    writer.appendix(rows)
    return writer.save()


def place_of(issuer: str | None) -> str | None:
    """The locality an issuing body is named after: "Đảng ủy xã Liên Minh" → "Liên Minh"."""
    match = _LOCALITY.search(" ".join((issuer or "").split()))
    return match["name"] if match is not None else None


def document_date(place: str, day: date, gettext_: gettext.NullTranslations) -> str:
    """ "Liên Minh, ngày 05 tháng 02 năm 2026": days before the 10th and the first two
    months are written with two digits, as Vietnamese official documents require."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return gettext_.gettext(DATE_LINE).format(
        place=place, day=f"{day.day:02d}", month=month, year=day.year
    )


class _Writer:
    """Builds the document part by part, in the reader's language."""

    def __init__(self, translations: gettext.NullTranslations, language: str, tz: ZoneInfo):
        self._t = translations
        self._language = language
        self._tz = tz
        self.document: Document = docx.Document()
        self._set_up()

    # ------------------------------------------------------------------ parts

    def header(self, summary: PlanSummary, place: str | None, today: date) -> None:
        table = self._borderless(2, HEADER_WIDTHS)
        left, right = table.rows[0].cells
        issuer = " ".join((summary.issuer or BLANK).split()).upper()
        self._centred(left, issuer, bold=True, first=True)
        self._centred(left, STAR)
        self._centred(left, NUMBER_LINE.format(code=_issuer_code(summary.issuer)), size=SMALL_SIZE)
        run = self._centred(right, NATION, bold=True, first=True)
        run.underline = True
        where = place or place_of(summary.issuer) or BLANK
        self._centred(right, document_date(where, today, self._t), italic=True)

    def title(self, summary: PlanSummary) -> None:
        self._paragraph(self._t.gettext(TITLE), bold=True, centred=True, size=Pt(16), before=18)
        self._paragraph(_about(summary, self._t), bold=True, centred=True)
        self._paragraph("-----", centred=True)

    def results(self, summary: PlanSummary) -> None:
        _ = self._t.gettext
        self._heading(_(RESULTS))
        counts = summary.counts
        self._body(
            _(EXPECTED).format(
                date=people_date(summary.as_of, self._language),
                expected=counts.expected,
                units=len(summary.units),
            )
        )
        self._body(
            _(DONE_SENTENCE).format(
                done=counts.done,
                share=self._share(counts.percent_done),
                on_time=counts.done_on_time,
                late=counts.done_late,
                in_progress=counts.in_progress,
                overdue=counts.overdue,
            )
        )
        if counts.average_percent is not None:
            average = self._share(counts.average_percent)
            self._body(_(AVERAGE_SENTENCE).format(average=average))
        if counts.not_reported:
            self._body(_(NOT_REPORTED_SENTENCE).format(count=counts.not_reported))
        checkins = summary.checkins
        if checkins.expected:
            self._body(
                _(CHECKINS_SENTENCE).format(
                    reported=checkins.reported,
                    expected=checkins.expected,
                    share=self._share(checkins.percent),
                )
            )
        if summary.dormant:
            self._body(_(DORMANT_SENTENCE).format(count=len(summary.dormant)))
        if summary.previous is not None:
            self._body(_change(counts, summary.previous, self._t))
        if summary.units:
            self._body(_(BY_UNIT))
            for unit in summary.units:
                self._bullet(self._unit_line(unit))

    def limitations(self, summary: PlanSummary) -> None:
        _ = self._t.gettext
        self._heading(_(LIMITATIONS))
        if not summary.problems:
            self._body(_(NO_PROBLEMS))
        else:
            self._body(_(PROBLEMS_HEADING))
            for unit in summary.problems:
                self._body(f"{unit.unit_name}:", bold=True)
                for problem in unit.problems:
                    when = local_time(problem.reported_at, self._tz).date()
                    line = PROBLEM_LINE.format(
                        task=clip(problem.task_content, CONTENT_WIDTH),
                        problem=" ".join(problem.problem.split()),
                        date=people_date(when, self._language),
                    )
                    self._bullet(line)
                if unit.more:
                    self._bullet(_(MORE_PROBLEMS).format(count=unit.more))
        overdue = [unit for unit in summary.units if unit.counts.overdue]
        if overdue:
            names = ", ".join(f"{unit.unit_name} ({unit.counts.overdue})" for unit in overdue)
            self._body(_(OVERDUE_UNITS).format(units=names))
        if summary.silent_units:
            self._body(_(SILENT_UNITS).format(units=", ".join(summary.silent_units)))

    def ahead(self, rows: Sequence[TaskRow], today: date) -> None:
        _ = self._t.gettext
        self._heading(_(AHEAD))
        overdue = [row for row in rows if row.status is TaskStatus.OVERDUE]
        horizon = today + timedelta(days=UPCOMING_DAYS)
        upcoming = sorted(
            (
                row
                for row in rows
                if row.status is TaskStatus.IN_PROGRESS
                and row.due is not None
                and today <= row.due <= horizon
            ),
            key=lambda row: (row.due or today, row.number),
        )
        if not overdue and not upcoming:
            self._bullet(_(NOTHING_AHEAD))
        for heading, listed in ((OVERDUE_TASKS, overdue), (UPCOMING_TASKS, upcoming)):
            tasks = _by_task(listed)
            if not tasks:
                continue
            self._body(_(heading))
            for first, deadlines in tasks[:MAX_LISTED]:
                self._bullet(
                    _(TASK_LINE).format(
                        task=clip(first.content, CONTENT_WIDTH),
                        units=NAME_SEPARATOR.join(first.lead) or BLANK,
                        deadline=_deadlines(deadlines),
                    )
                )
            if len(tasks) > MAX_LISTED:
                self._bullet(_(MORE_TASKS).format(count=len(tasks) - MAX_LISTED))

    def signature(self, summary: PlanSummary) -> None:
        self._paragraph("")
        table = self._borderless(2, HEADER_WIDTHS)
        left, right = table.rows[0].cells
        recipients = self._cell_paragraph(left, first=True)
        run = recipients.add_run(RECIPIENTS)
        run.bold = run.italic = True
        run.font.size = SMALL_SIZE
        for line in RECIPIENT_LINES:
            paragraph = self._cell_paragraph(left)
            paragraph.add_run(line).font.size = Pt(11)
        self._centred(right, ON_BEHALF.format(body=_council(summary.issuer)), bold=True, first=True)
        self._centred(right, SIGNER, bold=True)
        for _ in range(3):
            self._centred(right, "")
        self._centred(right, BLANK, bold=True)

    def appendix(self, rows: Sequence[TaskRow]) -> None:
        _ = self._t.gettext
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = A4[1], A4[0]
        self._paragraph(_(APPENDIX), bold=True, centred=True)
        self._paragraph(_(APPENDIX_TITLE), bold=True, centred=True, after=6)
        table = self.document.add_table(rows=1, cols=len(COLUMNS))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for cell, header in zip(table.rows[0].cells, COLUMNS, strict=True):
            self._table_text(cell, _(header), bold=True, centred=True)
            _shade(cell, "D9D9D9")
        _repeat_as_header(table)
        labels = status_labels(_)
        for row in rows:
            cells = table.add_row().cells
            for index, text in enumerate(self._row_texts(row, labels[row.status])):
                self._table_text(cells[index], text, centred=index in (0, 6))
            _shade(cells[5], STATUS_FILLS[row.status])
        for row_cells in table.rows:
            for cell, width in zip(row_cells.cells, APPENDIX_WIDTHS, strict=True):
                cell.width = width

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()

    # ------------------------------------------------------------------ pieces

    def _row_texts(self, row: TaskRow, status: str) -> list[str]:
        updated = ""
        if row.last_report_at is not None:
            local = local_time(row.last_report_at, self._tz)
            updated = f"{people_date(local.date(), self._language)} {local:%H:%M}"
        return [
            row.number,
            row.content,
            NAME_SEPARATOR.join(row.lead),
            NAME_SEPARATOR.join(row.support),
            row.deadline,
            status,
            f"{row.percent:.0f}" if row.percent is not None else "",
            "\n".join(row.problems),
            updated,
        ]

    def _unit_line(self, unit: UnitRollup) -> str:
        _ = self._t.gettext
        counts = unit.counts
        if counts.expected or not unit.checkins.expected:
            return _(UNIT_LINE).format(
                unit=unit.unit_name,
                done=counts.done,
                expected=counts.expected,
                share=self._share(counts.percent_done),
                in_progress=counts.in_progress,
                overdue=counts.overdue,
            )
        return _(UNIT_CHECKINS).format(
            unit=unit.unit_name, reported=unit.checkins.reported, expected=unit.checkins.expected
        )

    def _share(self, percent: float | None) -> str:
        if percent is None:
            return "–"
        return format_percent(percent / 100, "#,##0.#%", locale=self._language)

    def _set_up(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4
        for side, length in MARGINS.items():
            setattr(section, f"{side}_margin", length)
        normal = self._style("Normal")
        normal.font.size = BODY_SIZE
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.15
        heading = self._style("Heading 1")
        heading.font.size = BODY_SIZE
        heading.font.bold = True
        heading.font.color.rgb = RGBColor(0, 0, 0)
        heading.paragraph_format.space_before = Pt(12)
        heading.paragraph_format.space_after = Pt(6)
        self._style("List Bullet")

    def _style(self, name: str) -> ParagraphStyle:
        style = self.document.styles[name]
        assert isinstance(style, ParagraphStyle)  # the default template's paragraph styles
        _use_font(style)
        return style

    def _heading(self, text: str) -> None:
        self.document.add_heading(text, level=1)

    def _body(self, text: str, *, bold: bool = False) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1.27)
        paragraph.add_run(text).bold = bold or None

    def _bullet(self, text: str) -> None:
        paragraph = self.document.add_paragraph(text, style="List Bullet")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    def _paragraph(
        self,
        text: str,
        *,
        bold: bool = False,
        centred: bool = False,
        size: Length | None = None,
        before: float | None = None,
        after: float | None = None,
    ) -> None:
        paragraph = self.document.add_paragraph()
        if centred:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if before is not None:
            paragraph.paragraph_format.space_before = Pt(before)
        if after is not None:
            paragraph.paragraph_format.space_after = Pt(after)
        run = paragraph.add_run(text)
        run.bold = bold or None
        if size is not None:
            run.font.size = size

    def _borderless(self, columns: int, widths: Sequence[Length]) -> Table:
        table: Table = self.document.add_table(rows=1, cols=columns)
        table.autofit = False
        _no_borders(table)
        for cell, width in zip(table.rows[0].cells, widths, strict=True):
            cell.width = width
        return table

    def _cell_paragraph(self, cell: _Cell, *, first: bool = False) -> Paragraph:
        paragraph: Paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        return paragraph

    def _centred(
        self,
        cell: _Cell,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        size: Length | None = None,
        first: bool = False,
    ) -> Run:
        paragraph = self._cell_paragraph(cell, first=first)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        if size is not None:
            run.font.size = size
        return run

    def _table_text(
        self, cell: _Cell, text: str, *, bold: bool = False, centred: bool = False
    ) -> None:
        for index, line in enumerate(text.split("\n")):
            paragraph = self._cell_paragraph(cell, first=index == 0)
            paragraph.paragraph_format.line_spacing = 1.0
            if centred:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(line)
            run.font.size = TABLE_SIZE
            run.bold = bold or None


# --------------------------------------------------------------------------- wording


def _about(summary: PlanSummary, translations: gettext.NullTranslations) -> str:
    """ "Kết quả thực hiện Kế hoạch số 18-KH/ĐU về thực hiện Nghị quyết …"."""
    _ = translations.gettext
    kind, subject = split_title(summary.title)
    parts = [_(ABOUT).format(kind=kind)]
    if summary.number:
        parts.append(_(ABOUT_NUMBER).format(number=summary.number))
    if subject:
        # "Thực hiện Nghị quyết" continues the sentence: "… về thực hiện Nghị quyết".
        if len(subject) > 1 and subject[1].islower():
            subject = subject[0].lower() + subject[1:]
        parts.append(_(ABOUT_SUBJECT).format(subject=subject))
    return " ".join(parts)


def _by_task(rows: Sequence[TaskRow]) -> list[tuple[TaskRow, list[str]]]:
    """The rows of each task together (a recurring task has one per period), in the order
    the tasks first come, each with the deadlines of its rows."""
    tasks: dict[tuple[str, str, tuple[str, ...]], tuple[TaskRow, list[str]]] = {}
    for row in rows:
        key = (row.number, row.content, tuple(row.lead))
        tasks.setdefault(key, (row, []))[1].append(row.deadline or BLANK)
    return list(tasks.values())


def _deadlines(deadlines: Sequence[str]) -> str:
    """ "Tháng 1/2026, Tháng 2/2026, …, Tháng 6/2026": a long run of periods is cut in
    the middle, keeping the first and the latest."""
    if len(deadlines) <= MAX_DEADLINES:
        return ", ".join(deadlines)
    return ", ".join([*deadlines[: MAX_DEADLINES - 2], "…", deadlines[-1]])


def _change(now: StatusCounts, before: StatusCounts, translations: gettext.NullTranslations) -> str:
    return translations.gettext(CHANGE_SENTENCE).format(
        done=_signed(now.done - before.done), overdue=_signed(now.overdue - before.overdue)
    )


def _signed(number: int) -> str:
    return f"+{number}" if number > 0 else f"−{-number}" if number < 0 else "0"


def _issuer_code(issuer: str | None) -> str:
    """The issuer's part of a document number: "ĐU" for a Party committee of a commune."""
    folded = (issuer or "").casefold()
    for words, code in (
        ("huyện ủy", "HU"),
        ("tỉnh ủy", "TU"),
        ("đảng ủy", "ĐU"),
        ("đảng bộ", "ĐU"),
    ):
        if words in folded:
            return code
    return BLANK


def _council(issuer: str | None) -> str:
    """Who signs on behalf of the issuer: "Ban Thường vụ Đảng ủy xã X" → "BAN THƯỜNG VỤ",
    "Đảng ủy xã X" → "ĐẢNG ỦY", "Huyện ủy X" → "HUYỆN ỦY"."""
    body = " ".join((issuer or "").split())
    match = _LOCALITY.search(body)
    if match is not None:
        body = f"{body[: match.start()]} {match['committee'] or ''}".strip()
    council = _COUNCIL.match(body)
    if council is not None:
        body = council[0]
    return body.upper() or BLANK


# --------------------------------------------------------------------------- XML details


def _use_font(style: ParagraphStyle) -> None:
    """Times New Roman for every script of ``style``, instead of the template's theme fonts."""
    style.font.name = FONT
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _shade(cell: _Cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_as_header(table: Table) -> None:
    """The first row repeats at the top of every page the table runs over."""
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
