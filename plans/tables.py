"""Tasks from task tables ("NHIỆM VỤ CỤ THỂ", "BẢNG TIẾN ĐỘ", appendices).

Columns are found by their header cells whatever the exact wording; rows whose
cells slid one column to the left (a time in the "phối hợp" column, say) are
put back; section rows (I, II …) give the tasks their reference; a content cell
holding several dash items gives one task per item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from plans.layout import ROW_NUMBER, is_header_row
from plans.model import ExtractedTask, Table, Timeframe, TimeKind
from plans.text import BULLET_CLASS, fold, squash
from plans.timeframes import parse_timeframe, scan_timeframe
from plans.units import split_roles, split_units

_ROMAN_ROW = re.compile(r"^([IVXL]{1,5}|[A-HK])\s*[.\-–/)]?(?:\s+(\S.*))?$")
_MERGED_NUMBER = re.compile(r"^(\d{1,2}|[A-ZĐ]|[IVXL]{1,5})\s*[.)/-]")
_ITEM_SPLIT = re.compile(rf"(?:^|\n|(?<=[.;])\s+)\s*{BULLET_CLASS.replace('*', '')}\s*")


@dataclass(frozen=True)
class Columns:
    """Where each kind of cell sits in a task table."""

    number: int | None
    content: int
    lead: int | None
    support: int | None
    time: int | None
    target: int | None


_COLUMN_CUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("support", ("phoi hop",)),
    ("time", ("thoi gian", "thoi han", "tien do", "hoan thanh", "moc")),
    ("lead", ()),
    ("target", ("san pham", "ket qua", "chi tieu")),
    ("content", ("noi dung", "nhiem vu", "cong viec")),
    ("number", ("stt", "so thu tu", "tt", "so")),
)
# The lead column, best cue first: an office that leads or advises outranks a
# generic "đơn vị"/"phụ trách" column; a column of leaders' names never leads.
_LEAD_CUES = (
    "chu tri",
    "tham muu",
    "doan kiem tra",
    "thuc hien",
    "don vi",
    "co quan",
    "trach nhiem",
    "phu trach",
)
_PERSON_COLUMN = ("lanh dao", "nguoi ", "ca nhan")


def find_columns(header: Sequence[str]) -> Columns | None:
    """Map a header row to columns; None when it has no content column."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        folded = fold(cell)
        for name, cues in _COLUMN_CUES:
            if name not in found and any(_cue_in(c, folded) for c in cues):
                found[name] = index
                break
    if (
        "content" not in found
        and "target" in found
        and _cue_in("chi tieu", fold(header[found["target"]]))
    ):
        # A target table: "Chỉ tiêu" is what is to be reached, "Kết quả" its value.
        found["content"] = found.pop("target")
        result = _column_with(header, ("ket qua", "gia tri", "muc tieu"), set(found.values()))
        if result is not None:
            found["target"] = result
    if "content" not in found:
        return None
    lead = _lead_column(header, set(found.values()))
    if lead is not None:
        found["lead"] = lead
    return Columns(
        number=found.get("number"),
        content=found["content"],
        lead=found.get("lead"),
        support=found.get("support"),
        time=found.get("time"),
        target=found.get("target"),
    )


def _column_with(header: Sequence[str], cues: Sequence[str], taken: set[int]) -> int | None:
    return next(
        (
            i
            for i, cell in enumerate(header)
            if i not in taken and any(_cue_in(c, fold(cell)) for c in cues)
        ),
        None,
    )


def _lead_column(header: Sequence[str], taken: set[int]) -> int | None:
    ranked = [
        (rank, index)
        for index, cell in enumerate(header)
        if index not in taken and not fold(cell).startswith(_PERSON_COLUMN)
        for rank, cue in enumerate(_LEAD_CUES)
        if _cue_in(cue, fold(cell))
    ]
    return min(ranked)[1] if ranked else None


def _cue_in(cue: str, folded: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(cue)}(?![a-z])", folded) is not None


def table_tasks(table: Table, appendix: int) -> list[ExtractedTask]:
    """Every task a table holds (none when it is not a task table)."""
    rows = list(table.rows)
    start = next((i for i, row in enumerate(rows) if is_header_row(row)), None)
    if start is None:
        return []
    columns = find_columns(rows[start])
    if columns is None:
        return []
    tasks: list[ExtractedTask] = []
    section = ""
    section_time: Timeframe | None = None
    prefix = "PL" if appendix <= 1 else f"PL{appendix}"
    body = [_pad(row, len(rows[start])) for row in rows[start + 1 :]]
    for index, cells in enumerate(body):
        following = body[index + 1] if index + 1 < len(body) else []
        heading = _section_of(cells, columns)
        if heading is not None:
            section_time = _section_time(cells)
        else:
            heading = _numbered_group(cells, columns, following)
        if heading is not None:
            section = heading
            continue
        number = _cell(cells, columns.number).strip()
        # "2.1" numbers the row in full, and so does "3." after the numbered group
        # "2."; "1" counts within the section row above.
        full = "." in number.strip(" .") or (section.isdigit() and number.endswith("."))
        ref = prefix if full or not section else f"{prefix}.{section}"
        row = _row_tasks(cells, columns, ref)
        if section_time is not None:
            row = [_timed(task, section_time) for task in row]
        tasks.extend(row)
    return tasks


def _section_time(cells: list[str]) -> Timeframe | None:
    """The time a section row gives its rows ("II | Đến năm 2045")."""
    title = next((c for c in cells[1:] if c), "")
    when = parse_timeframe(title)
    return when if when.kind is TimeKind.ONCE else None


def _timed(task: ExtractedTask, section_time: Timeframe) -> ExtractedTask:
    if task.when.kind in (TimeKind.UNSPECIFIED, TimeKind.CONTINUOUS) and not task.when.text:
        task.when = section_time
    return task


def _pad(row: Sequence[str], width: int) -> list[str]:
    cells = ["\n".join(line for part in c.split("\n") if (line := squash(part))) for c in row]
    return (cells + [""] * width)[: max(width, len(cells))]


def _section_of(cells: list[str], columns: Columns) -> str | None:
    filled = [c for i, c in enumerate(cells) if c and (i == 0 or c != cells[i - 1])]
    if not filled or len(filled) > 2:
        return None
    m = _ROMAN_ROW.match(filled[0])
    if m is None:
        return _merged_heading(cells)
    if len(filled) == 2 and _cell(cells, columns.content) != filled[1]:
        return None
    return m.group(1)


def _merged_heading(cells: list[str]) -> str | None:
    """A row merged across the whole table ("1. Bước chuẩn bị") heads the rows under it."""
    if len(cells) < 3 or len(set(cells)) != 1:
        return None
    m = _MERGED_NUMBER.match(cells[0])
    return m.group(1) if m else ""


def _numbered_group(cells: list[str], columns: Columns, following: list[str]) -> str | None:
    """An Arabic-numbered row heading the rows under it ("2." over "2.1", "2.2")."""
    number = _cell(cells, columns.number).strip()
    filled = {i for i, c in enumerate(cells) if c and c != _cell(cells, columns.content)}
    if not number or filled - {columns.number}:
        return None
    label = number.rstrip(".")
    child = _cell(following, columns.number).strip()
    if label.isdigit() and child.startswith(f"{label}.") and child.rstrip(".") != label:
        return label
    return None


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _row_tasks(cells: list[str], columns: Columns, ref: str) -> list[ExtractedTask]:
    content = _cell(cells, columns.content)
    if not content or not any(c.isalpha() for c in content):
        return []
    number = _cell(cells, columns.number).strip(" .")
    if number and not ROW_NUMBER.match(number) and columns.number != columns.content:
        return []  # what follows the table on a web page, caught in its last rows
    lead_text, support_text, time_text = _realign(cells, columns)
    row_ref = f"{ref}.{number}" if number else ref
    when = _when(time_text, content)
    target = _target(_cell(cells, columns.target))
    lead, also_support = split_roles(lead_text)
    support = [*also_support, *split_units(support_text)]
    return [
        ExtractedTask(row_ref, item, list(lead), list(support), when, target, origin="table")
        for item in split_items(content)
    ]


def _realign(cells: list[str], columns: Columns) -> tuple[str, str, str]:
    """Put back a time that slid into a unit column of a row with cells missing."""
    lead = _cell(cells, columns.lead)
    support = _cell(cells, columns.support)
    time = _cell(cells, columns.time)
    if time:
        return lead, support, time
    if support and _reads_as_time(support):
        return lead, "", support
    if lead and _reads_as_time(lead):
        return "", support, lead
    return lead, support, time


def _reads_as_time(text: str) -> bool:
    return parse_timeframe(text).kind is not TimeKind.UNSPECIFIED


def _when(time_text: str, content: str) -> Timeframe:
    when = parse_timeframe(time_text)
    in_content = scan_timeframe(content)
    if in_content is not None and in_content.kind is TimeKind.CONDITIONAL:
        return Timeframe(
            text=squash(f"{time_text} ({in_content.text})") if time_text else in_content.text,
            kind=TimeKind.CONDITIONAL,
        )
    if when.kind is TimeKind.UNSPECIFIED and in_content is not None:
        return in_content
    return when


def _target(text: str) -> str | None:
    items = split_items(text)
    return "; ".join(items) if items else None


def split_items(text: str) -> list[str]:
    """Dash items of a cell ("- A\\n- B", "- A. - B"), or the cell as one item."""
    parts = [squash(p) for p in _ITEM_SPLIT.split(text)]
    items = [p for p in parts if p and any(c.isalpha() for c in p)]
    return items or ([squash(text)] if squash(text) else [])
