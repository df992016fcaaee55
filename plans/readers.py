"""Read plan files (.txt, .md, .docx) into a :class:`~plans.model.Document`.

Text files become one :class:`Paragraph` per line, with tabs and blank lines
kept exactly, because the extractor rebuilds tables from the tab layout of
text pulled out of Word. Word files become paragraphs and tables in document
order, with merged cells repeated so that every row is as wide as its table.

Every failure raises :class:`PlanReadError` with a machine-readable ``code`` and
``params``; turning it into a message for people is the caller's job.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePath
from typing import Any, Literal

import docx
from docx.oxml.ns import qn

from plans.docx_numbering import number_paragraphs
from plans.model import Block, Document, Paragraph, Table

MAX_PLAN_BYTES: int = 20 * 1024 * 1024
"""Largest plan file accepted, in bytes (as stored, before unpacking)."""

MAX_DOCX_UNPACKED_BYTES: int = 200 * 1024 * 1024
"""Largest total unpacked size of a .docx: python-docx loads every part into memory."""

ReadErrorCode = Literal[
    "empty",
    "too_large",
    "binary",
    "not_docx",
    "corrupt_docx",
    "undecodable",
    "unsupported_type",
    "not_found",
]


class PlanReadError(Exception):
    """A plan file could not be read.

    ``code`` is one of :data:`ReadErrorCode`; ``params`` carries the details a
    message needs (``name``, ``size``/``limit``, ``suffix``, ``detected``, ``reason``).
    """

    def __init__(self, code: ReadErrorCode, params: Mapping[str, str | int] | None = None) -> None:
        self.code: ReadErrorCode = code
        self.params: dict[str, str | int] = dict(params or {})
        super().__init__(code, self.params)

    def __str__(self) -> str:
        details = ", ".join(f"{key}={value}" for key, value in self.params.items())
        return f"{self.code} ({details})" if details else self.code


TEXT_SUFFIXES = frozenset({".txt", ".md"})
DOCX_SUFFIX = ".docx"
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {DOCX_SUFFIX}


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


def decode_text(data: bytes) -> str:
    """Decode the bytes of a text plan into NFC text with ``\\n`` line ends.

    Tries, in order: a byte-order mark, strict UTF-8, BOM-less UTF-16 (when
    NUL bytes follow the UTF-16 pattern), then Windows-1258 when the bytes look
    like Vietnamese in that code page. Non-breaking spaces become spaces.
    Raises :class:`PlanReadError` with code ``empty``, ``binary`` or ``undecodable``.
    """
    if not data:
        raise PlanReadError("empty")
    text = _normalise_text(_decode(data))
    if not text.strip():
        raise PlanReadError("empty")
    return text


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
        if suffix == DOCX_SUFFIX:
            blocks = read_docx_blocks(data)
        else:
            blocks = _text_blocks(decode_text(data), markdown=suffix == ".md")
    except PlanReadError as error:
        error.params.setdefault("name", name)
        raise
    return Document(blocks=blocks, source_name=name, hard_wrapped=suffix != DOCX_SUFFIX)


# --------------------------------------------------------------------------- text files

_MAX_CONTROL_SHARE = 0.10
# Control characters other than layout (tab, line ends, page breaks): they
# carry no text, and many of them mean the file is not text at all.
_STRAY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_CP1258_FORBIDDEN_CONTROLS = re.compile(b"[\x00-\x08\x0b\x0e-\x1f]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _decode(data: bytes) -> str:
    text = _decode_with_bom(data)
    if text is None:
        text = _decode_without_bom(data)
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise PlanReadError("binary")
    return text


def _decode_without_bom(data: bytes) -> str:
    if b"\x00" in data:
        # NUL is never text, except as the zero half of a UTF-16 code unit.
        text = _decode_bomless_utf16(data)
        if text is None:
            raise PlanReadError("binary")
        return text
    text = _decode_utf8(data)
    if text is None:
        text = _decode_cp1258(data)
    if text is None:
        too_many_controls = _control_share(data.decode("latin-1")) > _MAX_CONTROL_SHARE
        raise PlanReadError("binary" if too_many_controls else "undecodable")
    return text


def _decode_with_bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise PlanReadError("undecodable", {"encoding": encoding}) from None
    return None


def _decode_utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _decode_bomless_utf16(data: bytes) -> str | None:
    """Decode UTF-16 without a BOM, told apart by where its NUL bytes sit.

    ASCII characters (spaces, digits, most letters of Vietnamese words) have a
    zero high byte, so one byte position of each pair is mostly NUL and the
    other almost never is.
    """
    if len(data) % 2:
        return None
    units = len(data) // 2
    even_nuls = data[0::2].count(0) / units
    odd_nuls = data[1::2].count(0) / units
    if odd_nuls >= 0.3 and even_nuls <= 0.05:
        encoding = "utf-16-le"
    elif even_nuls >= 0.3 and odd_nuls <= 0.05:
        encoding = "utf-16-be"
    else:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _decode_cp1258(data: bytes) -> str | None:
    """Decode Windows-1258 only when the result reads as Vietnamese.

    Any single-byte code page decodes almost anything, so the bytes must look
    like text (no stray control bytes) and the letters outside ASCII must be
    overwhelmingly Vietnamese ones.
    """
    if _CP1258_FORBIDDEN_CONTROLS.search(data):
        return None
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        return None
    vietnamese = 0
    foreign = 0
    for char, count in Counter(_NON_ASCII.findall(text)).items():
        if char in _VIETNAMESE_LETTERS:
            vietnamese += count
        elif unicodedata.category(char)[0] in "LM":
            foreign += count
    if vietnamese == 0 or vietnamese < 4 * foreign:
        return None
    return text


def _vietnamese_letters() -> frozenset[str]:
    vowels = "aăâeêioôơuưy"
    tone_marks = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    letters = {
        unicodedata.normalize("NFC", case(vowel) + mark)
        for vowel in vowels
        for mark in tone_marks
        for case in (str.lower, str.upper)
    }
    letters.update("đĐ")
    return frozenset(letter for letter in letters if len(letter) == 1 and not letter.isascii())


_VIETNAMESE_LETTERS = _vietnamese_letters()


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for _ in _STRAY_CONTROLS.finditer(text)) / len(text)


_LINE_BREAKS = re.compile("\r\n|[\r\v\f\u2028\u2029]")
_NO_BREAK_SPACES = re.compile("[\u00a0\u202f\u2007]")


def _normalise_text(text: str) -> str:
    """NFC, ``\\n`` line ends (page breaks count as line ends), plain spaces."""
    text = text.removeprefix("\ufeff")
    text = _LINE_BREAKS.sub("\n", text)
    text = _STRAY_CONTROLS.sub("", text)
    return unicodedata.normalize("NFC", _NO_BREAK_SPACES.sub(" ", text))


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
    if not any(_block_has_text(block) for block in blocks):
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


def _block_has_text(block: Block) -> bool:
    if isinstance(block, Paragraph):
        return bool(block.text.strip())
    return any(cell.strip() for row in block.rows for cell in row)


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
    return _normalise_text("".join(_inline_parts(paragraph)))


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
    grid_rows = _grid_rows(tbl)
    width = max((len(row) for row in grid_rows), default=0)
    width = max(width, _grid_width(tbl))
    padded = [row + [""] * (width - len(row)) for row in grid_rows]
    kept = _drop_repeated_headers(padded, _header_flags(tbl))
    return Table(rows=tuple(tuple(row) for row in kept))


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
    """A nested table as text: one line per row, distinct cells tab-separated."""
    lines = []
    for row in _grid_rows(tbl):
        distinct = [cell for i, cell in enumerate(row) if cell and (i == 0 or cell != row[i - 1])]
        lines.append("\t".join(distinct))
    return "\n".join(line for line in lines if line)


# --- repeated header rows

_ON_OFF_FALSE = frozenset({"0", "false", "off"})
_COLUMN_NUMBER = re.compile(r"\(?\s*(\d+|[IVXivx]+)\s*\)?")


def _header_flags(tbl: _Element) -> list[bool]:
    flags = []
    for tr in _table_rows(tbl):
        trPr = tr.find(qn("w:trPr"))
        marker = None if trPr is None else trPr.find(qn("w:tblHeader"))
        flags.append(marker is not None and marker.get(_VAL, "1") not in _ON_OFF_FALSE)
    return flags


def _row_key(row: list[str]) -> tuple[str, ...]:
    return tuple(" ".join(cell.split()) for cell in row)


def _header_block_size(rows: list[list[str]], flags: list[bool]) -> int:
    """How many leading rows make up the table header.

    The header is the first row, every leading row marked to repeat on each
    page, a second row when the first is a title spanning the whole table,
    and a row of column numbers ("(1) (2) (3)") right after those.
    """
    size = 1
    while size < len(rows) and size < len(flags) and flags[size]:
        size += 1
    if size == 1 and len(rows) > 1 and _is_title_row(rows[0]):
        size = 2
    if size < len(rows) and _is_column_number_row(rows[size]):
        size += 1
    return size


def _is_title_row(row: list[str]) -> bool:
    return len(row) > 1 and bool(row[0].strip()) and len(set(row)) == 1


def _is_column_number_row(row: list[str]) -> bool:
    cells = [cell.strip() for cell in row if cell.strip()]
    return len(cells) > 1 and all(_COLUMN_NUMBER.fullmatch(cell) for cell in cells)


def _drop_repeated_headers(rows: list[list[str]], flags: list[bool]) -> list[list[str]]:
    """Drop later copies of header rows (headers repeated at page breaks)."""
    if not rows:
        return rows
    size = _header_block_size(rows, flags)
    header_keys = {_row_key(row) for row in rows[:size] if any(cell.strip() for cell in row)}
    body = [row for row in rows[size:] if _row_key(row) not in header_keys]
    return rows[:size] + body
