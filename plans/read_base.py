"""What every plan reader shares: the read error, text decoding, table rows.

:class:`PlanReadError` carries a machine-readable ``code`` and ``params``;
turning it into a message for people is the caller's job. :func:`decode_text`
turns the bytes of a text file into NFC text. The table helpers lay out rows
the same way for every form (merged cells repeated, repeated headers dropped).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Literal

from plans.model import Block, Paragraph, Table

ReadErrorCode = Literal[
    "empty",
    "too_large",
    "binary",
    "not_docx",
    "corrupt_docx",
    "undecodable",
    "unsupported_type",
    "not_found",
    "scanned_pdf",
    "corrupt_pdf",
    "doc_needs_conversion",
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


def decode_text(data: bytes) -> str:
    """Decode the bytes of a text plan into NFC text with ``\\n`` line ends.

    Tries, in order: a byte-order mark, strict UTF-8, BOM-less UTF-16 (when
    NUL bytes follow the UTF-16 pattern), then Windows-1258 when the bytes look
    like Vietnamese in that code page. Non-breaking spaces become spaces.
    Raises :class:`PlanReadError` with code ``empty``, ``binary`` or ``undecodable``.
    """
    if not data:
        raise PlanReadError("empty")
    text = normalise_text(_decode(data))
    if not text.strip():
        raise PlanReadError("empty")
    return text


# --------------------------------------------------------------------------- decoding

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


def normalise_text(text: str) -> str:
    """NFC, ``\\n`` line ends (page breaks count as line ends), plain spaces."""
    text = text.removeprefix("\ufeff")
    text = _LINE_BREAKS.sub("\n", text)
    text = _STRAY_CONTROLS.sub("", text)
    return unicodedata.normalize("NFC", _NO_BREAK_SPACES.sub(" ", text))


# --------------------------------------------------------------------------- blocks and tables


def block_has_text(block: Block) -> bool:
    """Whether a paragraph or any cell of a table holds visible text."""
    if isinstance(block, Paragraph):
        return bool(block.text.strip())
    return any(cell.strip() for row in block.rows for cell in row)


def grid_table(
    grid_rows: Sequence[list[str]], header_flags: Sequence[bool], *, width: int = 0
) -> Table:
    """A :class:`Table` from rows laid on the table grid (merged cells repeated).

    Every row is padded to the widest row (or ``width``), and later copies of
    the header rows are dropped. ``header_flags`` marks the rows the file itself
    declares as repeating headers.
    """
    width = max([width, *(len(row) for row in grid_rows)])
    padded = [row + [""] * (width - len(row)) for row in grid_rows]
    kept = drop_repeated_headers(padded, list(header_flags))
    return Table(rows=tuple(tuple(row) for row in kept))


def flatten_rows(grid_rows: Sequence[list[str]]) -> str:
    """A nested table as text: one line per row, distinct cells tab-separated."""
    lines = []
    for row in grid_rows:
        distinct = [cell for i, cell in enumerate(row) if cell and (i == 0 or cell != row[i - 1])]
        lines.append("\t".join(distinct))
    return "\n".join(line for line in lines if line)


# --- repeated header rows

_COLUMN_NUMBER = re.compile(r"\(?\s*(\d+|[IVXivx]+)\s*\)?")


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


def drop_repeated_headers(rows: list[list[str]], flags: list[bool]) -> list[list[str]]:
    """Drop later copies of header rows (headers repeated at page breaks)."""
    if not rows:
        return rows
    size = _header_block_size(rows, flags)
    header_keys = {_row_key(row) for row in rows[:size] if any(cell.strip() for cell in row)}
    body = [row for row in rows[size:] if _row_key(row) not in header_keys]
    return rows[:size] + body
