"""Write real .docx files with python-docx, for tests of the plan readers."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.table import Table as WordTable
from docx.table import _Row
from docx.text.paragraph import Paragraph as WordParagraph

from plans.model import Document, Paragraph, Table

MERGES_TITLE = "PHỤ LỤC NHIỆM VỤ CỤ THỂ"
MERGES_HEADER = ("TT", "Nội dung", "Chủ trì", "Thời gian")
MERGES_LEAD = "Ban Tuyên giáo"


def build_docx(document: Document, path: Path) -> None:
    """Write ``document`` as a Word file: paragraphs and real tables, in order.

    A ``\\n`` inside a paragraph becomes a line break; inside a table cell it
    starts a new paragraph of that cell.
    """
    word = docx.Document()
    for block in document.blocks:
        if isinstance(block, Paragraph):
            _fill_paragraph(word.add_paragraph(), block.text)
        else:
            _fill_table(word.add_table(rows=len(block.rows), cols=_width(block)), block)
    word.save(str(path))


def build_docx_with_merges(path: Path) -> None:
    """Write a plan appendix table with the merges Word users make.

    Rows: a title merged across all four columns; the column header; two tasks
    sharing a lead unit through a vertical merge; the header repeated (as when
    a table is pasted across a page break); a third task. The title and header
    rows are marked to repeat on each page. A paragraph comes before and after.
    """
    word = docx.Document()
    word.add_paragraph("KẾ HOẠCH")
    table = word.add_table(rows=6, cols=4)
    title = table.cell(0, 0).merge(table.cell(0, 3))
    title.text = MERGES_TITLE
    _fill_row(table, 1, MERGES_HEADER)
    _fill_row(table, 2, ("1", "Tuyên truyền Nghị quyết", "", "Quý I/2026"))
    _fill_row(table, 3, ("2", "Tổ chức hội nghị học tập", "", "Năm 2026"))
    lead = table.cell(2, 2).merge(table.cell(3, 2))
    lead.text = MERGES_LEAD
    _fill_row(table, 4, MERGES_HEADER)
    _fill_row(table, 5, ("3", "Báo cáo kết quả", "Văn phòng", "Thường xuyên"))
    for row in table.rows[:2]:
        mark_header_row(row)
    word.add_paragraph("Nơi nhận:")
    word.save(str(path))


def mark_header_row(row: _Row) -> None:
    """Mark a row to repeat at the top of each page (``w:tblHeader``)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _width(table: Table) -> int:
    return max((len(row) for row in table.rows), default=1)


def _fill_paragraph(paragraph: WordParagraph, text: str) -> None:
    lines = text.split("\n")
    run = paragraph.add_run(lines[0])
    for line in lines[1:]:
        run.add_break()
        run = paragraph.add_run(line)


def _fill_table(word_table: WordTable, table: Table) -> None:
    for index, row in enumerate(table.rows):
        _fill_row(word_table, index, row)


def _fill_row(word_table: WordTable, index: int, texts: tuple[str, ...]) -> None:
    for column, text in enumerate(texts):
        cell = word_table.cell(index, column)
        first, *rest = text.split("\n")
        cell.paragraphs[0].text = first
        for line in rest:
            cell.add_paragraph(line)
