"""Text helpers shared by the plan readers and extractors."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})


def fold(text: str) -> str:
    """Lowercase ``text``, drop Vietnamese diacritics and collapse whitespace.

    "Ủy ban nhân dân  Xã" and "uy ban nhan dan xa" fold to the same string, so
    cues and unit names match however a secretary or a clerk typed them.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_DASHES))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.lower()).strip()


def squash(text: str) -> str:
    """Collapse runs of whitespace into single spaces and trim."""
    return _SPACES.sub(" ", text).strip()
