"""Recover a plan's layout from its lines: tables and logical paragraphs.

Text pulled out of Word keeps table cells as tabs — either one row per line
with tab-separated cells, or one cell per tab-led line with blank lines between
rows — and hard-wraps long paragraphs. This module turns such lines back into
:class:`Table` blocks and whole paragraphs, so the extractor sees the same
shape whether the plan came as ``.txt`` or ``.docx``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from plans.fields import read_field
from plans.model import Block, Document, Paragraph, Table
from plans.text import BULLET_CLASS, BULLETS, fold, is_caps

HEADER_WORDS = (
    "noi dung",
    "nhiem vu",
    "cong viec",
    "chu tri",
    "phu trach",
    "phoi hop",
    "thoi gian",
    "thoi han",
    "tien do",
    "san pham",
    "ket qua",
    "chi tieu",
    "stt",
    "so thu tu",
    "don vi",
    "co quan",
    "ghi chu",
    "doi tuong",
    "kiem tra",
    "tham muu",
)
_NUMBER_TITLES = frozenset({"tt", "stt", "so tt"})
_MARKER = re.compile(
    rf"^(?:{BULLET_CLASS}\s*|\(?\d{{1,2}}\)|\d{{1,2}}(?:\.\d{{1,2}})*(?:\.|\s*[-–])?\s|[a-zđ]\)\s"
    r"|[IVXL]{1,5}\s*[.\-–/]\s)"
)
_SENTENCE_END = (".", ";", ":", "!", "?", "…", "/.")
_INLINE_DASH = re.compile(r"(?<=[.;:…])\s+-\s*(?=[A-ZĐÀ-Ỹ0-9“\"])")
_WRAP_MIN = 60
_WRAP_SHARE = 0.8
# A line that stops on a comma or a word that needs what follows ("phối hợp với")
# goes on in the next one, whatever its case.
_CARRIES_ON = re.compile(r"(?:,|\b(?:với|và|của|cho|các|những|theo|tại|về|để|từ|đến))$")
ROW_NUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,2})*|[IVXL]{1,5}|[A-ZĐ])\s*[.)]?(?:\s|$)")
"""The number a table row opens with: "1", "2.1", "II", "A"."""


def is_header_cell(text: str) -> bool:
    """True when a cell reads like a task-table column title."""
    folded = fold(text)
    if folded.strip(" .") in _NUMBER_TITLES:
        return True
    return 0 < len(folded) <= 40 and any(word in folded for word in HEADER_WORDS)


def is_header_row(cells: Sequence[str]) -> bool:
    """A row is a header when it names the content column and another column."""
    titled = [c for c in cells if c.strip()]
    hits = sum(is_header_cell(c) for c in titled)
    has_content = any(
        any(w in fold(c) for w in ("noi dung", "nhiem vu", "cong viec", "chi tieu")) for c in titled
    )
    return has_content and hits >= 2 and hits >= len(titled) - 1


@dataclass
class _Line:
    text: str
    number: int = 0

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def tab_led(self) -> bool:
        return self.text.startswith("\t")

    @property
    def piped(self) -> bool:
        stripped = self.text.strip()
        return len(stripped) > 2 and stripped[0] == "|" and stripped[-1] == "|"

    @property
    def bar(self) -> bool:
        return self.text.strip() == "|"

    @property
    def inner_tabs(self) -> bool:
        return "\t" in self.text.strip(" \n")


@dataclass(frozen=True)
class _Wrapping:
    """How a text file's paragraphs were broken into lines.

    ``width`` is the width lines were cut at (None when no line was cut);
    ``blank_separated`` says that a blank line ends every paragraph, so the
    lines between two blank lines are one paragraph or a list of items.
    """

    width: int | None = None
    blank_separated: bool = False


def lay_out(document: Document) -> Document:
    """Return the document with tab layouts as tables and wrapped lines joined."""
    wrapping = _wrapping(document) if document.hard_wrapped else _Wrapping()
    blocks: list[Block] = []
    pending: list[_Line] = []
    for number, block in enumerate(document.blocks, start=1):
        if isinstance(block, Table):
            blocks.extend(_paragraphs(pending, wrapping))
            pending = []
            blocks.append(block)
        else:
            texts = block.text.split("\n")
            if document.hard_wrapped:
                texts = [_without_emphasis(t) for t in texts]
            start = block.line or number
            pending.extend(_Line(t, start + k) for k, t in enumerate(texts))
            if not document.hard_wrapped:
                pending.append(_Line(""))
    blocks.extend(_paragraphs(pending, wrapping))
    return Document(tuple(blocks), document.source_name)


# Markdown emphasis, which text copied from a web page keeps and which may open
# on one line and close on another ("**IV. TỔ CHỨC" / "THỰC HIỆN**"): every "**"
# goes, and so does a "*" hugging a word; a bullet ("* item") stays.
_BOLD = re.compile(r"\*\*+")
_ITALIC = re.compile(r"(?<=\S)\*(?=\s|$|[,.;:])|(?:^|(?<=\s))\*(?=[^\s*])")
_ONLY_MARKS = re.compile(r"^[\s*_]*$")


def _without_emphasis(line: str) -> str:
    if "*" not in line:
        return line
    if _ONLY_MARKS.match(line):
        return ""
    bullet = re.match(r"^\s*\*\s", line)
    text = _BOLD.sub("", line)
    text = _ITALIC.sub("", text)
    if bullet and not text.lstrip().startswith("*"):
        text = "* " + text.lstrip()
    return text


_BLANK_SEPARATED_SHARE = 0.5
_BLANK_SEPARATED_MIN = 10


def _wrapping(document: Document) -> _Wrapping:
    lines = [
        line for block in document.blocks if isinstance(block, Paragraph)
        for line in block.text.split("\n")
    ]
    return _Wrapping(_wrap_width(lines), _blank_separated(lines))


def _blank_separated(lines: Sequence[str]) -> bool:
    """Whether a blank line follows most lines that end a sentence."""
    ends = [
        not following.strip()
        for line, following in itertools.pairwise(lines)
        if line.strip() and line.rstrip().endswith(_SENTENCE_END)
    ]
    return len(ends) >= _BLANK_SEPARATED_MIN and sum(ends) >= _BLANK_SEPARATED_SHARE * len(ends)


def _wrap_width(raw: Sequence[str]) -> int | None:
    """The width a text file's lines were cut at, or None when no line was cut.

    Only a line whose next line carries on in lower case is known to be cut; a
    document without two such lines has one paragraph per line, whatever their
    lengths, so a long heading is not run into the sentence under it.
    """
    lines = [line.strip() for line in raw]
    widths = sorted(
        len(line)
        for line, following in itertools.pairwise(lines)
        if line
        and not line.endswith(_SENTENCE_END)
        and _first_letter(following).islower()
        and not _MARKER.match(following)
    )
    return widths[len(widths) // 2] if len(widths) >= 2 else None


def _first_letter(text: str) -> str:
    return next((c for c in text if c.isalpha()), "")


def _paragraphs(lines: list[_Line], wrapping: _Wrapping) -> list[Block]:
    out: list[Block] = []
    run: list[_Line] = []
    i = 0
    while i < len(lines):
        table, end = _table_at(lines, i, wrapping)
        if table is None:
            run.append(lines[i])
            i += 1
            continue
        out.extend(_join(run, wrapping))
        run = []
        out.append(table)
        i = end
    out.extend(_join(run, wrapping))
    return out


def _table_at(lines: list[_Line], i: int, wrapping: _Wrapping) -> tuple[Table | None, int]:
    line = lines[i]
    if line.bar:
        return _bar_table(lines, i, wrapping)
    if line.piped and is_header_row(_pipe_cells(line.text)):
        return _pipe_table(lines, i)
    if line.inner_tabs and is_header_row(_cells(line.text)):
        return _row_table(lines, i)
    if not line.blank and not line.inner_tabs and is_header_cell(line.text):
        table, end = _bare_cell_table(lines, i)
        if table is not None:
            return table, end
    if line.tab_led:
        count = 0
        while i + count < len(lines) and lines[i + count].tab_led:
            if not is_header_cell(lines[i + count].text):
                break
            count += 1
        if count >= 3:
            return _cell_table(lines, i, count)
    return None, i


def _cells(text: str) -> list[str]:
    return [c.strip() for c in text.rstrip("\n").split("\t")]


def _pipe_cells(text: str) -> list[str]:
    return [c.strip() for c in text.strip()[1:-1].split("|")]


def _pipe_table(lines: list[_Line], i: int) -> tuple[Table, int]:
    """A Markdown table: ``| a | b |`` rows under a ``|---|---|`` rule."""
    rows: list[tuple[str, ...]] = []
    j = i
    while j < len(lines) and lines[j].piped:
        cells = _pipe_cells(lines[j].text)
        if not all(set(c) <= set("-: ") for c in cells) and not (rows and is_header_row(cells)):
            rows.append(tuple(c.replace("<br>", "\n") for c in cells))
        j += 1
    return Table(tuple(rows)), j


_BARE_HEADER_MIN = 3


def _bare_cell_table(lines: list[_Line], i: int) -> tuple[Table | None, int]:
    """A table written one cell per line with nothing between cells (Word saved as
    text): a run of column titles, then rows of as many lines, each opening on its
    number; an empty cell is an empty line. A cell of several lines carries on the
    row's last cell until the next row's number."""
    if _is_title(lines[i].text):
        return None, i
    width = 0
    while i + width < len(lines) and not lines[i + width].blank:
        if not is_header_cell(lines[i + width].text):
            break
        width += 1
    header = [lines[k].text.strip() for k in range(i, i + width)]
    if width < _BARE_HEADER_MIN or not is_header_row(header):
        return None, i
    rows: list[tuple[str, ...]] = [tuple(header)]
    j = i + width
    while j + width <= len(lines) and ROW_NUMBER.match(lines[j].text.strip()):
        texts = [lines[k].text.strip() for k in range(j, j + width)]
        j += width
        while j < len(lines) and not lines[j].blank and not ROW_NUMBER.match(lines[j].text):
            if not _next_row_within(lines, j, width):
                break
            texts.append(lines[j].text.strip())
            j += 1
        rows.append(_wrapped_content(texts, width))
    return (Table(tuple(rows)), j) if len(rows) > 1 else (None, i)


def _is_title(text: str) -> bool:
    """A heading in capitals over a table ("DANH MỤC CHỈ TIÊU"), not a column title."""
    return is_caps(text) and len(text.split()) > _BARE_HEADER_MIN - 1


def _wrapped_content(texts: list[str], width: int) -> tuple[str, ...]:
    """A row read with more lines than cells: the extra lines are the content cell's
    (the second, after the number), which is the one long enough to wrap."""
    extra = len(texts) - width
    if extra <= 0:
        return tuple(texts)
    return (texts[0], " ".join(texts[1 : 2 + extra]), *texts[2 + extra :])


def _next_row_within(lines: list[_Line], j: int, width: int) -> bool:
    """Whether the row goes on to line ``j``: another row opens soon, or the table ends."""
    if j + 1 >= len(lines) or lines[j + 1].blank:
        return True
    return any(
        ROW_NUMBER.match(lines[k].text.strip()) for k in range(j + 1, min(len(lines), j + width))
    )


def _bar_table(lines: list[_Line], i: int, wrapping: _Wrapping) -> tuple[Table | None, int]:
    """A table flattened to runs of cell lines, with a bare ``|`` after each cell.

    A web page copied as text writes ``|`` before a row, between its cells and
    after it; two bars in a row end one row and open the next; a blank line
    right after a bar ends the table. Where no blank line follows, text after
    the last bar is no cell when it would widen a row past the table's width
    (known once a row has ended) or, in a table of one row, when it runs on for
    longer than a cell does.
    """
    rows: list[list[str]] = [[]]
    cell: list[_Line] = []
    end = i + 1
    j = i + 1
    while j < len(lines):
        line = lines[j]
        if line.bar:
            if cell and _past_the_table(rows, cell):
                break
            if cell:
                rows[-1].append(_cell_paragraphs(cell, wrapping))
                cell = []
            elif lines[j - 1].bar and rows[-1]:
                rows.append([])
            end = j + 1
        elif line.blank and lines[j - 1].bar:
            break
        else:
            cell.append(line)
        j += 1
    kept = [row for row in rows if row]
    if not kept:
        return None, i
    width = max(len(row) for row in kept)
    return Table(tuple(tuple(row + [""] * (width - len(row))) for row in kept)), end


_CELL_MAX_LINES = 40


def _past_the_table(rows: list[list[str]], cell: list[_Line]) -> bool:
    """Whether ``cell``, closed by a bar, is the text after the table instead."""
    if len(rows) > 1:
        width = max(len(row) for row in rows[:-1])
        return len(rows[-1]) >= width
    return len(rows[0]) >= 2 and len(cell) > _CELL_MAX_LINES


def _cell_paragraphs(lines: list[_Line], wrapping: _Wrapping) -> str:
    return "\n".join(
        block.text for block in _join(lines, wrapping) if isinstance(block, Paragraph)
    )


def _row_table(lines: list[_Line], i: int) -> tuple[Table, int]:
    header = _cells(lines[i].text)
    rows: list[tuple[str, ...]] = [tuple(header)]
    j = i + 1
    # A header repeated on a new page is dropped, and so is the rest of its wrapped cell.
    in_header = True
    while j < len(lines):
        line = lines[j]
        if line.inner_tabs:
            cells = _cells(line.text)
            in_header = is_header_row(cells)
            if in_header:
                pass
            elif _resumes_row(rows[-1], cells, len(header)):
                rows[-1] = _resumed_row(rows[-1], cells)
            else:
                rows.append(tuple(cells))
            j += 1
        elif line.blank and _next_is_row(lines, j):
            j += 1
        elif not line.blank and rows and _next_is_row(lines, j + 1, blank_ok=False):
            if not in_header or len(rows) == 1:
                rows[-1] = _continue_row(rows[-1], line.text.strip())
            j += 1
        else:
            break
    return Table(tuple(rows)), j


def _next_is_row(lines: list[_Line], j: int, blank_ok: bool = True) -> bool:
    while j < len(lines) and lines[j].blank and blank_ok:
        j += 1
    return j < len(lines) and lines[j].inner_tabs


def _resumes_row(row: Sequence[str], cells: Sequence[str], width: int) -> bool:
    """Whether ``cells`` carry on ``row`` after a cell broken over lines.

    Word writes a cell's paragraphs on lines of their own, so a row whose content
    cell holds two dash items arrives as a short line and a line that starts
    inside that cell; a new row would start with its number or an empty cell.
    """
    first = cells[0]
    return (
        len(row) < width
        and len(row) + len(cells) - 1 <= width
        and first != ""
        and ROW_NUMBER.match(first) is None
        and not is_header_row(row)
    )


def _resumed_row(row: Sequence[str], cells: Sequence[str]) -> tuple[str, ...]:
    joined = f"{row[-1]}\n{cells[0]}" if row[-1] else cells[0]
    return (*row[:-1], joined, *cells[1:])


def _continue_row(row: tuple[str, ...], text: str) -> tuple[str, ...]:
    cells = list(row)
    last = max((k for k, c in enumerate(cells) if c), default=0)
    cells[last] = f"{cells[last]}\n{text}" if cells[last] else text
    return tuple(cells)


def _cell_table(lines: list[_Line], i: int, count: int) -> tuple[Table, int]:
    rows: list[tuple[str, ...]] = [tuple(lines[k].text.strip() for k in range(i, i + count))]
    j = i + count
    while j < len(lines):
        while j < len(lines) and lines[j].blank:
            j += 1
        if j >= len(lines) or not lines[j].tab_led:
            break
        cells: list[str] = []
        while j < len(lines) and not lines[j].blank:
            text = lines[j].text.strip()
            if lines[j].tab_led or not cells:
                cells.append(text)
            else:
                cells[-1] = f"{cells[-1]}\n{text}"
            j += 1
        if not is_header_row(cells):
            rows.append(tuple(cells))
    return Table(tuple(rows)), j


def _join(lines: list[_Line], wrapping: _Wrapping) -> list[Block]:
    """Join hard-wrapped lines into paragraphs; split inline dash items."""
    wrap = wrapping.width
    paragraphs: list[str] = []
    starts: list[int] = []
    after_blank = True
    cut = False
    for line in lines:
        if line.blank or line.bar:
            after_blank = True
            continue
        text = " ".join(line.text.replace("\t", " ").split())
        if paragraphs and _continues(paragraphs[-1], line, text, after_blank, cut, wrapping):
            paragraphs[-1] = f"{paragraphs[-1]} {text}"
        else:
            paragraphs.append(text)
            starts.append(line.number)
        after_blank = False
        cut = wrap is not None and len(text) >= min(_WRAP_MIN, wrap * _WRAP_SHARE)
    return [
        Paragraph(item, line=start)
        for text, start in zip(paragraphs, starts, strict=True)
        for item in _split_inline_items(text)
        if not _LONE_BULLET.match(item) and not _PAGE_NUMBER.match(item)
    ]


# A page's number left between its paragraphs when a document was printed to text.
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")


# A bullet alone on its line opens the item written on the next line.
_LONE_BULLET = re.compile(rf"^{BULLET_CLASS}$")
# An item's mark in a paragraph of blank-separated text: a bullet before a
# capital or a digit ("- xã hội" is a name cut at its hyphen), a number or a
# letter with its punctuation.
_ITEM_MARK = re.compile(
    rf"^(?:{BULLET_CLASS}\s*[^\s{re.escape(BULLETS)}a-zà-ỹđ]|{BULLET_CLASS}$"
    r"|\(?\d{1,2}\)\s|\d{1,2}(?:\.\d{1,2})*\.\s|[a-zđ]\)\s|[IVXL]{1,5}\.\s)"
)


def _continues(
    previous: str, line: _Line, text: str, after_blank: bool, cut: bool, wrapping: _Wrapping
) -> bool:
    """Whether ``text`` carries on the paragraph ``previous``; ``cut`` tells that the
    line before it reached the width the document was wrapped at."""
    if _LONE_BULLET.match(previous):
        return True
    if _PAGE_NUMBER.match(previous) or _PAGE_NUMBER.match(text):
        return False
    if wrapping.blank_separated and not after_blank:
        return not _ITEM_MARK.match(text)
    if not after_blank and _stub(previous) and _full(text, wrapping):
        return True
    if _MARKER.match(text) or is_caps(text) or read_field(text) is not None:
        return False
    if _first_letter(text).islower():
        return not previous.endswith(_SENTENCE_END) or not after_blank
    indented = line.text[:1] in (" ", "\t")
    if not after_blank and _CARRIES_ON.search(previous):
        return True
    return (
        cut
        and not after_blank
        and not indented
        and not previous.endswith(_SENTENCE_END)
        and not is_caps(previous)
    )


def _stub(paragraph: str) -> bool:
    """A paragraph's first word alone on its line ("Bộ", "- Chịu"), as a web page
    copied as text breaks it off before the lines cut at the page's width."""
    words = re.sub(rf"^{BULLET_CLASS}\s*", "", paragraph).split()
    return len(words) == 1 and not paragraph.endswith(_SENTENCE_END) and not is_caps(paragraph)


def _full(text: str, wrapping: _Wrapping) -> bool:
    return wrapping.width is not None and len(text) >= wrapping.width * _WRAP_SHARE


def _split_inline_items(text: str) -> list[str]:
    parts = _INLINE_DASH.split(text)
    return [parts[0], *(f"- {p}" for p in parts[1:])]
