"""Web pages (.htm, .html) as paragraphs and tables, the way the .docx reader gives them.

Offices get plans as Word's "Save as Web Page" export (a code page declared in a
``<meta>`` tag, HTML entities, ``<p class=MsoNormal>`` paragraphs, conditional
comments, header tables) or as an ordinary saved web page. Both read into the
blocks a Word file gives: one :class:`Paragraph` per paragraph, heading, list
item or ``<div>`` holding text of its own (a ``<br>`` is a line break inside
it), and one :class:`Table` per ``<table>`` with merged cells (``rowspan``,
``colspan``) repeated so that every row is as wide as the table.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import Any

import lxml.etree
import lxml.html

from plans.docx_numbering import format_list_number
from plans.model import Block, Paragraph, Table
from plans.read_base import (
    PlanReadError,
    block_has_text,
    decode_text,
    flatten_rows,
    grid_table,
    normalise_text,
)

HTML_SUFFIXES = frozenset({".htm", ".html"})

# lxml.html elements carry no useful static type for the tree walk below.
_Element = Any

# --------------------------------------------------------------------------- decoding

_CHARSET_SCAN_BYTES = 64 * 1024
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# As browsers do: these labels mean Windows-1252, whose extra letters they cover.
_WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii"})
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def decode_html(data: bytes) -> str:
    """The text of a web page: a byte-order mark first, then the charset its
    ``<meta>`` tag declares, then the guesses of :func:`decode_text`."""
    if not data.startswith(_BOMS):
        encoding = _declared_encoding(data[:_CHARSET_SCAN_BYTES])
        if encoding is not None:
            try:
                return normalise_text(data.decode(encoding))
            except UnicodeDecodeError:
                pass  # the declaration is wrong: guess as for a text file
    return decode_text(data)


def _declared_encoding(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    if label in _WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page whose bytes can be read as ASCII is never really UTF-16 or UTF-32.
    return None if name.startswith(("utf-16", "utf-32")) else name


# --------------------------------------------------------------------------- parsing

# Word's downlevel-revealed conditional blocks. Two hold only what other
# browsers draw instead of Word: bitmap copies of line shapes (!vml) and a row
# of empty cells that fixes column widths (!supportMisalignedColumns). The
# others (list numbers, empty paragraphs, line breaks) are the text itself.
_WORD_ONLY_FALLBACKS = re.compile(
    r"<!\[if\s+!(?:vml|supportMisalignedColumns)\]>.*?<!\[endif\]>", re.I | re.S
)
_CONDITIONAL_MARKERS = re.compile(r"<!\[(?:if\b[^\]]*|endif)\]>", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def read_html_blocks(data: bytes) -> tuple[Block, ...]:
    """Paragraphs and tables of a web page, in document order."""
    text = decode_html(data)
    text = _WORD_ONLY_FALLBACKS.sub("", text)
    text = _CONDITIONAL_MARKERS.sub("", text)
    text = _XML_DECLARATION.sub("", text)
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        raise PlanReadError("empty") from None
    body = root.find("body")
    blocks = tuple(_blocks(root if body is None else body, paragraph=False))
    if not any(block_has_text(block) for block in blocks):
        raise PlanReadError("empty")
    return blocks


# --------------------------------------------------------------------------- blocks

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_PARAGRAPH_TAGS = _HEADINGS | {"p", "li", "dt", "dd", "pre", "address", "figcaption", "summary"}
_LIST_TAGS = frozenset({"ol", "ul", "menu", "dir"})
_CONTAINER_TAGS = frozenset(
    {
        "html",
        "body",
        "div",
        "center",
        "blockquote",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "main",
        "nav",
        "form",
        "fieldset",
        "figure",
        "details",
        "dialog",
        "dl",
        "hgroup",
        "legend",
        "hr",
        "caption",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
    }
)
_BLOCK_TAGS = _PARAGRAPH_TAGS | _LIST_TAGS | _CONTAINER_TAGS | {"table"}
_SKIPPED_TAGS = frozenset(
    {
        "head",
        "title",
        "script",
        "style",
        "noscript",
        "template",
        "meta",
        "link",
        "xml",
        "object",
        "iframe",
        "select",
        "button",
        "svg",
        "math",
        "img",
    }
)

# Stand-ins that survive whitespace folding: a line break and a tab.
_LINE_BREAK = "\u2028"
_TAB = "\ue000"
_SPACES = re.compile(r"[ \t\n\r\f]+")
_SPACE_AROUND_BREAK = re.compile(f" ?{_LINE_BREAK} ?")
_TAB_COUNT = re.compile(r"mso-tab-count\s*:\s*(\d+)", re.I)
_HIDDEN = re.compile(r"display\s*:\s*none|mso-hide\s*:\s*all", re.I)
_WORD_LIST_STYLE = re.compile(r"mso-list\s*:", re.I)
_LIST_LABEL_GAP = re.compile(r"^(\S+) +")


def _blocks(element: _Element, *, paragraph: bool) -> Iterator[Block]:
    """The blocks of one block element.

    Inline content between nested blocks becomes a paragraph when it has text;
    a paragraph element (``paragraph``) that holds nothing else gives one
    paragraph even when blank, as an empty Word paragraph does.
    """
    parts: list[str] = []
    emitted = False
    preformatted = element.tag == "pre"
    for item in _flow(element):
        if isinstance(item, str):
            parts.append(item)
            continue
        text = _paragraph_text(parts, element, preformatted=preformatted)
        parts = []
        if text.strip():
            emitted = True
            yield Paragraph(text)
        for block in _child_blocks(item):
            emitted = True
            yield block
    text = _paragraph_text(parts, element, preformatted=preformatted)
    if text.strip() or (paragraph and not emitted):
        yield Paragraph(text)


def _flow(element: _Element) -> Iterator[str | _Element]:
    """Inline text pieces and nested block elements, in order; inline
    elements are looked through, so a block inside a ``<span>`` still counts."""
    if element.text:
        yield element.text
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or _is_hidden(child):
            pass  # comments and processing instructions have non-string tags
        elif tag in _BLOCK_TAGS:
            yield child
        elif tag == "br":
            yield _LINE_BREAK
        elif (tabs := _TAB_COUNT.search(child.get("style", ""))) is not None:
            yield _TAB * max(1, min(int(tabs.group(1)), 20))
        else:
            yield from _flow(child)
        if child.tail:
            yield child.tail


def _is_hidden(element: _Element) -> bool:
    if element.tag in _SKIPPED_TAGS or element.get("hidden") is not None:
        return True
    return bool(_HIDDEN.search(element.get("style", "")))


def _child_blocks(element: _Element) -> Iterator[Block]:
    tag = element.tag
    if tag == "table":
        yield from _table_blocks(element)
    elif tag in _LIST_TAGS:
        yield from _list_blocks(element)
    else:
        yield from _blocks(element, paragraph=tag in _PARAGRAPH_TAGS)


def _paragraph_text(parts: list[str], element: _Element, *, preformatted: bool) -> str:
    text = "".join(parts)
    if preformatted:
        text = text.replace("\n", _LINE_BREAK).replace("\t", _TAB)
    text = _SPACES.sub(" ", text).strip(" ")
    text = _SPACE_AROUND_BREAK.sub(_LINE_BREAK, text).replace(_TAB, "\t")
    text = normalise_text(text).strip(" ")
    if _WORD_LIST_STYLE.search(element.get("style", "")):
        # Word writes a list number followed by non-breaking spaces for the indent.
        text = _LIST_LABEL_GAP.sub(r"\1 ", text, count=1)
    return text


# --- lists

_LIST_TYPES = {
    "1": "decimal",
    "a": "lowerLetter",
    "A": "upperLetter",
    "i": "lowerRoman",
    "I": "upperRoman",
}


def _list_blocks(element: _Element) -> Iterator[Block]:
    """List items with their label written in front, as Word's list numbers are."""
    ordered = element.tag == "ol"
    fmt = _LIST_TYPES.get(element.get("type", "1"), "decimal")
    number = _int_attribute(element, "start", 1)
    for item in _flow(element):
        if isinstance(item, str):
            continue  # whitespace between items
        if item.tag != "li":
            yield from _child_blocks(item)
            continue
        number = _int_attribute(item, "value", number)
        label = f"{format_list_number(number, fmt)}." if ordered and number > 0 else "-"
        yield from _labelled(_blocks(item, paragraph=True), label)
        number += 1


def _labelled(blocks: Iterator[Block], label: str) -> Iterator[Block]:
    pending = True
    for block in blocks:
        if pending and isinstance(block, Paragraph):
            block = Paragraph(f"{label} {block.text}".rstrip(" "))
            pending = False
        yield block


def _int_attribute(element: _Element, name: str, default: int) -> int:
    try:
        return int(element.get(name, default))
    except ValueError:
        return default


# --- tables

_MAX_COLSPAN = 1000
_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})


def _table_blocks(element: _Element) -> Iterator[Block]:
    for caption in element.findall("caption"):
        yield from _blocks(caption, paragraph=False)
    rows, flags = _grid_rows(element)
    if rows:
        yield grid_table(rows, flags)


def _table_rows(table: _Element) -> Iterator[tuple[_Element, bool]]:
    """The rows of ``table`` (not of tables inside it), each with whether it
    sits in ``<thead>`` (a header row repeated on every page)."""
    for child in table:
        if child.tag == "tr":
            yield child, False
        elif child.tag in _ROW_GROUPS and not _is_hidden(child):
            for row in child:
                if row.tag == "tr":
                    yield row, child.tag == "thead"


def _grid_rows(table: _Element) -> tuple[list[list[str]], list[bool]]:
    """Cell texts laid on the table grid, spanned cells repeating their text."""
    rows = [(tr, header) for tr, header in _table_rows(table) if not _is_hidden(tr)]
    grid: list[list[str | None]] = [[] for _ in rows]
    for index, (tr, _header) in enumerate(rows):
        column = 0
        for cell in tr:
            if cell.tag not in ("td", "th") or _is_hidden(cell):
                continue
            line = grid[index]
            while column < len(line) and line[column] is not None:
                column += 1
            text = _cell_text(cell)
            colspan = min(max(_int_attribute(cell, "colspan", 1), 1), _MAX_COLSPAN)
            rowspan = _int_attribute(cell, "rowspan", 1)
            # rowspan="0" spans to the end of the table; no span runs past it.
            rowspan = len(rows) - index if rowspan <= 0 else min(rowspan, len(rows) - index)
            for below in grid[index : index + rowspan]:
                below.extend([None] * (column + colspan - len(below)))
                for spanned in range(column, column + colspan):
                    if below[spanned] is None:
                        below[spanned] = text
            column += colspan
    texts = [["" if cell is None else cell for cell in line] for line in grid]
    return texts, [header for _tr, header in rows]


def _cell_text(cell: _Element) -> str:
    parts = []
    for block in _blocks(cell, paragraph=False):
        if isinstance(block, Table):
            parts.append(flatten_rows([list(row) for row in block.rows]))
        else:
            parts.append(block.text)
    return "\n".join(parts).strip()
