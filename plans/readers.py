"""Read plan files into a :class:`~plans.model.Document`, dispatching on the suffix.

Text files (.txt, .md) become one :class:`Paragraph` per line, with tabs and
blank lines kept exactly, because the extractor rebuilds tables from the tab
layout of text pulled out of Word. Word files (.docx, and old .doc converted to
it) and web pages (.htm, .html: Word's "Save as Web Page" or a saved page)
become paragraphs and tables in document order, with merged cells repeated so
that every row is as wide as its table. A PDF's text layer becomes one
paragraph per printed line (:mod:`plans.read_pdf`).

Every failure raises :class:`PlanReadError` with a machine-readable ``code`` and
``params``; turning it into a message for people is the caller's job.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePath
from typing import Any

import docx
from docx.oxml.ns import qn

from plans.docx_numbering import number_paragraphs
from plans.model import Block, Document, Paragraph, Table
from plans.read_base import (
    PlanReadError,
    ReadErrorCode,
    block_has_text,
    decode_text,
    flatten_rows,
    grid_table,
    normalise_text,
)
from plans.read_doc import convert_doc_to_docx
from plans.read_html import HTML_SUFFIXES, read_html_blocks
from plans.read_pdf import read_pdf_blocks

__all__ = [
    "DOCX_SUFFIX",
    "DOC_SUFFIX",
    "HTML_SUFFIXES",
    "MAX_DOCX_UNPACKED_BYTES",
    "MAX_PLAN_BYTES",
    "PDF_SUFFIX",
    "SUPPORTED_SUFFIXES",
    "TEXT_SUFFIXES",
    "PlanReadError",
    "ReadErrorCode",
    "decode_text",
    "read_docx_blocks",
    "read_plan",
    "read_plan_bytes",
    "strip_markdown_emphasis",
]

MAX_PLAN_BYTES: int = 20 * 1024 * 1024
"""Largest plan file accepted, in bytes (as stored, before unpacking)."""

MAX_DOCX_UNPACKED_BYTES: int = 200 * 1024 * 1024
"""Largest total unpacked size of a .docx: python-docx loads every part into memory."""

TEXT_SUFFIXES = frozenset({".txt", ".md"})
DOCX_SUFFIX = ".docx"
DOC_SUFFIX = ".doc"
PDF_SUFFIX = ".pdf"
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {DOCX_SUFFIX, DOC_SUFFIX, PDF_SUFFIX}
HARD_WRAPPED_SUFFIXES = TEXT_SUFFIXES | {PDF_SUFFIX}
"""Forms whose paragraphs are printed lines that the layout step must join again."""


# --------------------------------------------------------------------------- entry points


def read_plan(path: Path, *, max_bytes: int = MAX_PLAN_BYTES) -> Document:
    """Read the plan file at ``path``, dispatching on its suffix.

    The size is checked from the file system before anything is read, so an
    oversized file is refused without loading it.
    """
    if not path.is_file():
        raise PlanReadError("not_found", {"name": path.name, "path": str(path)})
    suffix = _checked_suffix(path.name)
    size = path.stat().st_size
    if size > max_bytes:
        raise PlanReadError("too_large", {"name": path.name, "size": size, "limit": max_bytes})
    with path.open("rb") as handle:
        # Bounded read: the file may have grown since stat().
        data = handle.read(max_bytes + 1)
    return _read_checked(data, path.name, suffix, max_bytes)


def read_plan_bytes(data: bytes, filename: str, *, max_bytes: int = MAX_PLAN_BYTES) -> Document:
    """Read a plan received as bytes (an upload in chat); ``filename`` gives the type."""
    name = PurePath(filename).name
    suffix = _checked_suffix(name)
    return _read_checked(data, name, suffix, max_bytes)


def _checked_suffix(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise PlanReadError("unsupported_type", {"name": name, "suffix": suffix})
    return suffix


def _read_checked(data: bytes, name: str, suffix: str, max_bytes: int) -> Document:
    if not data:
        raise PlanReadError("empty", {"name": name})
    if len(data) > max_bytes:
        raise PlanReadError("too_large", {"name": name, "size": len(data), "limit": max_bytes})
    try:
        blocks = _read_blocks(data, suffix)
    except PlanReadError as error:
        error.params.setdefault("name", name)
        raise
    return Document(blocks=blocks, source_name=name, hard_wrapped=suffix in HARD_WRAPPED_SUFFIXES)


def _read_blocks(data: bytes, suffix: str) -> tuple[Block, ...]:
    if suffix == DOCX_SUFFIX:
        return read_docx_blocks(data)
    if suffix == DOC_SUFFIX:
        # A .docx renamed .doc is read as it is; anything else goes through LibreOffice.
        is_docx = zipfile.is_zipfile(io.BytesIO(data))
        return read_docx_blocks(data if is_docx else convert_doc_to_docx(data))
    if suffix in HTML_SUFFIXES:
        return read_html_blocks(data)
    if suffix == PDF_SUFFIX:
        return read_pdf_blocks(data)
    return _text_blocks(decode_text(data), markdown=suffix == ".md")


# --------------------------------------------------------------------------- text files


def _text_blocks(text: str, *, markdown: bool) -> tuple[Block, ...]:
    lines = text.removesuffix("\n").split("\n")
    if markdown:
        lines = [strip_markdown_emphasis(line) for line in lines]
    return tuple(Paragraph(line) for line in lines)


# Emphasis markers must hug their text, so list bullets ("* item") and
# underscore blanks ("số ___/KH") are left alone.
_MD_EMPHASIS = (
    re.compile(r"(?<![\w*])\*\*\*(?![\s*])(.+?)(?<![\s*])\*\*\*(?![\w*])"),
    re.compile(r"(?<![\w*])\*\*(?![\s*])(.+?)(?<![\s*])\*\*(?![\w*])"),
    re.compile(r"(?<![\w_])__(?![\s_])(.+?)(?<![\s_])__(?![\w_])"),
    re.compile(r"(?<![\w*])\*(?![\s*])(.+?)(?<![\s*])\*(?![\w*])"),
)


def strip_markdown_emphasis(line: str) -> str:
    """Remove Markdown bold (``**x**``, ``__x__``) and italic (``*x*``) markers."""
    for pattern in _MD_EMPHASIS:
        line = pattern.sub(r"\1", line)
    return line


# --------------------------------------------------------------------------- .docx files

_DOCUMENT_PART = "word/document.xml"
_MAGIC_KINDS: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),
    (b"%PDF", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"{\\rtf", "rtf"),
)
_OTHER_ZIP_FORMATS: tuple[tuple[str, str], ...] = (
    ("xl/workbook.xml", "xlsx"),
    ("ppt/presentation.xml", "pptx"),
    ("content.xml", "odt"),
)


def read_docx_blocks(data: bytes) -> tuple[Block, ...]:
    """Paragraphs and tables of a .docx, in document order."""
    _check_docx_package(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:
        # python-docx surfaces a damaged package as whatever its zip, XML or
        # packaging layer raised; to the user they all mean "the file is damaged".
        raise PlanReadError(
            "corrupt_docx", {"reason": "unreadable", "error": type(error).__name__}
        ) from error
    number_paragraphs(document.element.body, *_list_definitions(document))
    blocks = tuple(_body_blocks(document.element.body))
    if not any(block_has_text(block) for block in blocks):
        raise PlanReadError("empty")
    return blocks


def _list_definitions(document: Any) -> tuple[Any, Any]:
    """The numbering and styles parts' XML (Word's list definitions)."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        numbering = None
    return numbering, document.styles.element


def _check_docx_package(data: bytes) -> None:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data.startswith(b"PK\x03\x04"):
            # A zip that lost its end (interrupted download): damaged, not foreign.
            raise PlanReadError("corrupt_docx", {"reason": "bad_zip"})
        raise PlanReadError("not_docx", {"detected": _sniff_kind(data)})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise PlanReadError("corrupt_docx", {"reason": "bad_zip"}) from error
    names = {info.filename for info in infos}
    if _DOCUMENT_PART not in names:
        for marker, kind in _OTHER_ZIP_FORMATS:
            if marker in names:
                raise PlanReadError("not_docx", {"detected": kind})
        raise PlanReadError("corrupt_docx", {"reason": "no_document_part"})
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_DOCX_UNPACKED_BYTES:
        raise PlanReadError(
            "too_large",
            {"size": unpacked, "limit": MAX_DOCX_UNPACKED_BYTES, "reason": "unpacked"},
        )


def _sniff_kind(data: bytes) -> str:
    for magic, kind in _MAGIC_KINDS:
        if data.startswith(magic):
            return kind
    return "unknown"


# python-docx elements are lxml elements, which carry no type information.
_Element = Any

_MC_ALTERNATE_CONTENT = (
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
)
_P, _TBL, _SDT, _SDT_CONTENT, _CUSTOM_XML = (
    qn("w:p"),
    qn("w:tbl"),
    qn("w:sdt"),
    qn("w:sdtContent"),
    qn("w:customXml"),
)
_TR, _TC, _VAL = qn("w:tr"), qn("w:tc"), qn("w:val")
_WRAPPERS = frozenset({_SDT, _SDT_CONTENT, _CUSTOM_XML})


def _body_blocks(container: _Element) -> Iterator[Block]:
    for child in _content_children(container, (_P, _TBL)):
        if child.tag == _P:
            yield Paragraph(_paragraph_text(child))
        else:
            table = _table(child)
            if table.rows:
                yield table


def _content_children(container: _Element, wanted: tuple[str, ...]) -> Iterator[_Element]:
    """Children with a ``wanted`` tag, looking through content controls."""
    for child in container:
        if child.tag in wanted:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _content_children(child, wanted)


# --- paragraph text

# Subtrees whose text is not part of the paragraph as read: properties,
# deleted revisions, field instructions, and drawings/text boxes (whose
# AlternateContent holds the same text twice).
_SKIPPED = frozenset(
    {
        qn("w:pPr"),
        qn("w:rPr"),
        qn("w:del"),
        qn("w:moveFrom"),
        qn("w:delText"),
        qn("w:instrText"),
        qn("w:drawing"),
        qn("w:pict"),
        qn("w:object"),
        _MC_ALTERNATE_CONTENT,
    }
)


def _break_text(element: _Element) -> str:
    # Page and column breaks only move text; a line break is a line end.
    return "\n" if element.get(qn("w:type")) in (None, "textWrapping") else ""


def _plain_text(element: _Element) -> str:
    return str(element.text or "")


_INLINE_TEXT: dict[str, Callable[[_Element], str]] = {
    qn("w:t"): _plain_text,
    qn("w:tab"): lambda _: "\t",
    qn("w:ptab"): lambda _: "\t",
    qn("w:br"): _break_text,
    qn("w:cr"): lambda _: "\n",
    qn("w:noBreakHyphen"): lambda _: "-",
}


def _paragraph_text(paragraph: _Element) -> str:
    return normalise_text("".join(_inline_parts(paragraph)))


def _inline_parts(element: _Element) -> Iterator[str]:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue  # comments and processing instructions have non-string tags
        render = _INLINE_TEXT.get(tag)
        if render is not None:
            yield render(child)
        else:
            yield from _inline_parts(child)


# --- tables


def _table(tbl: _Element) -> Table:
    return grid_table(_grid_rows(tbl), _header_flags(tbl), width=_grid_width(tbl))


def _grid_width(tbl: _Element) -> int:
    grid = tbl.find(qn("w:tblGrid"))
    return 0 if grid is None else len(grid.findall(qn("w:gridCol")))


def _table_rows(tbl: _Element) -> list[_Element]:
    return list(_content_children(tbl, (_TR,)))


def _grid_rows(tbl: _Element) -> list[list[str]]:
    """Cell texts laid on the table grid, merged cells repeating their text."""
    rows: list[list[str]] = []
    for tr in _table_rows(tbl):
        above = rows[-1] if rows else []
        cells: list[str] = [""] * _row_property_int(tr, "w:gridBefore")
        for tc in _content_children(tr, (_TC,)):
            column = len(cells)
            if _merge_state(tc, "w:vMerge") == "continue" and column < len(above):
                text = above[column]
            elif _merge_state(tc, "w:hMerge") == "continue" and cells:
                text = cells[-1]
            else:
                text = _cell_text(tc)
            cells.extend([text] * _cell_span(tc))
        cells.extend([""] * _row_property_int(tr, "w:gridAfter"))
        rows.append(cells)
    return rows


def _row_property_int(tr: _Element, name: str) -> int:
    trPr = tr.find(qn("w:trPr"))
    element = None if trPr is None else trPr.find(qn(name))
    return _int_value(element, default=0)


def _cell_span(tc: _Element) -> int:
    tcPr = tc.find(qn("w:tcPr"))
    span = _int_value(None if tcPr is None else tcPr.find(qn("w:gridSpan")), default=1)
    return max(span, 1)


def _int_value(element: _Element, *, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(_VAL, default))
    except ValueError:
        return default


def _merge_state(tc: _Element, name: str) -> str | None:
    """``"restart"``, ``"continue"`` or ``None`` for a w:vMerge / w:hMerge cell."""
    tcPr = tc.find(qn("w:tcPr"))
    merge = None if tcPr is None else tcPr.find(qn(name))
    if merge is None:
        return None
    return "restart" if merge.get(_VAL) == "restart" else "continue"


def _cell_text(tc: _Element) -> str:
    parts: list[str] = []
    for child in _content_children(tc, (_P, _TBL)):
        if child.tag == _P:
            parts.append(_paragraph_text(child))
        else:
            parts.append(_flatten_table(child))
    return "\n".join(parts).strip()


def _flatten_table(tbl: _Element) -> str:
    return flatten_rows(_grid_rows(tbl))


# --- repeated header rows

_ON_OFF_FALSE = frozenset({"0", "false", "off"})


def _header_flags(tbl: _Element) -> list[bool]:
    flags = []
    for tr in _table_rows(tbl):
        trPr = tr.find(qn("w:trPr"))
        marker = None if trPr is None else trPr.find(qn("w:tblHeader"))
        flags.append(marker is not None and marker.get(_VAL, "1") not in _ON_OFF_FALSE)
    return flags
