"""PDF plans with a text layer, read as one paragraph per printed line.

A PDF keeps no paragraphs, only positioned words, so each printed line becomes
one :class:`Paragraph` and the document is marked ``hard_wrapped``: the layout
step joins wrapped lines by their width, as it does for text pulled out of Word.
Words far apart on one line (the two columns of a header or signature block)
are separated by a tab, as table cells are in such text. A line that is only a
page number at the top or bottom of a page is dropped.

A PDF without any text (a scan) raises ``scanned_pdf``; one that cannot be
opened raises ``corrupt_pdf``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

from plans.model import Block, Paragraph
from plans.read_base import PlanReadError, normalise_text

_PDF_MAGIC = b"%PDF-"
_MAGIC_WINDOW = 1024
"""Readers accept the header anywhere in the first kilobyte."""

_LINE_TOLERANCE = 3.0
"""Words whose tops differ by at most this many points sit on one line."""

_COLUMN_GAP = 1.5
"""A gap wider than this many times the words' height separates two columns
(justified text stretches its spaces to about one height)."""

_MARGIN_SHARE = 0.12
"""The top and bottom share of a page where running headers and footers sit."""

_PAGE_NUMBER = re.compile(
    r"(?:trang|page)?\s*[-–—]?\s*\d{1,4}\s*(?:[-–—]|(?:/|trên|of)\s*\d{1,4})?", re.I
)


def read_pdf_blocks(data: bytes) -> tuple[Block, ...]:
    """The printed lines of a PDF's text layer, page after page."""
    if _PDF_MAGIC not in data[:_MAGIC_WINDOW]:
        raise PlanReadError("corrupt_pdf", {"reason": "not_pdf"})
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if not pdf.pages:
                raise PlanReadError("corrupt_pdf", {"reason": "no_pages"})
            lines = [line for page in pdf.pages for line in _page_lines(page)]
    except PlanReadError:
        raise
    except Exception as error:
        # pdfminer reports a damaged file as whatever its lexer, parser or
        # decompressor raised (pdfplumber wraps it); to the user they all mean
        # "the file is damaged", unless it only wants a password.
        reason = "encrypted" if _wants_password(error) else "unreadable"
        raise PlanReadError(
            "corrupt_pdf", {"reason": reason, "error": type(error).__name__}
        ) from error
    if not any(line.strip() for line in lines):
        raise PlanReadError("scanned_pdf")
    return tuple(Paragraph(line) for line in lines)


# pdfplumber pages and word dictionaries are loosely typed.
_Page = Any
_Word = dict[str, Any]


def _page_lines(page: _Page) -> list[str]:
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    rows = list(_rows(words))
    texts = [_row_text(row) for row in rows]
    height = float(page.height)
    while texts and _is_page_number(texts[0]) and _top(rows[0]) < height * _MARGIN_SHARE:
        rows.pop(0)
        texts.pop(0)
    while texts and _is_page_number(texts[-1]) and _top(rows[-1]) > height * (1 - _MARGIN_SHARE):
        rows.pop()
        texts.pop()
    return texts


def _rows(words: Sequence[_Word]) -> Iterator[list[_Word]]:
    """Words grouped into printed lines, top to bottom, each left to right."""
    row: list[_Word] = []
    for word in sorted(words, key=lambda w: (float(w["top"]), float(w["x0"]))):
        if row and float(word["top"]) - _top(row) > _LINE_TOLERANCE:
            yield sorted(row, key=lambda w: float(w["x0"]))
            row = []
        row.append(word)
    if row:
        yield sorted(row, key=lambda w: float(w["x0"]))


def _top(row: Sequence[_Word]) -> float:
    return min(float(word["top"]) for word in row)


def _row_text(row: Sequence[_Word]) -> str:
    parts: list[str] = []
    previous: _Word | None = None
    for word in row:
        if previous is not None:
            gap = float(word["x0"]) - float(previous["x1"])
            size = max(float(previous["bottom"]) - float(previous["top"]), 1.0)
            parts.append("\t" if gap > _COLUMN_GAP * size else " ")
        parts.append(str(word["text"]))
        previous = word
    return normalise_text("".join(parts)).strip(" ")


def _wants_password(error: BaseException) -> bool:
    seen: BaseException | None = error
    for _ in range(5):  # the wrapped error, and what it wrapped
        if seen is None:
            return False
        if isinstance(seen, PDFPasswordIncorrect | PDFEncryptionError):
            return True
        wrapped = seen.args[0] if seen.args else None
        seen = wrapped if isinstance(wrapped, BaseException) else seen.__cause__ or seen.__context__
    return False


def _is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.fullmatch(text.strip()))
