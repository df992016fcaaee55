"""Text helpers shared by the plan readers and extractors."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")

BULLETS = "-+•*–—▪▫◦●○■□➢➤►✓✔❖\uf0b7\uf0a7\uf076\uf0d8"
"""Characters that open a list item: dashes, Word's bullets (also the Symbol-font
ones pasted as private-use characters)."""
BULLET_CLASS = "[" + re.escape(BULLETS) + "]"
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


def fold_char(ch: str) -> str:
    """One character folded: lower case, no diacritics, ``đ`` as ``d``, dashes as ``-``."""
    if ch.isspace():
        return " "
    if ch in _DASHES:
        return "-"
    decomposed = unicodedata.normalize("NFD", ch.lower())
    return "".join("d" if c == "đ" else c for c in decomposed if not unicodedata.combining(c))


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lowercase ``text``, drop Vietnamese diacritics and collapse whitespace.

    "Ủy ban nhân dân  Xã" and "uy ban nhan dan xa" fold to the same string, so
    cues and unit names match however a secretary or a clerk typed them. NFC
    and NFD input fold the same.
    """
    return " ".join(unicodedata.normalize("NFC", text).translate(FOLD_TABLE).split())


def squash(text: str) -> str:
    """Collapse runs of whitespace into single spaces and trim."""
    return _SPACES.sub(" ", text).strip()


def clip(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


_HEADING_MAX = 200


def is_caps(text: str) -> bool:
    """True for a short text written in capitals, as plans write their section titles."""
    if len(text) > _HEADING_MAX:
        return False
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
